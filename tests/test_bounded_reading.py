"""Reading is bounded (issue 24, items 2, 4 and 8): what a walk reads, how much, for how long.

Each test plants one case of the adversarial review beside a good document and checks what a
user sees: the good document audited, the planted one listed as not audited with its reason,
the report written, and never a hang, a traceback or memory without bound.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from markaudit.core.errors import InputError
from markaudit.read.text import read_bytes
from tests.conftest import ROOT, SEED, run_markaudit

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="pipes, devices and symlinks "
                                "as POSIX has them")


def _json_run(*args: str, cwd: Path | None = None, preexec_fn=None, timeout: float = 120
              ) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = subprocess.run(
        [sys.executable, "-m", "markaudit", "audit", *args, "--no-cache", "-f", "json"],
        capture_output=True, text=True, cwd=cwd or ROOT, timeout=timeout, preexec_fn=preexec_fn)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, \
        result.stderr
    return result, json.loads(result.stdout)


def _errors(report: dict) -> dict[str, list[str]]:
    """Each document's name and the reasons it was not audited (empty if it was)."""
    return {Path(d["path"]).name: d["errors"] for d in report["documents"]}


# --- item 2: only regular files are read, and never more than --max-size -------------------

@posix_only
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fifo_in_a_walked_folder_is_listed_unread_and_does_not_hold_the_run(tmp_path: Path,
                                                                              jobs: str):
    shutil.copy(SEED, tmp_path / "a.txt")
    os.mkfifo(tmp_path / "b.txt")  # nobody writes to it: reading it would block for ever
    shutil.copy(SEED, tmp_path / "c.txt")
    result, report = _json_run(str(tmp_path), "--jobs", jobs, timeout=60)
    assert result.returncode == 1, result.stderr
    errors = _errors(report)
    assert errors == {"a.txt": [], "b.txt": ["not a regular file (a named pipe), not read"],
                      "c.txt": []}
    assert f"markaudit: {tmp_path / 'b.txt'}: not a regular file (a named pipe), not read" \
        in result.stderr.splitlines()


@posix_only
def test_a_fifo_or_a_device_named_directly_gets_one_line_and_the_run_goes_on(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.txt")
    result, report = _json_run(str(tmp_path / "pipe.txt"), "/dev/zero", str(SEED), timeout=60)
    assert result.returncode == 1
    assert [d["errors"] for d in report["documents"]] == [
        ["not a regular file (a named pipe), not read"],
        ["not a regular file (a character device), not read"], []]
    assert "markaudit: /dev/zero: not a regular file (a character device), not read" \
        in result.stderr.splitlines()


@posix_only
def test_a_symlink_to_dev_zero_followed_is_refused_unread(tmp_path: Path):
    folder = tmp_path / "box"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    started = time.monotonic()
    result, report = _json_run(str(folder), "--follow-links", "--jobs", "1")
    assert result.returncode == 1
    assert _errors(report) == {
        "a.txt": [], "zero.txt": ["not a regular file (a character device), not read"]}
    assert time.monotonic() - started < 60


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux /proc")
def test_the_size_limit_counts_the_bytes_read_not_the_size_the_file_system_states():
    # /proc files state a size of 0 and hold kilobytes: the limit holds all the same.
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(InputError) as refused:
        read_bytes("/proc/self/maps", limit=100)
    assert refused.value.reason == ("too large to audit (more than the limit of 0.0001 MB, see "
                                    "--max-size)")
    assert len(read_bytes("/proc/self/maps", limit=10_000_000)) > 100


def _limit_memory(megabytes: int):
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("follow", [[], ["--follow-links"]])
def test_under_a_memory_limit_dev_zero_costs_nothing_and_the_good_files_are_reported(
        tmp_path: Path, follow: list[str]):
    folder = tmp_path / "box"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    shutil.copy(SEED, folder / "z.txt")
    target = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "markaudit", "audit", str(folder), *follow, "--jobs", "1",
         "--no-cache", "-f", "json", "-o", str(target)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=_limit_memory(2048))
    assert result.returncode == 1, result.stderr
    assert "MemoryError" not in result.stderr and "internal error" not in result.stderr
    errors = _errors(json.loads(target.read_text(encoding="utf-8")))
    assert errors["a.txt"] == [] and errors["z.txt"] == []
    assert len(errors["zero.txt"]) == 1


# --- item 8: symlinks out of the folder walked ----------------------------------------------

@posix_only
def test_symlinks_out_of_the_folder_walked_are_listed_not_followed(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP SECRET\nthe runner's private key\n",
                                        encoding="utf-8")
    folder = tmp_path / "box"
    (folder / "inner").mkdir(parents=True)
    shutil.copy(SEED, folder / "inner" / "a.txt")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "same.txt").symlink_to(folder / "inner" / "a.txt")  # inside: audited once
    (folder / "via-inner").symlink_to("inner", target_is_directory=True)
    target = tmp_path / "report.html"
    result = run_markaudit("audit", str(folder), "--no-cache", "-f", "json", "-f", "html",
                           "-o", "/dev/stdout", "-o", str(target))
    assert result.returncode == 1, result.stderr
    errors = _errors(json.loads(result.stdout))
    assert errors == {
        "a.txt": [],
        "elsewhere": [f"symlink to a folder outside the folder walked ({outside}), not "
                      "followed; --follow-links follows it"],
        "passwd.txt": [f"symlink to a file outside the folder walked ({outside / 'secret.txt'}),"
                       " not followed; --follow-links follows it"],
    }
    assert "private key" not in target.read_text(encoding="utf-8")
    assert f"markaudit: {folder / 'passwd.txt'}: symlink to a file outside" in result.stderr

    result, report = _json_run(str(folder), "--follow-links")
    assert result.returncode in (0, 1), result.stderr
    # elsewhere/secret.txt comes first; passwd.txt is the same file, audited once
    assert sorted(_errors(report)) == ["a.txt", "secret.txt"]
    assert all(not e for e in _errors(report).values())
    # Named directly, a symlink is followed wherever it leads: the user asked for it.
    _, report = _json_run(str(folder / "passwd.txt"))
    assert _errors(report) == {"passwd.txt": []}


# --- item 4: reading under the time limit, in time linear in the file ----------------------

def test_reading_a_document_is_under_the_time_limit_and_costs_one_file(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from markaudit.engine.rules import load_rules
    from markaudit.run import source
    from markaudit.run.audit import rule_paths
    from markaudit.run.sources import Source

    def parse_for_ever(data: bytes, path: str, ocr: object = None, layout: object = None):
        while True:  # a parser stuck on a pathological file
            pass

    monkeypatch.setattr(source, "document_from_bytes", parse_for_ever)
    slow = tmp_path / "slow.hocr"
    slow.write_bytes(SEED.read_bytes())
    settings = source.Settings(cache_dir=None, time_limit=1.0)
    started = time.monotonic()
    result = source.audit_source(Source(str(slow)), None, load_rules(rule_paths()), settings,
                                 None)
    assert time.monotonic() - started < 10
    assert result.report.errors == (
        "reading it took more than 1 s (see --timeout), not audited",)


def test_hocr_of_40000_unclosed_tags_is_read_in_seconds_not_a_minute(tmp_path: Path):
    from benchmarks.pathological import hocr
    from markaudit.read.hocr import read_hocr

    path = hocr(400)(tmp_path)  # 400 KB: took 56 s when every stray end tag searched the stack
    started = time.monotonic()
    document = read_hocr(path.read_bytes(), str(path))
    assert time.monotonic() - started < 10
    assert document.pages[0].lines[0].text == "SECRET"


def test_alto_of_40000_nested_pages_is_read_in_seconds(tmp_path: Path):
    from benchmarks.pathological import alto_nested
    from markaudit.read.alto import read_alto

    path = alto_nested(tmp_path)  # a search below each Page for its lines: minutes
    started = time.monotonic()
    document = read_alto(path.read_bytes(), str(path))
    assert time.monotonic() - started < 10
    assert [line.text for page in document.pages for line in page.lines] == ["SECRET"]


def test_pages_sharing_one_content_stream_are_read_once(monkeypatch: pytest.MonkeyPatch):
    pypdf = pytest.importorskip("pypdf")
    from benchmarks.pathological import pdf_pages
    from markaudit.read.pdf import read_pdf

    extracted = 0
    extract_text = pypdf.PageObject.extract_text

    def counted(self, *args, **kwargs):
        nonlocal extracted
        extracted += 1
        return extract_text(self, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counted)
    stream = b"BT /F1 12 Tf 72 720 Td (TOP SECRET) Tj ET\n" * 400  # 16 KB
    document = read_pdf(pdf_pages(100, stream), "shared.pdf")
    assert extracted == 1  # not 100: 100 pages of this took 10 s
    assert len(document.pages) == 100
    assert all(page.lines[0].text.startswith("TOP SECRET") for page in document.pages)


def test_a_pdf_of_20000_pages_is_refused_before_any_page_is_read():
    pytest.importorskip("pypdf")
    from benchmarks.pathological import pdf_pages
    from markaudit.read.pdf import read_pdf

    started = time.monotonic()
    with pytest.raises(InputError) as refused:
        read_pdf(pdf_pages(20_000, b"BT /F1 12 Tf 72 720 Td (SECRET) Tj ET"), "many.pdf")
    assert refused.value.reason == ("a PDF of 20,000 pages, more than the 5,000 markaudit "
                                    "reads; split it to audit it")
    assert time.monotonic() - started < 30  # was over 400 s


def test_16_million_tiny_lines_are_refused_in_seconds_and_little_memory(tmp_path: Path):
    from benchmarks.pathological import MEASURE

    tiny = tmp_path / "tiny-lines.txt"
    tiny.write_bytes(b"x\n" * 16_000_000)  # 32 MB: under the size limit
    # Measured in a child of its own, so that its peak memory is its alone.
    command = [sys.executable, "-m", "markaudit", "audit", str(tiny), str(SEED), "--jobs", "1",
               "--no-cache", "-f", "json"]
    measured = json.loads(subprocess.run([sys.executable, "-c", MEASURE, "0", "300", *command],
                                         cwd=ROOT, capture_output=True, text=True,
                                         check=True).stdout)
    assert measured["code"] == 1, measured["stderr"]
    assert _errors(json.loads(measured["stdout"])) == {
        "tiny-lines.txt": ["too many lines to audit (16,000,000; the limit is 1,000,000 with "
                           "--max-size, 0 lifts both)"],
        SEED.name: []}
    assert measured["seconds"] < 60 and measured["peak_mb"] < 1000  # were 112 s and 7 GB


@posix_only
def test_fix_never_changes_a_file_outside_the_folder_through_a_symlink(tmp_path: Path):
    from tests.test_fix import TYPO

    outside = tmp_path / "outside.txt"
    outside.write_text(TYPO, encoding="utf-8")
    folder = tmp_path / "box"
    folder.mkdir()
    (folder / "memo.txt").symlink_to(outside)
    result = run_markaudit("audit", str(folder), "--input", "transcription", "--fix",
                           "--no-cache")
    assert outside.read_text(encoding="utf-8") == TYPO
    assert (folder / "memo.txt").is_symlink()  # not replaced by a fixed copy either
    assert result.returncode == 1
    assert "symlink to a file outside the folder walked" in result.stderr
