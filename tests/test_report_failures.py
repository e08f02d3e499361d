"""One report file that cannot be written (a full disk, a folder in its place) ends that report
alone: the run's other reports are written, the failure is named, and the exit code is 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED, run_markaudit


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_for_one_report_leaves_the_others_written(tmp_path: Path) -> None:
    result = run_markaudit("audit", str(SEED), "--no-cache", "-f", "json", "-o", "/dev/full",
                           "-f", "sarif", "-o", str(tmp_path / "out.sarif"),
                           "-f", "markdown", "-o", str(tmp_path / "out.md"))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert "markaudit: /dev/full: cannot write report: No space left on device" in lines
    assert lines[-1].endswith(f"report written to {tmp_path / 'out.sarif'}, "
                              f"{tmp_path / 'out.md'}")
    assert json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"]
    assert "frus-1962-10-27-inr.txt" in (tmp_path / "out.md").read_text(encoding="utf-8")


def test_a_report_that_cannot_be_put_in_place_leaves_the_others_written(tmp_path: Path) -> None:
    blocked = tmp_path / "report.json"
    blocked.mkdir()  # a folder where the report goes: the rename at the end fails
    result = run_markaudit("audit", str(SEED), "--no-cache", "-f", "json", "-o", str(blocked),
                           "-f", "csv", "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert f"markaudit: {blocked}: cannot write report:" in result.stderr
    assert "internal error" not in result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("path,")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_report_folder_that_does_not_exist_stops_the_run_before_auditing(
        tmp_path: Path) -> None:
    result = run_markaudit("audit", str(SEED), "--no-cache", "-f", "json",
                           "-o", str(tmp_path / "missing" / "out.json"),
                           "-f", "csv", "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot write report" in result.stderr
    assert not (tmp_path / "out.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == []
