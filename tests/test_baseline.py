"""The baseline lifecycle as a team lives it: accept, audit, new findings, fixes, edits, update."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import run_markaudit
from tests.test_config import TWO_PAGES

# TWO_PAGES with its missing top banner typed in: banner.every-page is fixed.
FIXED = "TOP SECRET\n\n" + TWO_PAGES
# TWO_PAGES with page 2's bottom banner gone too: a new banner.every-page finding on page 2.
WORSE = TWO_PAGES.rsplit("TOP SECRET\n", 1)[0] + "\n"


def _setup(root: Path) -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "memo.txt").write_text(TWO_PAGES, encoding="utf-8")
    (root / "docs" / "other.txt").write_text(TWO_PAGES, encoding="utf-8")
    return root


def _run(root: Path, *args: str):
    return run_markaudit(*args, cwd=root, env={"MARKAUDIT_CACHE_DIR": str(root / ".cache")})


def _audit(root: Path, *args: str) -> tuple[int, list[tuple[str, str, str, str]]]:
    result = _run(root, "audit", "docs", "--baseline", "baseline.yaml", "-f", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return result.returncode, [(Path(d["path"]).name, f["rule"], f["severity"], f["message"])
                               for d in report["documents"] for f in d["findings"]]


def _create(root: Path) -> dict:
    result = _run(root, "baseline", "create", "docs", "-o", "baseline.yaml")
    assert result.returncode == 0, result.stderr
    assert "4 entries in baseline.yaml (4 added, 0 removed)" in result.stderr
    return yaml.safe_load((root / "baseline.yaml").read_text(encoding="utf-8"))


def test_create_records_every_finding_sorted_with_paths_relative_to_the_baseline(tmp_path):
    data = _create(_setup(tmp_path))
    entries = data["entries"]
    assert [(e["path"], e["rule"], e["page"]) for e in entries] == [
        ("docs/memo.txt", "release.classified-without-stamp", None),
        ("docs/memo.txt", "banner.every-page", 1),
        ("docs/other.txt", "release.classified-without-stamp", None),
        ("docs/other.txt", "banner.every-page", 1)]
    assert entries[1]["message"].startswith("page 1: no classification banner at the top")
    assert len(entries[1]["fingerprint"]) == 20
    first = (tmp_path / "baseline.yaml").read_bytes()
    _create(tmp_path)
    assert (tmp_path / "baseline.yaml").read_bytes() == first  # stable: merges cleanly


def test_audit_with_the_baseline_reports_nothing_accepted(tmp_path):
    _create(_setup(tmp_path))
    assert _audit(tmp_path, "--fail-on", "info") == (0, [])
    without = _run(tmp_path, "audit", "docs", "--fail-on", "info")
    assert without.returncode == 1  # the findings are still there without the baseline


def test_a_new_finding_is_reported_and_the_accepted_ones_stay_silent(tmp_path):
    _create(_setup(tmp_path))
    (tmp_path / "docs" / "memo.txt").write_text(WORSE, encoding="utf-8")
    code, findings = _audit(tmp_path, "--fail-on", "warning")
    assert code == 1
    assert [(name, rule) for name, rule, _, _ in findings] == [("memo.txt", "banner.every-page")]
    assert findings[0][3].startswith("page 2: no classification banner at the bottom")


def test_a_fixed_finding_leaves_an_unused_entry_which_is_reported(tmp_path):
    _create(_setup(tmp_path))
    (tmp_path / "docs" / "memo.txt").write_text(FIXED, encoding="utf-8")
    code, findings = _audit(tmp_path)
    assert code == 0  # info: the hook does not fail for it
    assert [(name, rule, severity) for name, rule, severity, _ in findings] == [
        ("memo.txt", "markaudit.unused-baseline-entry", "info")]
    assert "baseline entry for banner.every-page matches no finding any more (page 1: no " \
        "classification banner at the top" in findings[0][3]
    assert "markaudit baseline update" in findings[0][3]


def test_lines_moved_by_an_edit_above_keep_their_entries(tmp_path):
    _create(_setup(tmp_path))
    memo = tmp_path / "docs" / "memo.txt"
    memo.write_text("\n\n\n" + TWO_PAGES.replace("The committee met again",
                                                "\n\nThe committee met again"),
                    encoding="utf-8")
    assert _audit(tmp_path, "--fail-on", "info") == (0, [])


def test_update_keeps_reviewer_notes_drops_fixed_entries_and_adds_new_ones(tmp_path):
    data = _create(_setup(tmp_path))
    for entry in data["entries"]:
        if entry["rule"] == "release.classified-without-stamp":
            entry.update(reason="the stamp is on the scan's back page", reviewer="jb",
                         date="2024-05-01")
    (tmp_path / "baseline.yaml").write_text(yaml.safe_dump(data, sort_keys=False),
                                            encoding="utf-8")
    (tmp_path / "docs" / "memo.txt").write_text(FIXED.rsplit("TOP SECRET\n", 1)[0] + "\n",
                                                encoding="utf-8")
    # Only memo.txt is given, as in a pre-commit run: other.txt's entries must stay.
    result = _run(tmp_path, "baseline", "update", "docs/memo.txt", "-o", "baseline.yaml")
    assert result.returncode == 0, result.stderr
    assert "4 entries in baseline.yaml (1 added, 1 removed)" in result.stderr
    entries = yaml.safe_load((tmp_path / "baseline.yaml").read_text(encoding="utf-8"))["entries"]
    memo = [e for e in entries if e["path"] == "docs/memo.txt"]
    assert [(e["rule"], e["page"]) for e in memo] == [
        ("release.classified-without-stamp", None), ("banner.every-page", 2)]
    assert (memo[0]["reason"], memo[0]["reviewer"], memo[0]["date"]) == (
        "the stamp is on the scan's back page", "jb", "2024-05-01")
    assert sum(e["path"] == "docs/other.txt" for e in entries) == 2
    assert _audit(tmp_path, "--fail-on", "info") == (0, [])


def test_a_json_baseline_works_the_same(tmp_path):
    _setup(tmp_path)
    assert _run(tmp_path, "baseline", "create", "docs", "-o", "b.json").returncode == 0
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and len(data["entries"]) == 4
    result = _run(tmp_path, "audit", "docs", "--baseline", "b.json", "--fail-on", "info")
    assert result.returncode == 0, result.stdout


def test_a_broken_baseline_is_one_line_with_file_and_line(tmp_path):
    _create(_setup(tmp_path))
    text = (tmp_path / "baseline.yaml").read_text(encoding="utf-8")
    (tmp_path / "baseline.yaml").write_text(text.replace("  reason", "  reson", 1)
                                            .replace("  page: 1", "  pag: 1", 1),
                                            encoding="utf-8")
    result = _run(tmp_path, "audit", "docs", "--baseline", "baseline.yaml")
    assert result.returncode == 2
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.strip() == "page: 1")
    assert result.stderr.strip().startswith(f"markaudit: baseline.yaml:{line}: unknown key 'pag'")
    missing = _run(tmp_path, "audit", "docs", "--baseline", "nowhere.yaml")
    assert missing.returncode == 2
    assert "nowhere.yaml: no such baseline" in missing.stderr


def test_a_deeply_nested_baseline_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "memo.txt").write_text(TWO_PAGES, encoding="utf-8")
    for name, text in (("baseline.json", "[" * 100_000 + "]" * 100_000),
                       ("baseline.yaml", "entries: " + "[" * 100_000 + "]" * 100_000)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = run_markaudit("audit", "memo.txt", "--baseline", name, "--no-cache",
                               cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
        assert result.stderr.startswith(f"markaudit: {name}")
