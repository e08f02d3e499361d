#!/usr/bin/env python3
"""Time markaudit on a generated collection, against ripgrep as the raw-scan reference.

    python benchmarks/throughput.py [--documents N] [--runs 3] [--keep DIR]

Builds a collection of N documents from real pages (the fixtures' documents and, when
`../shared/corpus` is there, its OCR pages; cut at their form feeds, or every 55 lines where a
file has none) recombined at random with a fixed seed, written to a temporary folder, then
times the installed `markaudit` command as a user runs it:

- first run: `--no-cache`, one worker: nothing kept from any run before, so the rule pack is
  compiled first (a cost paid once per pack, not per document);
- cold: documents never audited before, one worker and two workers (pages/s, MB/s, peak
  memory): each run gets a fresh cache folder holding only what an earlier run of the pack
  left there (its compiled patterns), as on any run after a pack's first;
- warm: the same run twice with a cache, the second timed;
- memory: the cold run again on a collection four times as large (peak memory must stay flat);
- floor: the cold run with 2 workers and a pack of the shipped word lists and one rule that
  finds nothing: reading, pages, zones, the normalised view, the report and the cache, with no
  matching and no checks; no pack with these word lists runs faster;
- single file: one document whose text changes before every run, with the cache folder of the
  runs before (the pre-commit case), against `python -c "import markaudit"`, and the import of
  the command line's libraries alone (typer and rich), which any run of the command pays;
- ripgrep (`rg`, Debian package `ripgrep`): one search of the same collection for every pattern of
  the pack that ripgrep's syntax accepts, fuzzy counts removed, `--no-unicode`;
- semgrep (when installed, or given with `--semgrep`): the same patterns as `generic` rules with
  `pattern-regex`, case ignored, 2 jobs (a pattern its regex engine refuses is left out).

Every figure is the median of `--runs` runs. Nothing here is a test: it prints numbers to quote.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markaudit.core.errors import InputError  # noqa: E402
from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.read import read_document  # noqa: E402
from markaudit.run.audit import default_rules_path  # noqa: E402

SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
FUZZY = "{e<=", "{s<=", "{i<=", "{d<="
# A rule that finds nothing, beside the shipped word lists (rules/levels.yaml): the floor.
NOTHING_RULE = """\
markings:
  - id: floor.nothing
    kind: banner
    description: Finds nothing; the pack's word lists still shape the normalised view.
    pattern: 'QZXQJV(?P<level>{{level}})'
    fields:
      level: level
"""
NAMED_GROUP = re.compile(r"\(\?P<\w+>")


# Lines per page where a file has no form feed: a typed page's length. The collection is cut
# at the files' own form feeds and at this count, never where markaudit's page splitter cuts,
# so that a change to the splitter cannot change the collection two versions are timed on.
LINES_PER_PAGE = 55


def real_pages() -> list[str]:
    """The text of every page of every fixture document and shared corpus document."""
    files = sorted((ROOT / "fixtures").rglob("*.txt"))
    if SHARED_CORPUS.is_dir():
        files += sorted(SHARED_CORPUS.rglob("*.txt"))
    pages: list[str] = []
    for file in files:
        try:
            document = read_document(file)  # for its decoding, not for its pages
        except InputError:  # an unreadable source page is simply not used
            continue
        if b"\f" in file.read_bytes():  # pages of its own: cut at its form feeds alone
            pages.extend(page.text for page in document.pages)
        else:
            lines = [line.text for line in document.lines]
            pages.extend("\n".join(lines[start:start + LINES_PER_PAGE])
                         for start in range(0, len(lines), LINES_PER_PAGE))
    return [p for p in pages if p.strip()]


def build_collection(folder: Path, documents: int, pages: list[str], seed: int = 1962
                     ) -> tuple[int, int]:
    """Write `documents` files of 1-12 recombined pages in 20 sub-folders; (pages, bytes)."""
    chooser = random.Random(seed)
    total_pages = total_bytes = 0
    for number in range(documents):
        count = chooser.randint(1, 12)
        text = "\f".join(chooser.choice(pages) for _ in range(count)) + "\n"
        target = folder / f"box{number % 20:02d}" / f"doc{number:06d}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        total_pages += count
        total_bytes += len(text.encode("utf-8"))
    return total_pages, total_bytes


# Python writes bytecode as an installed package has it, whatever this shell says.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: Sequence[str]) -> tuple[float, int]:
    """(seconds, peak resident memory in MiB of the largest process) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} exited {code}: {error.strip()}")
    return seconds, usage.ru_maxrss // 1024  # Linux reports KiB


def median_run(command: Sequence[str], runs: int, before: Sequence[str] | None = None
               ) -> tuple[float, int]:
    """Median seconds and the largest peak memory over `runs` runs (`before` run untimed)."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            subprocess.run(before, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
        seconds, peak = timed(command)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def ripgrep_patterns() -> tuple[list[str], int]:
    """The pack's patterns in a form ripgrep accepts, and how many patterns the pack has."""
    rg = shutil.which("rg")
    rules = load_rules([default_rules_path()])
    patterns = [p for rule in rules.markings for p in rule.patterns]
    accepted = []
    for pattern in patterns:
        plain = pattern
        for marker in FUZZY:  # ripgrep has no fuzzy matching: search the exact forms
            while marker in plain:
                start = plain.index(marker)
                plain = plain[:start] + plain[plain.index("}", start) + 1:]
        plain = NAMED_GROUP.sub("(?:", plain)  # one search holds them all: names would clash
        check = subprocess.run([rg, "--quiet", "-e", plain, "-"], input=b"",  # type: ignore[list-item]
                               capture_output=True, check=False)
        if check.returncode in (0, 1):  # 2 is a syntax error
            accepted.append(plain)
    return accepted, len(patterns)


SEMGREP_ENVIRONMENT = {**ENVIRONMENT, "SEMGREP_ENABLE_VERSION_CHECK": "0",
                       "SEMGREP_SEND_METRICS": "off"}


def semgrep_command(semgrep: str, patterns: Sequence[str], folder: Path, workspace: Path
                    ) -> tuple[list[str], int]:
    """A semgrep run of the patterns as `generic` rules (`pattern-regex`, case ignored) over
    the folder, and how many rules it keeps: a pattern semgrep's regex engine refuses is left
    out, as ripgrep's are."""
    import json

    import yaml

    def write(kept: Sequence[tuple[int, str]]) -> Path:
        rules = [{"id": f"marking-{index}", "languages": ["generic"], "message": "marking",
                  "severity": "INFO", "pattern-regex": f"(?i){pattern}"}
                 for index, pattern in kept]
        path = workspace / "semgrep-rules.yaml"
        path.write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
        return path

    kept = list(enumerate(patterns))
    command = [semgrep, "scan", "--metrics", "off", "--disable-version-check", "--quiet",
               "--json", "--no-git-ignore", "--jobs", "2", "--config"]
    empty = workspace / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    check = subprocess.run([*command, str(write(kept)), str(empty)], capture_output=True,
                           check=False, env=SEMGREP_ENVIRONMENT)
    refused = set()
    try:
        for error in json.loads(check.stdout or b"{}").get("errors", []):
            refused.update(int(rule.rsplit("-", 1)[1]) for rule in error.get("rule_id", "")
                           .split(",") if rule.rsplit("-", 1)[-1].isdigit())
    except (ValueError, AttributeError):
        pass
    kept = [(index, pattern) for index, pattern in kept if index not in refused]
    return [*command, str(write(kept)), str(folder)], len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the collection here and keep it")
    parser.add_argument("--semgrep", help="the semgrep command (default: semgrep on PATH)")
    options = parser.parse_args()

    markaudit = shutil.which("markaudit", path=str(Path(sys.executable).parent)) or "markaudit"
    workspace = Path(tempfile.mkdtemp(prefix="markaudit-bench-"))
    folder = options.keep or workspace / "collection"
    try:
        pages = real_pages()
        page_count, size = build_collection(folder, options.documents, pages)
        mib = size / 2**20
        print(f"collection: {options.documents} documents, {page_count} pages, {mib:.1f} MiB, "
              f"from {len(pages)} real pages; median of {options.runs} runs\n")
        audit = [markaudit, "audit", str(folder), "--format", "json", "--output",
                 str(workspace / "report.json")]

        def line(label: str, seconds: float, peak: int | None = None) -> None:
            memory = f", peak {peak} MiB" if peak is not None else ""
            print(f"{label:<34}{seconds:8.2f} s  {page_count / seconds:9,.0f} pages/s  "
                  f"{mib / seconds:6.2f} MiB/s{memory}")

        first, _ = median_run([*audit, "--no-cache", "--jobs", "1"], 1)
        line("first run of the pack, 1 worker", first)
        # A cache folder that has seen the pack but none of the collection's documents.
        pack = workspace / "pack"
        seed = workspace / "seed.txt"
        seed.write_text("SECRET\n", encoding="utf-8")
        subprocess.run([markaudit, "audit", str(seed), "--cache-dir", str(pack)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=ENVIRONMENT)
        fresh = workspace / "fresh"
        renew = [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[2], True); "
                 "shutil.copytree(sys.argv[1], sys.argv[2])", str(pack), str(fresh)]
        cold = [*audit, "--cache-dir", str(fresh)]
        one, one_peak = median_run([*cold, "--jobs", "1"], options.runs, before=renew)
        line("cold, 1 worker", one, one_peak)
        two, two_peak = median_run([*cold, "--jobs", "2"], options.runs, before=renew)
        line("cold, 2 workers", two, two_peak)
        floor_pack = workspace / "floor"
        floor_pack.mkdir()
        shutil.copy(default_rules_path() / "levels.yaml", floor_pack)
        (floor_pack / "nothing.yaml").write_text(NOTHING_RULE, encoding="utf-8")
        floor, _ = median_run([*cold, "--no-default-rules", "--rules", str(floor_pack),
                               "--jobs", "2"], options.runs, before=renew)
        line("floor (no matching), 2 workers", floor)
        cache = ["--cache-dir", str(workspace / "cache")]
        warm, _ = median_run([*audit, *cache, "--jobs", "2"], options.runs,
                             before=[*audit, *cache, "--jobs", "2"])
        line("warm cache, 2 workers", warm)

        big = workspace / "big"
        big_pages, _ = build_collection(big, options.documents * 4, pages, seed=1963)
        big_run, big_peak = median_run(
            [markaudit, "audit", str(big), "--format", "jsonl", "--output",
             str(workspace / "big.jsonl"), "--cache-dir", str(fresh), "--jobs", "1"], 1,
            before=renew)
        print(f"{'cold, 1 worker, 4x the documents':<34}{big_run:8.2f} s  "
              f"{big_pages / big_run:9,.0f} pages/s  peak {big_peak} MiB")

        # As a hook runs it on a commit: the file's text is new to the report cache, the cache
        # folder keeps the compiled pack from the runs before (the first run is not timed).
        single = workspace / "commit.txt"
        shutil.copy(next(folder.rglob("*.txt")), single)
        edit = [sys.executable, "-c", f"open({str(single)!r}, 'a').write('\\nA new line.\\n')"]
        hook = [markaudit, "audit", str(single), "--cache-dir", str(workspace / "cache")]
        subprocess.run(hook, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=ENVIRONMENT)
        single_run, _ = median_run(hook, options.runs, before=edit)
        imported, _ = median_run([sys.executable, "-c", "import markaudit"], options.runs)
        libraries, _ = median_run([sys.executable, "-c", "import typer, rich.console"],
                                  options.runs)

        print()
        print(f"2 workers over 1:                 {one / two:5.2f}x  (target >= 1.8x)")
        print(f"warm cache over cold (2 workers): {two / warm:5.2f}x  (target >= 10x)")
        print(f"peak memory, 4x documents:        {big_peak} MiB vs {one_peak} MiB "
              "(target: flat)")
        print(f"single file vs import markaudit:  {single_run / imported:5.2f}x  "
              f"({single_run * 1000:.0f} ms vs {imported * 1000:.0f} ms; target <= 3x)")
        print(f"  typer and rich imported alone:  {libraries / imported:5.2f}x  "
              f"({libraries * 1000:.0f} ms)")
        print(f"cold (2 workers) over the floor:  {two / floor:5.2f}x  "
              f"(the floor: {page_count / floor:,.0f} pages/s; target >= 5,000 pages/s)")

        if shutil.which("rg"):
            patterns, total = ripgrep_patterns()
            rg_command = ["rg", "--ignore-case", "--no-unicode", "--count-matches",
                          "--no-filename", "--no-messages",
                          *(a for p in patterns for a in ("-e", p)), str(folder)]
            rg_time, _ = median_run(rg_command, options.runs)
            line(f"ripgrep, {len(patterns)} of {total} patterns", rg_time)
            print(f"markaudit (2 workers) over ripgrep: {two / rg_time:5.1f}x slower "
                  "(target <= 8x)")
            semgrep = options.semgrep or shutil.which("semgrep")
            if semgrep:
                command, rules = semgrep_command(semgrep, patterns, folder, workspace)
                semgrep_time, _ = median_run(command, options.runs)
                line(f"semgrep, {rules} rules, 2 jobs", semgrep_time)
                print(f"markaudit (2 workers) over semgrep: {two / semgrep_time:5.2f}x")
            else:
                print("semgrep reference: semgrep not found (pip install semgrep; --semgrep)")
        else:
            print("ripgrep reference: rg not found (apt-get install ripgrep)")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
