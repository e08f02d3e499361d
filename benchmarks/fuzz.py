#!/usr/bin/env python3
"""Fuzz what markaudit reads: documents, cache files, configurations, baselines and rule files.

    python benchmarks/fuzz.py --minutes 30 [--targets text,pdf,...] [--out DIR]

Each case is a real seed (fixtures/, the shipped pack, files an audit writes) mutated at the byte
level (bits flipped, spans deleted, repeated many times or spliced from another seed, format
tokens inserted, numbers swapped for extreme ones, the whole nested deeply), handed to the public
function that reads such a file:

| target | reads with | an expected refusal |
|---|---|---|
| text, pdf, alto, hocr | `read.formats.document_from_bytes` | `InputError` |
| cache | `cache.Cache.load` on a damaged entry | None (a miss) |
| cache-sealed | the same, the entry's data mutated and sealed again with the folder's key | None |
| pack | `engine.packdata.from_data` on mutated, sealed pack data, then an audit with it | None |
| config | `config.load` (TOML, YAML, pyproject.toml) | `ConfigError` |
| baseline | `baseline.load` (YAML, JSON), then applied to a report | `BaselineError` |
| rules | `engine.rules.load_rule_texts`, then an audit with the pack it accepts | `RuleFileError` |

Anything else is a finding: another exception, a crash of the process (a signal), a hang (no
answer within `--case-timeout`) or runaway memory (`MemoryError` under the worker's limit,
`--memory-mb`). The cases run in one worker process, restarted after a crash or a hang, so that
no case can take the fuzzer down. Every finding is written to `--out` (the input, and a line in
`findings.jsonl`) and summed up at the end, with the cases run per target.

The cases are drawn by Hypothesis (a test dependency already): it picks the target, the seed and
the mutations, and favours the edges (empty, huge, boundary numbers) more than uniform random
choices would. It is not coverage-guided as atheris is; atheris needs a libFuzzer build of
the interpreter's extensions and gives little on pure-Python parsers for that cost. Shrinking is
off: a hang would be re-run for minutes; the input kept is the one that failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "fixtures"
TARGETS = ("text", "pdf", "alto", "hocr", "cache", "cache-sealed", "pack", "config", "baseline",
           "rules")
# Tokens that mean something to one of the formats read, inserted at random places.
TOKENS = [
    b"<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf 99'>", b"</b>", b"<span>",
    b"<div class='ocr_page' title='bbox 0 0 -1 1e308'>", b"<String CONTENT='TOP' WC='2'/>",
    b"<TextLine HPOS='-1' VPOS='nan'>", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;",
    b"obj", b"endobj", b"stream\n", b"endstream", b"/Pages", b"/Kids [", b"R", b"trailer",
    b"<<", b">>", b"xref", b"/Length 99999999",
    b"(?R)", b"(?1)", b"{e<=9}", b"(a+)+", b"[", b"]", b"{", b"}", b"{{level}}", b"\\",
    b"*a", b"&a", b"!!python/object:os.system", b"? ", b": ", b"- ", b"'", b'"', b"\n  ",
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x0c", b"\r", b"\x1b[2J", b"\u202e".decode(
        "unicode_escape").encode(), "\u200b".encode(), b"NaN", b"Infinity", b"-1",
    b"99999999999999999999", b"1e999", b"true", b"null", b"[]", b"{}",
]
NUMBERS = [b"0", b"-1", b"-0", b"2147483648", b"1e308", b"1e999", b"NaN", b"-Infinity", b"0.5",
           b"18446744073709551616", b"true", b"null", b'"lots"']


# --- mutation -----------------------------------------------------------------------------

def mutate(data: bytes, ops: list[tuple[int, int]], splice: bytes) -> bytes:
    """`data` changed by `ops`, each (which mutation, a number to draw its details from)."""
    out = bytearray(data)
    for kind, number in ops:
        chance = random.Random(number)
        at = chance.randrange(len(out) + 1)
        end = min(len(out), at + chance.choice((1, 2, 8, 64, 1024)))
        if kind == 0 and out:  # flip bits
            spot = min(at, len(out) - 1)
            out[spot] ^= 1 << chance.randrange(8)
        elif kind == 1:  # delete a span
            del out[at:end]
        elif kind == 2:  # repeat a span many times
            out[at:at] = bytes(out[at:end]) * chance.choice((2, 100, 10_000))
        elif kind == 3:  # insert a token
            out[at:at] = chance.choice(TOKENS) * chance.choice((1, 1, 50, 5000))
        elif kind == 4:  # replace a number by an extreme one
            digits = [i for i in range(len(out)) if 48 <= out[i] <= 57]
            if digits:
                spot = chance.choice(digits)
                stop = spot
                while stop < len(out) and (48 <= out[stop] <= 57 or out[stop] == 46):
                    stop += 1
                out[spot:stop] = chance.choice(NUMBERS)
        elif kind == 5 and splice:  # splice in part of another seed
            start = chance.randrange(len(splice))
            out[at:at] = splice[start:start + chance.choice((16, 256, 4096))]
        elif kind == 6:  # truncate
            del out[at:]
        elif kind == 7:  # nest deeply
            depth = chance.choice((100, 5000, 100_000))
            opener, closer = chance.choice(((b"[", b"]"), (b"{", b"}"), (b"<b>", b"</b>"),
                                            (b"(", b")"), (b"- ", b"")))
            out[at:at] = opener * depth + closer * depth
    return bytes(out)


MUTATIONS = 8
# A larger case only measures the time of reading large files (issue 24's item 4, bounded
# reading): cut, so that the time goes to malformed input instead.
LARGEST = 2_000_000


# --- the worker: reads one case, says what happened ---------------------------------------

class Expected(Exception):
    """The one-line refusal a target is allowed."""


def _worker(connection: Connection, memory_mb: int, folder: str) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which ends us
    import logging

    logging.disable(logging.CRITICAL)  # pypdf's warnings on every damaged PDF
    runner = _Runner(Path(folder))
    while True:
        try:
            target, data = connection.recv()
        except EOFError:
            return
        try:
            runner.run(target, data)
            answer: tuple[str, str] = ("ok", "")
        except Expected:
            answer = ("expected", "")
        except MemoryError:
            answer = ("memory", "MemoryError")
        except BaseException as error:  # everything else is what the fuzzer looks for
            frames = traceback.extract_tb(error.__traceback__)
            where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)
                          if "markaudit" in f.filename), "?")
            answer = ("unexpected", f"{type(error).__name__} at {where}: {str(error)[:200]}")
        connection.send(answer)


class _Runner:
    """The targets, as a run of markaudit reaches them."""

    def __init__(self, folder: Path) -> None:
        from markaudit.engine.rules import load_rules
        from markaudit.read.text import document_from_text
        from markaudit.run.audit import audit_document, default_rules_path

        self.folder = folder
        self.audit = audit_document
        self.pack = load_rules([default_rules_path()])
        self.document = document_from_text(
            "TOP SECRET\n\nMEMORANDUM FOR THE RECORD\n\nSECRET -- NOFORN\n"
            "DECLASSIFIED Authority NND 12345 By JK Date 1/2/99\n\fCONFIDENTIAL\n", "memo.txt")
        self.cache_folder = folder / "cache"
        self.handlers: dict[str, Callable[[bytes], None]] = {
            "text": self._document(".txt"), "pdf": self._document(".pdf"),
            "alto": self._document(".alto.xml"), "hocr": self._document(".hocr"),
            "cache": self._cache, "cache-sealed": self._cache_sealed, "pack": self._pack,
            "config": self._config, "baseline": self._baseline, "rules": self._rules,
        }

    def run(self, target: str, data: bytes) -> None:
        self.handlers[target](data)

    def _document(self, suffix: str) -> Callable[[bytes], None]:
        def read(data: bytes) -> None:
            from markaudit.core.errors import InputError
            from markaudit.read.formats import document_from_bytes

            try:
                document = document_from_bytes(data, "case" + suffix)
            except InputError as error:
                _one_line(str(error))
                raise Expected from None
            self.audit(document, self.pack, time_limit=5)
        return read

    def _cache(self, data: bytes) -> None:
        from markaudit.run.cache import Cache

        cache = Cache(self.cache_folder, "fuzz")
        named = _ENTRY_KEY.search(data)  # the entry's own key, when it still names one
        key = named.group(1).decode() if named else "ab" * 32
        path = self.cache_folder / key[:2] / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        report = cache.load(key, "memo.txt")
        if report is not None:
            _render(report)

    def _cache_sealed(self, data: bytes) -> None:
        from markaudit.core import cachefile
        try:
            body = json.loads(data)
        except (ValueError, RecursionError):
            raise Expected from None
        sealed = cachefile.seal(self.cache_folder, "report", body)
        if sealed is None:
            raise Expected
        self._cache(sealed)

    def _pack(self, data: bytes) -> None:
        from markaudit.engine import packdata

        try:
            body = json.loads(data)
        except (ValueError, RecursionError):
            raise Expected from None
        pack = packdata.from_data(body, body.get("sources", []) if isinstance(body, dict) else [])
        if pack is None:
            raise Expected
        self.audit(self.document, pack, time_limit=5)

    def _config(self, data: bytes) -> None:
        from markaudit.project.config import ConfigError, load

        name = ("markaudit.toml", ".markaudit.yaml", "pyproject.toml")[len(data) % 3]
        path = self.folder / "project" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        try:
            load(path)
        except ConfigError as error:
            _one_line(str(error))
            raise Expected from None

    def _baseline(self, data: bytes) -> None:
        from markaudit.project.baseline import BaselineError, load

        path = self.folder / ("baseline.json" if data.lstrip()[:1] in (b"{", b"[") else
                              "baseline.yaml")
        path.write_bytes(data)
        try:
            baseline = load(path)
        except BaselineError as error:
            _one_line(str(error))
            raise Expected from None
        baseline.apply(self.audit(self.document, self.pack))

    def _rules(self, data: bytes) -> None:
        from markaudit.core.errors import RuleFileError
        from markaudit.engine.rules import load_rule_texts

        try:
            text = data.decode("utf-8")
            pack = load_rule_texts([("case.yaml", text)])
        except (UnicodeDecodeError, RuleFileError):
            raise Expected from None
        self.audit(self.document, pack, time_limit=5)


_ENTRY_KEY = re.compile(rb'"key":"([0-9a-f]{64})"')


def _one_line(message: str) -> None:
    if "\n" in message.strip():
        raise AssertionError(f"a refusal of more than one line: {message[:200]!r}")


def _render(report: Any) -> None:
    from markaudit import __version__
    from markaudit.core.model import Report
    from markaudit.report import render

    for fmt in ("json", "sarif", "html", "markdown", "csv"):
        render(Report((report,), __version__), fmt)


# --- seeds --------------------------------------------------------------------------------

def seeds(folder: Path) -> dict[str, list[bytes]]:
    """Real inputs of every target: fixtures, the shipped pack, and what an audit writes."""
    from markaudit.core import cachefile
    from markaudit.engine import compiled
    from markaudit.engine.rules import load_rules
    from markaudit.run.audit import default_rules_path

    ocr = FIXTURES / "ocr"
    found: dict[str, list[bytes]] = {
        "text": [p.read_bytes()[:20_000] for p in sorted((FIXTURES / "synthetic").glob("*.txt"))],
        "pdf": [p.read_bytes() for p in sorted(ocr.glob("*.pdf"))],
        "alto": [p.read_bytes() for p in sorted(ocr.glob("*.alto.xml"))],
        "hocr": [p.read_bytes() for p in sorted(ocr.glob("*.hocr"))],
        "rules": [p.read_bytes() for p in sorted(default_rules_path().rglob("*.yaml"))]
        + [p.read_bytes() for p in sorted((ROOT / "examples").glob("*.yaml"))],
        "config": [b'input = "transcription"\nselect = ["banner"]\nignore = ["release.x"]\n'
                   b'fail-on = "warning"\n[severity]\n"banner.every-page" = "error"\n'
                   b'[per-file-ignores]\n"docs/*.txt" = ["banner"]\n',
                   b"select: [banner]\nfail-on: error\nper-file-ignores:\n  '*.txt': [release]\n",
                   b'[tool.markaudit]\nselect = ["banner"]\nexclude = ["drafts/"]\n'],
    }
    # What an audit writes: cache entries, the kept pack, a baseline.
    import subprocess

    project = folder / "seed-project"
    project.mkdir()
    for name in ("cia-cable.txt", "contradictions.txt", "portions-over-banner.txt"):
        shutil.copy(FIXTURES / "synthetic" / name, project / name)
    command = [sys.executable, "-m", "markaudit"]
    subprocess.run([*command, "audit", ".", "--cache-dir", "cache"], cwd=project,
                   capture_output=True, check=False)
    subprocess.run([*command, "baseline", "create", ".", "-o", "baseline.yaml"], cwd=project,
                   capture_output=True, check=False)
    subprocess.run([*command, "baseline", "create", ".", "-o", "baseline.json"], cwd=project,
                   capture_output=True, check=False)
    found["baseline"] = [(project / n).read_bytes() for n in ("baseline.yaml", "baseline.json")
                         if (project / n).exists()]
    entries = sorted((project / "cache").glob("??/*.json"))
    found["cache"] = [p.read_bytes() for p in entries]
    found["cache-sealed"] = [p.read_bytes().split(b"\n", 1)[1] for p in entries]
    (folder / "cache").mkdir()
    shutil.copy(project / "cache" / "key", folder / "cache" / "key")  # their checksums hold
    compiled.open_store(None, "")
    load_rules([default_rules_path()], folder / "pack-cache")
    found["pack"] = [p.read_bytes().split(b"\n", 1)[1]
                     for p in (folder / "pack-cache" / "packs").glob("*.json")]
    cachefile.forget(folder / "pack-cache")
    return found


# --- the parent: draws cases, watches the worker ------------------------------------------

class Fuzzer:
    def __init__(self, out: Path, memory_mb: int, case_timeout: float) -> None:
        self.out = out
        self.memory_mb = memory_mb
        self.case_timeout = case_timeout
        self.folder = Path(tempfile.mkdtemp(prefix="markaudit-fuzz-"))
        self.cases: Counter[str] = Counter()
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self.findings: Counter[tuple[str, str]] = Counter()
        self.worker: multiprocessing.Process | None = None
        self.connection: Connection | None = None

    def start(self) -> None:
        parent, child = multiprocessing.Pipe()
        self.worker = multiprocessing.Process(
            target=_worker, args=(child, self.memory_mb, str(self.folder)), daemon=True)
        self.worker.start()
        self.connection = parent

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker.join()
        self.worker = None

    def case(self, target: str, data: bytes) -> None:
        if self.worker is None or not self.worker.is_alive():
            self.start()
        assert self.connection is not None and self.worker is not None
        self.cases[target] += 1
        self.connection.send((target, data))
        if not self.connection.poll(self.case_timeout):
            self.stop()
            self._found(target, f"hang (no answer in {self.case_timeout:.0f} s)", data)
            return
        try:
            outcome, detail = self.connection.recv()
        except (EOFError, ConnectionResetError):
            self.worker.join(5)
            code = self.worker.exitcode
            self.stop()
            self._found(target, f"crash (exit {code})", data)
            return
        self.outcomes[target, outcome] += 1
        if outcome in ("unexpected", "memory"):
            self._found(target, detail, data)

    def _found(self, target: str, what: str, data: bytes) -> None:
        self.findings[target, what] += 1
        if self.findings[target, what] > 3:
            return  # the same finding again: counted, not kept
        digest = hashlib.sha256(data).hexdigest()[:16]
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / f"{target}-{digest}.bin").write_bytes(data)
        with (self.out / "findings.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps({"target": target, "what": what, "input": f"{target}-{digest}.bin",
                                  "size": len(data)}) + "\n")
        print(f"found: {target}: {what} ({len(data)} bytes, {target}-{digest}.bin)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help=f"comma-separated, of: {', '.join(TARGETS)}")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "markaudit-fuzz")
    parser.add_argument("--case-timeout", type=float, default=20.0)
    parser.add_argument("--memory-mb", type=int, default=1536)
    arguments = parser.parse_args()
    targets = [t for t in arguments.targets.split(",") if t]
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    fuzzer = Fuzzer(arguments.out, arguments.memory_mb, arguments.case_timeout)
    found = seeds(fuzzer.folder)
    targets = [t for t in targets if found.get(t)]
    end = time.monotonic() + arguments.minutes * 60
    started = time.monotonic()

    @settings(max_examples=50, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from(targets), data=st.data())
    def one(target: str, data: st.DataObject) -> None:
        pool = found[target]
        seed = data.draw(st.sampled_from(pool))
        splice = data.draw(st.sampled_from(pool))
        ops = data.draw(st.lists(st.tuples(st.integers(0, MUTATIONS - 1),
                                           st.integers(0, 2**32)), min_size=1, max_size=6))
        if time.monotonic() < end:  # drawn all the same: Hypothesis wants the same draws
            fuzzer.case(target, mutate(seed, ops, splice)[:LARGEST])

    try:
        while time.monotonic() < end:
            one()
    except KeyboardInterrupt:
        pass
    finally:
        fuzzer.stop()
        shutil.rmtree(fuzzer.folder, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    print(f"\n{sum(fuzzer.cases.values())} cases in {minutes:.1f} minutes")
    for target in targets:
        outcomes = ", ".join(f"{o} {fuzzer.outcomes[target, o]}"
                             for o in ("ok", "expected", "unexpected", "memory")
                             if fuzzer.outcomes[target, o])
        print(f"  {target}: {fuzzer.cases[target]} cases ({outcomes})")
    print(f"{sum(fuzzer.findings.values())} findings" + (":" if fuzzer.findings else ""))
    for (target, what), count in fuzzer.findings.most_common():
        print(f"  {target}: {what} (x{count})")
    print(f"inputs and findings.jsonl in {arguments.out}")


if __name__ == "__main__":
    os.environ.setdefault("MARKAUDIT_CACHE_DIR", tempfile.mkdtemp(prefix="markaudit-fuzz-cache-"))
    main()
