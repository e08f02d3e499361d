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

from markaudit.errors import InputError
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
    assert result.returncode == 2, result.stderr
    errors = _errors(report)
    assert errors == {"a.txt": [], "b.txt": ["not a regular file (a named pipe), not read"],
                      "c.txt": []}
    assert f"markaudit: {tmp_path / 'b.txt'}: not a regular file (a named pipe), not read" \
        in result.stderr.splitlines()


@posix_only
def test_a_fifo_or_a_device_named_directly_gets_one_line_and_the_run_goes_on(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.txt")
    result, report = _json_run(str(tmp_path / "pipe.txt"), "/dev/zero", str(SEED), timeout=60)
    assert result.returncode == 2
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
    assert result.returncode == 2
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
    assert result.returncode == 2, result.stderr
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
    assert result.returncode == 2, result.stderr
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
