"""Reliability under bad input (issue 10): each case of the matrix, with what the user sees.

Cases tested elsewhere, not repeated here: Ctrl-C mid-batch, a killed worker, a symlink loop,
binary and empty files among good ones (tests/test_batch.py); an invalid regex on the command
line (tests/test_cli.py::test_bad_rule_file_is_file_and_line_and_exit_2); arbitrary bytes, text
and rule phrases, and 1 versus 2 workers (tests/test_properties.py); hostile text in the HTML
report (tests/test_report_html.py).
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import io
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import regex
from typer.testing import CliRunner

import markaudit.engine.detect as detect_module
from markaudit.cli import app
from markaudit.core import files as output
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from markaudit.report.base import RunInfo
from markaudit.run.audit import audit_document, rule_paths
from markaudit.run.collect import collect
from markaudit.run.pipeline import Target, run
from markaudit.run.source import Settings
from tests.conftest import FIXTURES, ROOT, SEED, run_markaudit

SYNTHETIC = FIXTURES / "synthetic"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def _audit_json(*args: str, env: dict[str, str] | None = None
                ) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = run_markaudit("audit", *args, "--no-cache", "-f", "json", env=env)
    assert "Traceback" not in result.stderr
    return result, json.loads(result.stdout)


def _seed_banners(report: dict) -> list[tuple[int, int]]:
    return [(m["page"], m["line"]) for m in report["documents"][0]["markings"]
            if m["kind"] == "banner"]


# --- documents ------------------------------------------------------------------------------

# A PDF of plain ASCII (uncompressed streams): no NUL byte, no control character, so only its
# signature tells it from text.
TEXT_ONLY_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                 b"4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 720 Td (TOP SECRET) Tj ET\n"
                 b"endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00\x00\x00\x03\x20\x08\x02"


@pytest.mark.parametrize(("data", "kind"), [
    (TEXT_ONLY_PDF, "a PDF file; name it .pdf to read its text layer"),
    (PNG, "a PNG image; it needs OCR first: `tesseract SCAN.png SCAN` writes SCAN.txt to "
          "audit, `tesseract SCAN.png SCAN hocr` SCAN.hocr with where each word stands"),
])
def test_pdf_or_image_renamed_txt_is_named_and_the_batch_goes_on(tmp_path: Path, data: bytes,
                                                                 kind: str):
    scan = tmp_path / "scan.txt"
    scan.write_bytes(data)
    result, report = _audit_json(str(scan), str(SEED))
    assert result.returncode == 1
    reason = f"binary content ({kind})"
    assert f"markaudit: {scan}: {reason}" in result.stderr.splitlines()
    assert [d["errors"] for d in report["documents"]] == [[reason], []]
    assert report["documents"][1]["classification"]["level"] == "TOP SECRET"


def test_nul_bytes_in_text_are_refused_with_their_offset(tmp_path: Path):
    document = tmp_path / "nul.txt"
    document.write_bytes(SEED_TEXT[:200].encode() + b"\x00" + SEED_TEXT[200:].encode())
    result, report = _audit_json(str(document))
    assert result.returncode == 1
    assert report["documents"][0]["errors"] == [
        "binary content (NUL byte at offset 200)"]


@pytest.mark.parametrize(("codec", "bom", "reported"), [
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ("utf-16-le", b"", "utf-16-le"),
    ("utf-16-be", b"", "utf-16-be"),
])
def test_utf16_with_or_without_a_bom_is_read_like_utf8(tmp_path: Path, codec: str, bom: bytes,
                                                       reported: str):
    document = tmp_path / "memo.txt"
    document.write_bytes(bom + SEED_TEXT.encode(codec))
    result, report = _audit_json(str(document))
    _, utf8 = _audit_json(str(SEED))
    assert result.returncode == 0
    assert report["documents"][0]["encoding"] == reported
    assert _seed_banners(report) == _seed_banners(utf8)  # same markings, same places
    assert report["documents"][0]["classification"] == utf8["documents"][0]["classification"]


def test_broken_utf16_without_a_bom_is_refused_rather_than_read_as_mojibake(tmp_path: Path):
    document = tmp_path / "memo.txt"
    # UTF-16-LE text with a lone low surrogate (U+DC01) in it: not valid UTF-16.
    document.write_bytes("TOP SECRET\n".encode("utf-16-le") + b"\x01\xdc"
                         + "MEMORANDUM\n".encode("utf-16-le"))
    result, report = _audit_json(str(document))
    assert result.returncode == 1
    [reason] = report["documents"][0]["errors"]
    assert reason == ("looks like UTF-16 without a byte-order mark, but is not valid "
                      "utf-16-le (illegal encoding at byte 22)")


def test_cp1252_is_decoded_and_reported(tmp_path: Path):
    document = tmp_path / "memo.txt"
    text = "TOP SECRET\n\n\u201cD\u00e9classifi\u00e9\u201d \u2014 Proc\u00e8s-verbal 12\n"
    document.write_bytes(text.encode("cp1252"))
    rules = tmp_path / "mine.yaml"
    rules.write_text("markings:\n  - id: my.stamp\n    kind: release\n"
                     # rules match the normalised view: straight quotes, ASCII dashes
                     "    pattern: '\"Déclassifié\" - Procès-verbal \\d+'\n", encoding="utf-8")
    result, report = _audit_json(str(document), "--rules", str(rules))
    assert result.returncode == 0
    document_report = report["documents"][0]
    assert document_report["encoding"] == "cp1252"
    [stamp] = [m for m in document_report["markings"] if m["rule"] == "my.stamp"]
    assert (stamp["text"], stamp["line"]) == ("“Déclassifié” — Procès-verbal 12", 3)


def test_mixed_line_endings_keep_file_line_numbers(tmp_path: Path):
    lines = SEED_TEXT.split("\n")
    # "\r" then "\n" would be one CRLF: a lone "\r" is always followed by the next line's "\r\n"
    endings = ["\r\n", "\n", "\r"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    document = tmp_path / "mixed.txt"
    document.write_bytes(mixed.encode("utf-8"))
    _, report = _audit_json(str(document))
    _, plain = _audit_json(str(SEED))
    assert _seed_banners(report) == _seed_banners(plain) == [(1, 29), (2, 46), (2, 66)]
    markings = report["documents"][0]["markings"]
    assert [m["text"] for m in markings] == [m["text"] for m in plain["documents"][0]["markings"]]
    assert not any("\r" in m["text"] for m in markings)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file, nothing to audit"),
    (b"\f\f\f\f", "empty file (only blank lines, spaces or form feeds), nothing to audit"),
    (b"\f\r\n  \f\n\f", "empty file (only blank lines, spaces or form feeds), nothing to audit"),
])
def test_empty_file_or_only_form_feeds_is_not_audited(tmp_path: Path, data: bytes, reason: str):
    document = tmp_path / "blank.txt"
    document.write_bytes(data)
    result, report = _audit_json(str(document))
    assert result.returncode == 1
    assert report["documents"][0]["errors"] == [reason]
    assert report["documents"][0]["pages"] == 0
    assert f"markaudit: {document}: {reason}" in result.stderr.splitlines()


def _big_text(size: int) -> bytes:
    """`size` bytes of typewritten pages, with their banners, stamps and page numbers."""
    pages = "\f".join(p.read_text(encoding="utf-8") for p in sorted(SYNTHETIC.glob("*.txt")))
    data = (pages + "\f").encode("utf-8")
    return (data * (size // len(data) + 1))[:size]


def _run_measured(*args: str) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run the command; its wall time in seconds and its peak memory in MB."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "markaudit", *args], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    # Peak of the largest child waited for so far: an upper bound on this one's.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return result, time.monotonic() - started, peak


def test_a_100_mb_file_is_refused_at_once_by_the_size_limit(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    huge.write_bytes(_big_text(100_000_000))
    result, seconds, _ = _run_measured("audit", str(huge), str(SEED), "--no-cache", "-f", "json")
    assert result.returncode == 1
    reason = "too large to audit (100.0 MB; the limit is 32 MB, see --max-size)"
    report = json.loads(result.stdout)
    assert [d["errors"] for d in report["documents"]] == [[reason], []]
    assert f"markaudit: {huge}: {reason}" in result.stderr.splitlines()
    assert seconds < 30  # never read: refused from its size alone


def test_a_large_file_under_the_size_limit_is_bounded_by_the_time_limit(tmp_path: Path):
    # 4 MB (about 5,000 pages) rather than the 100 MB, which is over the size limit;
    # benchmarks/reliability.py measures 20 MB and 100 MB with --max-size 0. Reading it (about
    # 3 s) is under the same limit: the limit is one its reading fits in, its search does not.
    big = tmp_path / "big.txt"
    big.write_bytes(_big_text(4_000_000))
    result, seconds, peak_mb = _run_measured("audit", str(big), "--timeout", "8", "--no-cache",
                                             "-f", "json")
    assert result.returncode == 1, result.stderr  # contradictions.txt's errors, found in time
    [document] = json.loads(result.stdout)["documents"]
    stops = [f for f in document["findings"] if f["rule"] == "markaudit.document-timeout"]
    assert len(stops) == 1
    reached, pages = stops[0]["page"], document["pages"]
    assert 1 < reached < pages
    assert stops[0]["message"] == (
        f"the document's time limit (8 s, see --timeout) ran out on page {reached} of {pages}: "
        f"pages {reached} to {pages} not fully searched; the markings found before are reported")
    assert {m["page"] for m in document["markings"]} <= set(range(1, reached + 1))
    # Checks say nothing of the pages not searched (no "no banner on page 5000").
    assert all(f["page"] is None or f["page"] < reached for f in document["findings"]
               if f is not stops[0])
    assert seconds < 60
    assert peak_mb < 1500


def _one_long_line(size: int) -> str:
    """The synthetic documents' text, many times over, as one line with no line break."""
    text = " ".join(p.read_text(encoding="utf-8").replace("\n", " ").replace("\f", " ")
                    for p in sorted(SYNTHETIC.glob("*.txt")))
    return (text * (size // len(text) + 1))[:size]


def test_a_one_megabyte_line_is_stopped_by_the_page_time_limit(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(detect_module, "PAGE_TIMEOUT", 1.0)  # 10 s in use; 1 s for the suite
    document = document_from_text(_one_long_line(1_000_000), path="line.txt")
    started = time.monotonic()
    report = audit_document(document, load_rules(rule_paths()))
    seconds = time.monotonic() - started
    stops = [f for f in report.findings if f.rule == "markaudit.page-timeout"]
    assert [(f.page, f.message) for f in stops] == [(1, (
        "page 1 (1,000,001 characters) took more than 1 s to search, so its search was "
        "stopped: markings on it may be missing"))]
    assert report.markings  # what was found before the stop is kept
    assert seconds < 10


def test_timeout_option_bounds_a_one_megabyte_line_from_the_command_line(tmp_path: Path):
    line = tmp_path / "line.txt"
    line.write_text(_one_long_line(1_000_000), encoding="utf-8")
    result, seconds, _ = _run_measured("audit", str(line), "--timeout", "1", "--no-cache",
                                       "-f", "json")
    assert result.returncode == 1, result.stderr  # a search not done in full fails the run
    [document] = json.loads(result.stdout)["documents"]
    assert [(f["rule"], f["severity"], f["page"], f["message"])
            for f in document["findings"]] == [
        ("markaudit.document-timeout", "error", 1, "the document's time limit (1 s, see "
         "--timeout) ran out on page 1 of 1: page 1 not fully searched; the markings found "
         "before are reported")]
    assert seconds < 20  # about 1.5 s of start-up and reading, plus the second


def test_a_project_may_lower_the_time_limit_findings_and_pass(tmp_path: Path):
    (tmp_path / "line.txt").write_text(_one_long_line(1_000_000), encoding="utf-8")
    (tmp_path / "markaudit.toml").write_text(
        '[severity]\n"markaudit.document-timeout" = "warning"\n', encoding="utf-8")
    result = run_markaudit("audit", "line.txt", "--timeout", "1", "--no-cache", "-f", "json",
                           cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [document] = json.loads(result.stdout)["documents"]
    assert [(f["rule"], f["severity"]) for f in document["findings"]] == [
        ("markaudit.document-timeout", "warning")]


def _json_run_in_process(sources: list, tmp_path: Path) -> dict:
    rules = load_rules(rule_paths())
    target = tmp_path / "report.json"
    run(sources, rules, Settings(),
        [Target("json", target)], RunInfo(version="test", rules=rules))
    return json.loads(target.read_text(encoding="utf-8"))


VANISHING = [
    pytest.param("deleted", lambda p: p.unlink(), "no such file", id="deleted"),
    pytest.param("replaced-by-a-folder", lambda p: (p.unlink(), p.mkdir()), "is a directory",
                 id="replaced-by-a-folder"),
    pytest.param("made-unreadable", lambda p: p.chmod(0), "permission denied",
                 id="made-unreadable", marks=pytest.mark.skipif(
                     os.name != "posix" or os.geteuid() == 0,
                     reason="root reads a file whatever its mode; the other cases fail for "
                            "root too")),
]


@pytest.mark.parametrize(("name", "change", "reason"), VANISHING)
def test_a_file_gone_between_listing_and_reading_is_reported(tmp_path: Path, name: str, change,
                                                             reason: str):
    folder = tmp_path / "box"
    folder.mkdir()
    for stem in ("a", name, "z"):
        shutil.copy(SEED, folder / f"{stem}.txt")
    sources = list(collect([folder]))  # listed ...
    change(folder / f"{name}.txt")  # ... then changed before it is read
    try:
        report = _json_run_in_process(sources, tmp_path)
    finally:
        (folder / f"{name}.txt").chmod(0o644) if name == "made-unreadable" else None
    documents = {Path(d["path"]).name: d for d in report["documents"]}
    assert list(documents) == ["a.txt", f"{name}.txt", "z.txt"]
    assert documents[f"{name}.txt"]["errors"] == [reason]
    assert documents["a.txt"]["pages"] == documents["z.txt"]["pages"] == 2
    assert report["rollup"]["not_audited"] == 1


@pytest.mark.skipif(sys.platform != "linux", reason="file names of any bytes: Linux file systems")
def test_paths_with_spaces_non_ascii_and_undecodable_bytes(tmp_path: Path):
    folder = tmp_path / "Box 12 \u2013 Café"
    folder.mkdir()
    shutil.copy(SEED, folder / "mémo ÉTÉ 1962 東京.txt")
    # Latin-1 bytes from another system: not valid UTF-8, so Python names it with a surrogate.
    shutil.copy(SEED, os.fsencode(folder) + b"/caf\xe9 memo.txt")
    target = tmp_path / "out dir" / "rapport été.json"
    target.parent.mkdir()
    cache = ["--cache-dir", str(tmp_path / "cache")]
    for _ in range(2):  # audited, then from the cache
        result = run_markaudit("audit", str(folder), *cache, "-f", "json", "-o", str(target),
                               "-f", "console", env={"PYTHONIOENCODING": "utf-8:strict"})
        assert result.returncode == 0, result.stderr
        report = json.loads(target.read_text(encoding="utf-8"))
        assert [d["path"] for d in report["documents"]] == [
            str(folder / "caf\udce9 memo.txt"), str(folder / "mémo ÉTÉ 1962 東京.txt")]
        assert all(d["classification"]["level"] == "TOP SECRET" for d in report["documents"])
        assert f"{folder}/caf\\udce9 memo.txt  2 pages" in result.stdout
        assert f"{folder}/mémo ÉTÉ 1962 東京.txt  2 pages" in result.stdout
    assert report["rollup"]["cached"] == 2


# --- rule files -----------------------------------------------------------------------------

def _billion_laughs() -> str:
    """Nine levels of nine aliases: 9^9 (387 million) strings if expanded."""
    lines = ["vocabularies:", '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", '
             '"lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    lines.append("  caveat: *l9")
    return "\n".join(lines) + "\n"


RULE_FILE_CASES = [
    pytest.param("markings:\n  - id: a\n    kind: banner\n  pattern: x\n",
                 4, "invalid YAML: ", id="malformed-yaml"),
    pytest.param(_billion_laughs(), 3, "vocabulary 'l1' must be a non-empty list of terms or a "
                 "mapping {term: [spellings]}", id="anchor-bomb"),
    pytest.param("description: x\nmarkings: !!python/object/apply:os.system ['touch {marker}']\n",
                 2, "invalid YAML: could not determine a constructor for the tag "
                 "'tag:yaml.org,2002:python/object/apply:os.system'", id="python-object-tag"),
    pytest.param("markings:\n  - {id: b, kind: banner, pattern: '^SECRET$'}\n"
                 "checks:\n  - id: c\n    type: every-page\n    marking: b\n",
                 5, "check 'c': unknown check type 'every-page' (known: every_page, ",
                 id="unknown-check-type"),
    # markaudit has no `extends`: packs are listed with --rules, so they cannot form a cycle.
    pytest.param("extends: [other.yaml]\nmarkings:\n  - {id: b, kind: banner, pattern: 'X'}\n",
                 1, "unknown key 'extends' (expected one of: ", id="extends-is-no-key"),
]


@pytest.mark.parametrize(("text", "line", "message"), RULE_FILE_CASES)
def test_a_bad_rule_file_stops_the_run_before_any_document(tmp_path: Path, text: str, line: int,
                                                           message: str):
    marker = tmp_path / "ran"
    rules = tmp_path / "house rules.yaml"
    rules.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    started = time.monotonic()
    result = run_markaudit("audit", str(SEED), "--rules", str(rules), "-f", "json")
    assert time.monotonic() - started < 30  # the bomb is never expanded
    assert result.returncode == 2
    assert result.stdout == ""  # no report: nothing was audited
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(each.startswith(f"markaudit: {rules}:") for each in lines), result.stderr
    # file:line: message, or file:line:column: message
    expected = regex.compile(regex.escape(f"markaudit: {rules}:{line}") + r"(?::\d+)?: "
                             + regex.escape(message))
    assert any(expected.match(each) for each in lines), result.stderr
    assert not marker.exists()


def test_a_missing_rule_pack_is_one_line_and_exit_2(tmp_path: Path):
    result = run_markaudit("audit", str(SEED), "--rules", str(tmp_path / "missing") + "/")
    assert result.returncode == 2
    assert result.stderr == f"markaudit: {tmp_path / 'missing'}: no such rule file or folder\n"
    assert result.stdout == ""


def test_a_catastrophic_pattern_is_stopped_reported_and_the_run_goes_on(tmp_path: Path):
    # Built here rather than read from YAML: `rules validate` may come to refuse such a
    # pattern, and the engine must still bound one that slips through. (?:a|aa)+$ has no nested
    # quantifier, yet backtracks exponentially on a long run of 'a' not followed by the end.
    rules = tmp_path / "slow.yaml"
    rules.write_text("markings:\n  - id: local.slow\n    kind: control-number\n"
                     "    pattern: 'placeholder'\n", encoding="utf-8")
    ruleset = load_rules(rule_paths([rules]))
    slow = regex.compile(r"(?:a|aa)+$", regex.MULTILINE)
    ruleset = dataclasses.replace(ruleset, markings=tuple(
        dataclasses.replace(r, compiled=(slow,)) if r.id == "local.slow" else r
        for r in ruleset.markings))
    folder = tmp_path / "box"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "b.txt").write_text("TOP SECRET\n\n" + "a" * 5000 + "!\n\nTOP SECRET\n",
                                  encoding="utf-8")
    shutil.copy(SEED, folder / "c.txt")
    target = tmp_path / "report.json"
    started = time.monotonic()
    rollup = run(list(collect([folder])), ruleset, Settings(cache_dir=None),
                 [Target("json", target)], RunInfo(version="test", rules=ruleset))
    seconds = time.monotonic() - started
    report = json.loads(target.read_text(encoding="utf-8"))
    documents = {Path(d["path"]).name: d for d in report["documents"]}
    assert list(documents) == ["a.txt", "b.txt", "c.txt"]
    stopped = [(f["rule"], f["severity"], f["message"]) for f in documents["b.txt"]["findings"]
               if f["rule"].startswith("markaudit.")]
    assert stopped == [("markaudit.rule-timeout", "error", (
        "rule local.slow stopped after 2 s on page 1: its pattern backtracks too much on this "
        "text, so the page was not fully searched"))]
    assert documents["b.txt"]["classification"]["level"] == "TOP SECRET"  # other rules ran
    assert documents["c.txt"]["classification"]["level"] == "TOP SECRET"
    assert not rollup.partial
    assert seconds < 30


# --- runs -----------------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is Linux's full disk")
def test_a_report_to_dev_full_is_a_one_line_error_and_the_device_is_left_alone():
    result = run_markaudit("audit", str(SEED), "-f", "json", "-o", "/dev/full", "--no-cache")
    assert result.returncode == 2
    assert result.stderr == ("markaudit: /dev/full: cannot write report: No space left on "
                             "device\n")
    # Renaming a temporary file over it would have replaced the device (as root, it can).
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


class _FillingDisk(io.FileIO):
    """A file on a disk that is full after 4 KB."""

    def write(self, data) -> int:
        if self.tell() + len(data) > 4096:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def test_a_disk_filling_up_mid_report_leaves_the_old_report_whole(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "report.json"
    target.write_text('{"old": "report"}', encoding="utf-8")
    monkeypatch.setattr(output, "io", types.SimpleNamespace(
        FileIO=_FillingDisk, BufferedWriter=io.BufferedWriter))
    result = CliRunner().invoke(app, ["audit", str(SYNTHETIC), "--no-cache", "--jobs", "1",
                                      "-f", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == (f"markaudit: {target}: cannot write report: No space left on "
                             "device\n")
    assert target.read_text(encoding="utf-8") == '{"old": "report"}'  # not half-written
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_two_runs_sharing_one_cache_at_once_both_succeed(tmp_path: Path):
    folder = tmp_path / "docs"
    shutil.copytree(SYNTHETIC, folder, ignore=shutil.ignore_patterns("*.yaml"))
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "markaudit", "audit", str(folder), "--cache-dir",
               str(cache), "--jobs", "1", "-f", "json"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=300) for process in runs]
    assert [process.returncode for process in runs] == [1, 1]  # contradictions.txt has errors
    assert all("Traceback" not in stderr for _, stderr in outputs)
    first, second = (json.loads(stdout)["documents"] for stdout, _ in outputs)
    assert first == second
    entries = list(cache.glob("??/*.json"))
    assert len(entries) == len(first)
    for entry in entries:
        for line in entry.read_text(encoding="utf-8").split("\n"):  # header and report
            json.loads(line)  # whole entries only
    assert not list(cache.glob("*/*.tmp"))
    _, warm = _audit_json_cached(folder, cache)
    assert warm["rollup"]["cached"] == len(first)
    assert warm["documents"] == first


def _audit_json_cached(folder: Path, cache: Path) -> tuple[subprocess.CompletedProcess[str],
                                                           dict]:
    result = run_markaudit("audit", str(folder), "--cache-dir", str(cache), "-f", "json")
    return result, json.loads(result.stdout)
