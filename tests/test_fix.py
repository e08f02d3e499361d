"""--fix and --diff on transcriptions: only clear corrections, never on OCR text."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.conftest import run_markaudit

BODY = ("The committee met on the question of the missiles and agreed to\n"
        "report to the Secretary on the matter in the morning.\n")


def _document(banners: list[str], newline: str = "\n") -> str:
    pages = [f"{banner}\n\n-{n}-\n\n{BODY}\n{banner}\n" for n, banner in enumerate(banners, 1)]
    return "\f".join(pages).replace("\n", newline)


TYPO = _document(["TOP SECRET", "TOP SECRT", "TOP SECRET"])
CLEAN = _document(["TOP SECRET", "TOP SECRET", "TOP SECRET"])


def _write(root: Path, text: str, name: str = "memo.txt") -> Path:
    path = root / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _run(root: Path, *args: str):
    return run_markaudit("audit", *args, "--no-cache", cwd=root)


def test_transcription_typo_is_an_error_naming_the_form_of_the_other_pages(tmp_path):
    _write(tmp_path, TYPO)
    result = _run(tmp_path, "memo.txt", "--input", "transcription")
    assert result.returncode == 1
    assert "markaudit.misspelled-marking" in result.stdout
    assert "banner 'TOP SECRT' where pages 1, 3 have 'TOP SECRET'" in result.stdout
    assert "misspelled" not in _run(tmp_path, "memo.txt").stdout  # OCR input: no such check


def test_diff_prints_the_fix_and_changes_nothing(tmp_path):
    memo = _write(tmp_path, TYPO)
    result = _run(tmp_path, "memo.txt", "--input", "transcription", "--diff")
    assert result.returncode == 1
    assert memo.read_bytes() == TYPO.encode("utf-8")
    assert result.stdout.startswith("--- memo.txt\n+++ memo.txt\n@@ ")
    changed = [line for line in result.stdout.split("\n")
               if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))]
    assert changed == ["-\fTOP SECRT", "+\fTOP SECRET", "-TOP SECRT", "+TOP SECRET"]
    assert "would fix 2 markings in 1 file" in result.stderr


def test_fix_rewrites_the_file_and_the_report_reflects_the_fixed_text(tmp_path):
    memo = _write(tmp_path, TYPO)
    memo.chmod(0o644)
    result = _run(tmp_path, "memo.txt", "--input", "transcription", "--fix", "-f", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert memo.read_bytes() == CLEAN.encode("utf-8")
    assert stat.S_IMODE(memo.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["memo.txt"]  # no temporary file left
    assert "fixed 2 markings in 1 file" in result.stderr
    report = json.loads(result.stdout)
    assert "misspelled" not in json.dumps(report["documents"][0]["findings"])
    assert {m["text"] for m in report["documents"][0]["markings"]
            if m["kind"] == "banner"} == {"TOP SECRET"}
    again = _run(tmp_path, "memo.txt", "--input", "transcription", "--diff")
    assert (again.returncode, again.stdout) == (0, "")


def test_fix_keeps_windows_line_ends(tmp_path):
    memo = _write(tmp_path, _document(["SECRET", "SECRET", "SECRT"], newline="\r\n"))
    assert _run(tmp_path, "memo.txt", "--input", "transcription", "--fix").returncode == 0
    assert memo.read_bytes() == _document(["SECRET"] * 3, newline="\r\n").encode("utf-8")


def test_fix_is_refused_for_ocr_input(tmp_path):
    memo = _write(tmp_path, TYPO)
    for option in ("--fix", "--diff"):
        result = _run(tmp_path, "memo.txt", option)
        assert result.returncode == 2
        assert f"markaudit: {option} changes transcriptions only" in result.stderr
        assert "--input transcription" in result.stderr
        assert memo.read_bytes() == TYPO.encode("utf-8")


def test_fix_follows_the_input_kind_of_the_configuration(tmp_path):
    memo = _write(tmp_path, TYPO)
    (tmp_path / "markaudit.toml").write_text('input = "transcription"\n', encoding="utf-8")
    assert _run(tmp_path, "memo.txt", "--fix").returncode == 0
    assert memo.read_bytes() == CLEAN.encode("utf-8")


def test_no_fix_without_a_clear_majority_form(tmp_path):
    # One page each way: which one is right is for a reader of the scan to say.
    memo = _write(tmp_path, _document(["TOP SECRET", "TOP SECRT"]))
    result = _run(tmp_path, "memo.txt", "--input", "transcription", "--fix")
    assert memo.read_bytes() == _document(["TOP SECRET", "TOP SECRT"]).encode("utf-8")
    assert "fixed" not in result.stderr
    # Still reported, as a warning without a fix.
    assert "banner 'TOP SECRT' matches TOP SECRET only loosely, as a misspelling would" \
        in " ".join(result.stdout.split())  # the console folds long messages
    assert "OCR" not in result.stdout  # a transcription was typed, not read by OCR


def test_a_different_level_is_not_a_typing_error(tmp_path):
    text = _document(["TOP SECRET", "SECRET", "TOP SECRET"])
    memo = _write(tmp_path, text)
    result = _run(tmp_path, "memo.txt", "--input", "transcription", "--diff")
    assert (result.returncode, result.stdout) == (0, "")
    assert memo.read_bytes() == text.encode("utf-8")


def test_fix_writes_through_a_symbolic_link_which_stays_a_link(tmp_path):
    real = _write(tmp_path, TYPO, name="real.txt")
    (tmp_path / "memo.txt").symlink_to("real.txt")
    assert _run(tmp_path, "memo.txt", "--input", "transcription", "--fix").returncode == 0
    assert (tmp_path / "memo.txt").is_symlink()
    assert real.read_bytes() == CLEAN.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.txt", "real.txt"]


def test_fix_keeps_hard_links_one_file(tmp_path):
    memo = _write(tmp_path, TYPO)
    other = tmp_path / "other-name.txt"
    other.hardlink_to(memo)
    assert _run(tmp_path, "memo.txt", "--input", "transcription", "--fix").returncode == 0
    assert other.read_bytes() == memo.read_bytes() == CLEAN.encode("utf-8")
    assert memo.stat().st_ino == other.stat().st_ino and memo.stat().st_nlink == 2
