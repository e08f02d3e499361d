"""The pre-commit hook, run for real: the `pre-commit` package installs this checkout's hook.

pre-commit clones a hook repository at a commit, so the working tree (the hook file, the package
and its rules, uncommitted changes included) is copied into a throw-away git repository first.
pre-commit then builds its own virtualenv and pip-installs markaudit in it, as it would for a
user; it needs the package index, and takes a few seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.test_fix import CLEAN, TYPO

HOOK_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "markaudit", "rules")
# The top banner of page 1 left out of a transcription.
MISSING = CLEAN.replace("TOP SECRET\n\n-1-", "\n-1-", 1)


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=markaudit tests", "-c", "user.email=tests@example.org",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=folder, check=True, capture_output=True, text=True).stdout.strip()


def _pre_commit_environment(tmp_path: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("NO_COLOR", "COLUMNS", "MARKAUDIT_CACHE_DIR")}
    environment.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
                       MARKAUDIT_CACHE_DIR=str(tmp_path / "cache"))
    return environment


def _hook_repository(folder: Path) -> str:
    """A git repository holding this working tree's hook; returns its commit."""
    folder.mkdir()
    for name in HOOK_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, folder / name)
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "hook under test")
    return _git(folder, "rev-parse", "HEAD")


def test_hook_definition_is_what_pre_commit_users_expect():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "markaudit")
    assert hook["entry"] == "markaudit audit --force-exclude"  # exclude applies to named files
    assert (hook["language"], hook["types"], hook["pass_filenames"]) == ("python", ["text"], True)
    assert hook["files"] == r"\.txt$"  # transcriptions, not the repository's README.md


def test_pre_commit_passes_a_clean_transcription_and_fails_a_faulty_one(tmp_path):
    revision = _hook_repository(tmp_path / "hook")
    project = tmp_path / "transcriptions"
    project.mkdir()
    _git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {(tmp_path / 'hook').as_posix()}\n"
        f"    rev: {revision}\n"
        "    hooks:\n"
        "      - id: markaudit\n", encoding="utf-8")
    (project / "markaudit.toml").write_text('input = "transcription"\n', encoding="utf-8")
    (project / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (project / "typo.txt").write_text(TYPO, encoding="utf-8")
    (project / "missing.txt").write_text(MISSING, encoding="utf-8")
    _git(project, "add", "-A")
    environment = _pre_commit_environment(tmp_path)

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--files", *files],
            cwd=project, env=environment, capture_output=True, text=True, timeout=900)

    clean = pre_commit("clean.txt")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "markaudit" in clean.stdout and "Passed" in clean.stdout

    faulty = pre_commit("typo.txt", "missing.txt", "clean.txt")
    assert faulty.returncode == 1, faulty.stdout + faulty.stderr
    out = faulty.stdout
    assert "Failed" in out
    assert "- exit code: 1" in out
    assert "markaudit.misspelled-marking" in out
    assert "banner 'TOP SECRT' where pages 1, 3 have 'TOP SECRET'" in out
    assert "page 1: no classification banner at the top" in out
    assert "3 documents, 9 pages: 3 errors" in out


def _readme_step(name: str) -> str:
    """The text of the fenced block that follows `<!-- readme-step: NAME -->` in the steps of
    docs/transcriptions.md (they were the README's)."""
    text = (ROOT / "docs" / "transcriptions.md").read_text(encoding="utf-8")
    after = text.split(f"<!-- readme-step: {name} -->\n", 1)[1]
    fence, body = after.split("\n", 1)
    assert fence.startswith("```"), fence
    return body.split("```", 1)[0]


# A page with a TOP SECRET paragraph under its SECRET banners: an error the project accepts.
ACCEPTED = ("SECRET\n\nMEMORANDUM FOR THE RECORD\n\n(TS) The plan.\n\n(U) Other.\n\n{more}"
            "SECRET\n")


def test_the_documented_steps_work_as_written_in_a_repository_with_a_readme(tmp_path):
    _hook_repository(tmp_path / "markaudit")  # the clone beside the repository, as the page has
    project = tmp_path / "transcriptions"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "README.md").write_text("# Box 12\n\nSECRET cables of 1962, transcribed.\n",
                                       encoding="utf-8")
    (project / "memo.txt").write_text(ACCEPTED.format(more=""), encoding="utf-8")
    (project / "drafts").mkdir()
    (project / "drafts" / "unfinished.txt").write_text(MISSING, encoding="utf-8")
    environment = _pre_commit_environment(tmp_path)
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"

    # The three steps, in the page's order, copied as they stand.
    (project / "markaudit.toml").write_text(_readme_step("markaudit.toml"), encoding="utf-8")
    step = subprocess.run(["bash", "-e", "-c", _readme_step("baseline")], cwd=project,
                          env=environment, capture_output=True, text=True, timeout=300)
    assert step.returncode == 0, step.stderr
    (project / ".pre-commit-config.yaml").write_text(_readme_step(".pre-commit-config.yaml"),
                                                     encoding="utf-8")
    _git(project, "add", "-A")

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--all-files"],
            cwd=project, env=environment, capture_output=True, text=True, timeout=900)

    # README.md (not a transcription) and drafts/ (excluded) do not block; the baseline accepts
    # the memo's TOP SECRET paragraph.
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    # A second identical paragraph on the baselined page is a new finding: the commit fails.
    (project / "memo.txt").write_text(ACCEPTED.format(more="(TS) The plan.\n\n"),
                                      encoding="utf-8")
    _git(project, "add", "-A")
    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "portion.above-banner" in failed.stdout
    assert "1 document, 1 page: 1 error" in failed.stdout
    assert "OCR" not in failed.stdout  # a transcription is typed, not read by OCR
