"""Report and cache files as a user finds them on disk, what reports say of a file not audited,
and the audit options' help."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED, run_markaudit

NUL_REASON = "binary content (NUL byte at offset 7)"


def _audit(*args: str, umask: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`markaudit audit ARGS` run as a user with this umask would run it."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "markaudit", "audit", *args],
                          capture_output=True, text=True, env=environment, cwd=cwd,
                          umask=umask, timeout=120)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["022", "027"])
def test_a_new_report_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: int):
    result = _audit(str(SEED), "-f", "json", "-o", "out.json", "-f", "csv", "-o", "out.csv",
                    umask=umask, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _mode(tmp_path / "out.json") == _mode(tmp_path / "out.csv") == 0o666 & ~umask


def test_a_report_replacing_a_file_keeps_its_mode(tmp_path: Path):
    report = tmp_path / "out.json"
    report.write_text("old report\n", encoding="utf-8")
    report.chmod(0o664)  # group-writable: a team's shared report, not what umask 022 gives
    result = _audit(str(SEED), "-f", "json", "-o", str(report), umask=0o022, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert report.read_text(encoding="utf-8").startswith("{")  # replaced...
    assert _mode(report) == 0o664  # ...and as open to the team as before


def test_cache_entries_get_the_mode_the_umask_gives(tmp_path: Path):
    cache = tmp_path / "cache"
    result = _audit(str(SEED), "--cache-dir", str(cache), umask=0o002, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in entries)
    assert {str(p): _mode(p) for p in entries} == {str(p): 0o664 for p in entries}


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    document = tmp_path / "scan.txt"
    document.write_bytes(b"SECRET\n\x00rest\n")
    return document


@pytest.mark.parametrize("fmt", ["console", "csv", "junit", "github", "sarif", "markdown",
                                 "html"])
def test_a_report_says_not_audited_once(binary: Path, fmt: str):
    result = run_markaudit("audit", str(binary), "-f", fmt, "--no-cache")
    assert result.returncode == 1
    out = " ".join(result.stdout.lower().split())  # the console wraps long lines
    assert f"not audited: {NUL_REASON.lower()}" in out
    assert "offset 7), not audited" not in out


def test_the_error_line_names_the_file_and_its_reason(binary: Path):
    result = run_markaudit("audit", str(binary), "--no-cache")
    assert f"markaudit: {binary}: {NUL_REASON}" in result.stderr.splitlines()


@pytest.mark.parametrize(("name", "data", "options"), [
    ("big.txt", b"SECRET\n" * 10, ["--max-size", "0.00001"]),
    ("cut.alto.xml", b"<alto><Layout><Page", []),
], ids=["too-large", "malformed-alto"])
def test_other_reasons_say_not_audited_once(tmp_path: Path, name: str, data: bytes,
                                           options: list[str]):
    document = tmp_path / name
    document.write_bytes(data)
    # Run where the file is: a short name keeps the heading on one line.
    result = run_markaudit("audit", name, "--no-cache", *options, cwd=tmp_path)
    assert result.returncode == 1
    [heading] = [line for line in result.stdout.splitlines() if line.startswith(name)]
    assert heading == f"{name}  not audited"  # why: the markaudit.not-audited finding below
    out = " ".join(result.stdout.split())  # the console folds long messages
    assert out.count("markaudit.not-audited -:- not audited: ") == 1


def _option_help(option: str) -> str:
    """The help of one option of `markaudit audit --help`, its wrapped lines joined again."""
    text = run_markaudit("audit", "--help").stdout
    blocks = re.split(r"\n(?=  -)", text)
    [block] = [b for b in blocks if re.match(rf"\s*(-\w, )?{option}\b", b)]
    return re.sub(r"(\w-)\s+(\w)", r"\1\2", " ".join(block.split()))


def test_format_help_lists_every_format():
    from markaudit.report import FORMATS

    listed = _option_help("--format")
    assert [name for name in FORMATS if not re.search(rf"[ ,]{name}[,.]", listed)] == []


def test_statistics_help_says_which_reports_it_shortens():
    described = _option_help("--statistics").lower()
    assert "console and html reports" in described  # the two that honour it
    assert "other formats still hold every document" in described
