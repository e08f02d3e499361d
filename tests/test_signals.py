"""Signals (issue 24, item 6): no worker outlives a run, however it ends, and no temporary file
of a killed run outlives the next run. SIGTERM mid-batch is tested beside Ctrl-C, in
tests/test_batch.py."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED
from tests.test_batch import _children, _slow_document


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                    reason="finds worker processes through Linux /proc")
def test_kill_9_of_the_run_ends_its_workers_and_the_next_run_removes_its_temporary(
        tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    for name in ("b.txt", "c.txt", "d.txt"):
        _slow_document(folder / name)  # seconds each: the workers are busy when the run dies
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "markaudit", "audit", str(folder), "--jobs", "2", "--no-cache",
         "-f", "json", "-o", str(target)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = _children(process.pid)
    assert len(workers) == 2
    time.sleep(1.0)  # the workers are into the slow documents
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    # The workers would go on for seconds with their documents, then block writing to a pipe
    # nobody reads: they end at once instead.
    gone_by = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    left = [p.name for p in out.iterdir()]
    assert len(left) == 1 and left[0].startswith(".report.json.") and left[0].endswith(".tmp")

    shutil.copy(SEED, folder / "b.txt")  # the next run is quick
    for name in ("c.txt", "d.txt"):
        os.unlink(folder / name)
    subprocess.run([sys.executable, "-m", "markaudit", "audit", str(folder), "--no-cache",
                    "-f", "json", "-o", str(target)], cwd=ROOT, capture_output=True, timeout=120)
    assert [p.name for p in out.iterdir()] == ["report.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="temporaries are not cleaned on Windows")
def test_a_temporary_of_a_running_process_is_left_alone(tmp_path: Path):
    from markaudit.core.files import AtomicFile

    mine = tmp_path / f".report.json.{os.getpid()}.abc.tmp"  # as if another run were writing
    mine.write_text("", encoding="utf-8")
    gone = tmp_path / ".report.json.999999999.abc.tmp"  # no such pid
    gone.write_text("", encoding="utf-8")
    other = tmp_path / ".notes.txt.999999999.abc.tmp"  # another report's: not ours to judge
    other.write_text("", encoding="utf-8")
    report = AtomicFile(tmp_path / "report.json")
    report.stream.write("{}")
    report.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mine.name, other.name, "report.json"])
