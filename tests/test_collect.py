"""Which files a run takes, as a user meets it: symlink loops, repositories and caches inside a
collection, standard input named twice, and the folder rows of `--group-by folder`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SEED, run_markaudit

SYNTHETIC = FIXTURES / "synthetic"
needs_symlinks = pytest.mark.skipif(sys.platform == "win32",
                                    reason="symlinks need privileges on Windows")


def _json_run(*args: str, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess[str],
                                                           dict]:
    result = run_markaudit("audit", *args, "--format", "json", "--no-cache", cwd=cwd)
    return result, json.loads(result.stdout)


def _errors(report: dict) -> dict[str, list[str]]:
    """Each document's name and the reasons it was not audited (empty if it was)."""
    return {Path(d["path"]).name: d["errors"] for d in report["documents"]}


@needs_symlinks
def test_symlink_loops_in_a_folder_are_listed_as_not_audited(tmp_path: Path):
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    result, report = _json_run(str(tmp_path))
    assert result.returncode == 1, result.stderr  # not-audited findings
    errors = _errors(report)
    assert list(errors) == ["a.txt", "b.txt", "good.txt", "self.txt"]
    assert errors["good.txt"] == []
    for name in ("a.txt", "b.txt", "self.txt"):
        reason = errors[name][0].lower()
        assert "loop" in reason or "symbolic links" in reason
        assert f"{name}: " in result.stderr
    assert "Traceback" not in result.stderr



@needs_symlinks
def test_a_looping_symlink_named_beside_a_good_file_does_not_stop_the_run(tmp_path: Path):
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")
    result, report = _json_run("good.txt", "self.txt", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # not-audited findings
    errors = _errors(report)
    assert errors["good.txt"] == [] and errors["self.txt"]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_selection_that_leaves_nothing_names_its_patterns(tmp_path: Path):
    shutil.copy(SEED, tmp_path / "memo.txt")
    result = run_markaudit("audit", str(tmp_path), "--include", "zzz/**", "--no-cache")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"markaudit: no documents to audit in {tmp_path} "
        "(extensions: txt, md, pdf, xml, hocr, png, jpg, jpeg, tif, tiff; include: zzz/**)"]

@pytest.mark.parametrize("vcs", [".git", ".hg", ".svn"])
def test_version_control_folders_are_not_walked_but_are_audited_when_named(tmp_path: Path,
                                                                            vcs: str):
    shutil.copy(SEED, tmp_path / "memo.txt")
    (tmp_path / "box1" / vcs).mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "box1" / vcs / "stored.txt")
    _, report = _json_run(str(tmp_path))
    assert list(_errors(report)) == ["memo.txt"]
    named = tmp_path / "box1" / vcs / "stored.txt"
    _, report = _json_run(str(named))
    assert list(_errors(report)) == ["stored.txt"]


def test_the_cache_inside_a_collection_is_not_audited_as_documents(tmp_path: Path):
    shutil.copy(SEED, tmp_path / "memo.txt")
    cache = ["--cache-dir", str(tmp_path / ".markaudit_cache")]
    warm = run_markaudit("audit", str(tmp_path), *cache)  # fills the cache with .json entries
    assert warm.returncode == 0, warm.stderr
    assert list((tmp_path / ".markaudit_cache").rglob("*.json"))
    result = run_markaudit("audit", str(tmp_path), "--extensions", "json,txt", *cache,
                           "--format", "json")
    assert [Path(d["path"]).name for d in json.loads(result.stdout)["documents"]] == [
        "memo.txt"]


def test_a_folder_tagged_as_a_cache_by_another_tool_is_skipped_but_not_any_tag(
        tmp_path: Path):
    shutil.copy(SEED, tmp_path / "memo.txt")
    for folder, tag in {"tool_cache": "Signature: 8a477f597d28d172789f06886806bc55\n",
                        "box1": "a note that happens to carry this name\n"}.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "CACHEDIR.TAG").write_text(tag, encoding="utf-8")
        shutil.copy(SEED, tmp_path / folder / "entry.txt")
    _, report = _json_run(str(tmp_path))
    assert [Path(d["path"]).relative_to(tmp_path).as_posix() for d in report["documents"]] == [
        "box1/entry.txt", "memo.txt"]
    # Given by name, the cache folder is walked: the user asked for it.
    _, report = _json_run(str(tmp_path / "tool_cache"))
    assert list(_errors(report)) == ["entry.txt"]


def test_standard_input_named_twice_is_read_once():
    result = subprocess.run(
        [sys.executable, "-m", "markaudit", "audit", "-", "-", "--format", "json",
         "--no-cache"], input=SEED.read_text(encoding="utf-8"), capture_output=True, text=True,
        cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [d["path"] for d in report["documents"]] == ["<stdin>"]
    assert report["documents"][0]["classification"]["level"] == "TOP SECRET"


@pytest.fixture
def collections(tmp_path: Path) -> Path:
    """c/jfk (files at its top and in a box), c/seed (files at its top only), c/state (a box
    with the same name as one of c/jfk's)."""
    layout = {"c/jfk/top.txt": SEED, "c/jfk/box1/memo.txt": SYNTHETIC / "cia-cable.txt",
              "c/jfk/box1/cable.txt": SYNTHETIC / "contradictions.txt",
              "c/seed/seed.txt": SEED, "c/state/box1/foia.txt": SYNTHETIC / "state-foia.txt"}
    for name, source in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tmp_path / name)
    return tmp_path


def _folder_rows(*paths: str, cwd: Path) -> dict[str, int]:
    result, report = _json_run(*paths, "--group-by", "folder", cwd=cwd)
    assert "Traceback" not in result.stderr
    return {name: counts["documents"] for name, counts in report["rollup"]["folders"].items()}


def test_group_by_folder_with_several_folders_names_each_folder_given(collections: Path):
    assert _folder_rows("c/jfk", "c/seed/", "./c/state", cwd=collections) == {
        "c/jfk": 1, "c/jfk/box1": 2, "c/seed": 1, "c/state/box1": 1}
    # One folder given: its subfolders by name, the files at its top as ".".
    assert _folder_rows("c/jfk", cwd=collections) == {".": 1, "box1": 2}
    # A file named directly counts in the folder it is in, as a folder given would.
    assert _folder_rows("c/seed/seed.txt", "c/jfk", cwd=collections) == {
        "c/seed": 1, "c/jfk": 1, "c/jfk/box1": 2}


def test_group_by_folder_with_several_urls_names_each_url_given(collections: Path):
    pytest.importorskip("fsspec")
    base = collections.resolve().as_uri()
    rows = _folder_rows(f"{base}/c/jfk/", f"{base}/c/state", cwd=collections)
    assert rows == {f"{base}/c/jfk": 1, f"{base}/c/jfk/box1": 2, f"{base}/c/state/box1": 1}


def test_force_exclude_applies_exclude_to_files_named_as_the_hook_names_them(tmp_path: Path):
    (tmp_path / "markaudit.toml").write_text('exclude = ["README.md", "drafts/"]\n',
                                             encoding="utf-8")
    (tmp_path / "README.md").write_bytes(b"\x00 not a transcription")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "memo.txt").write_bytes(b"\x00 unfinished")
    shutil.copy(SEED, tmp_path / "memo.txt")
    named = ("README.md", "drafts/memo.txt", "memo.txt")
    result, report = _json_run(*named, "--force-exclude", cwd=tmp_path)
    assert [Path(d["path"]).name for d in report["documents"]] == ["memo.txt"]
    assert result.returncode == 0, result.stderr
    # Without it, a file named is audited whatever the patterns, as in ruff.
    result, report = _json_run(*named, cwd=tmp_path)
    assert len(report["documents"]) == 3 and result.returncode == 1
    # Every file named excluded: nothing to do, exit 0 (a commit of the README alone).
    alone = run_markaudit("audit", "README.md", "--force-exclude", "--no-cache", cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (0, "")
    (tmp_path / "markaudit.toml").write_text('exclude = ["README.md"]\nforce-exclude = true\n',
                                             encoding="utf-8")
    alone = run_markaudit("audit", "README.md", "--no-cache", cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (0, "")
