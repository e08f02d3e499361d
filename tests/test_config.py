"""Project configuration as a user meets it: each key, discovery, and errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_markaudit

# Two pages; page 1 lost its top banner (banner.every-page, a warning: the page kept its bottom
# banner), and there is no release stamp (release.classified-without-stamp, info).
TWO_PAGES = (
    "MEMORANDUM FOR THE RECORD\n\n"
    "The committee met on the question of the missiles and agreed to report.\n\n"
    "TOP SECRET\n"
    "\fTOP SECRET\n\n"
    "The committee met again on the question and agreed to report later.\n\n"
    "TOP SECRET\n"
)
# Every banner in place; the middle page's banners are misread as SECRET (banner.consistent,
# warnings about markings read at confidence 0.83).
MISREAD = "".join(
    f"{banner}\n\nThe committee met on the question of the missiles and agreed to report.\n\n"
    f"{banner}\n" + ("\f" if page < 3 else "")
    for page, banner in ((1, "TOP SECRET"), (2, "SECRFT"), (3, "TOP SECRET")))


def _project(root: Path, config: str | None = None, name: str = "markaudit.toml",
             documents: dict[str, str] | None = None) -> Path:
    for relative, text in (documents or {"docs/memo.txt": TWO_PAGES}).items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    if config is not None:
        (root / name).write_text(config, encoding="utf-8")
    return root


def _findings(result) -> list[tuple[str, str, str]]:
    """(document file name, rule, severity) of every finding of a JSON report."""
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return [(Path(d["path"]).name, f["rule"], f["severity"])
            for d in report["documents"] for f in d["findings"]]


def _audit(root: Path, *args: str, cwd: Path | None = None):
    return run_markaudit("audit", *args, "-f", "json", "--no-cache", cwd=cwd or root)


def test_without_configuration_both_findings_are_reported(tmp_path):
    _project(tmp_path)
    assert sorted(_findings(_audit(tmp_path, "docs"))) == [
        ("memo.txt", "banner.every-page", "warning"),
        ("memo.txt", "release.classified-without-stamp", "info")]


# --- discovery --------------------------------------------------------------------------------

def test_configuration_in_a_parent_folder_is_found_from_the_paths_not_the_cwd(tmp_path):
    _project(tmp_path, 'ignore = ["release"]\n')
    elsewhere = tmp_path.parent  # run from outside the project, naming its file
    result = _audit(tmp_path, str(tmp_path / "docs" / "memo.txt"), cwd=elsewhere)
    assert _findings(result) == [("memo.txt", "banner.every-page", "warning")]


def test_nearest_configuration_wins_and_files_are_not_merged(tmp_path):
    _project(tmp_path, 'ignore = ["release"]\n')
    (tmp_path / "docs" / ".markaudit.toml").write_text('ignore = ["banner"]\n',
                                                       encoding="utf-8")
    assert _findings(_audit(tmp_path, "docs")) == [
        ("memo.txt", "release.classified-without-stamp", "info")]


def test_pyproject_table_is_read_and_a_pyproject_without_it_is_passed_over(tmp_path):
    _project(tmp_path, '[tool.markaudit]\nignore = ["banner"]\n', name="pyproject.toml")
    (tmp_path / "docs" / "pyproject.toml").write_text('[project]\nname = "x"\n',
                                                      encoding="utf-8")
    assert _findings(_audit(tmp_path, "docs")) == [
        ("memo.txt", "release.classified-without-stamp", "info")]


def test_yaml_configuration_is_read(tmp_path):
    _project(tmp_path, "ignore:\n  - release\n", name=".markaudit.yaml")
    assert _findings(_audit(tmp_path, "docs")) == [("memo.txt", "banner.every-page", "warning")]


def test_isolated_ignores_the_configuration(tmp_path):
    _project(tmp_path, 'ignore = ["release", "banner"]\n')
    assert len(_findings(_audit(tmp_path, "docs", "--isolated"))) == 2


def test_config_option_names_the_file_to_use(tmp_path):
    _project(tmp_path, 'ignore = ["release"]\n')
    other = tmp_path / "strict.toml"
    other.write_text('ignore = ["banner"]\n', encoding="utf-8")
    assert _findings(_audit(tmp_path, "docs", "--config", str(other))) == [
        ("memo.txt", "release.classified-without-stamp", "info")]


# --- one test per key ---------------------------------------------------------------------------

def test_rules_adds_rule_files_relative_to_the_configuration(tmp_path):
    _project(tmp_path, 'rules = ["house/checks.yaml"]\n')
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "checks.yaml").write_text(
        "checks:\n"
        "  - id: house.memo-needs-release\n"
        "    type: requires\n"
        "    when: {marking: document-start.memorandum}\n"
        "    then: {marking: 'release.*'}\n"
        "    severity: warning\n", encoding="utf-8")
    result = _audit(tmp_path, str(tmp_path / "docs"), cwd=tmp_path.parent)
    assert ("memo.txt", "house.memo-needs-release", "warning") in _findings(result)


def test_default_rules_false_drops_the_shipped_pack(tmp_path):
    _project(tmp_path, "default-rules = false\n")
    result = _audit(tmp_path, "docs")
    assert result.returncode == 2
    assert "no marking rules loaded" in result.stderr


def test_select_reports_only_the_rules_named_by_prefix(tmp_path):
    _project(tmp_path, 'select = ["banner."]\n')
    assert _findings(_audit(tmp_path, "docs")) == [("memo.txt", "banner.every-page", "warning")]


def test_ignore_drops_a_rule_named_by_its_id(tmp_path):
    _project(tmp_path, 'ignore = ["banner.every-page"]\n')
    assert _findings(_audit(tmp_path, "docs")) == [
        ("memo.txt", "release.classified-without-stamp", "info")]


def test_select_and_ignore_on_the_command_line_override_the_configuration(tmp_path):
    _project(tmp_path, 'select = ["banner"]\n')
    assert _findings(_audit(tmp_path, "docs", "--select", "release")) == [
        ("memo.txt", "release.classified-without-stamp", "info")]


def test_severity_overrides_raise_a_finding_and_the_run_fails(tmp_path):
    _project(tmp_path, '[severity]\n"banner.every-page" = "error"\n"release" = "warning"\n')
    result = _audit(tmp_path, "docs")
    assert result.returncode == 1
    assert sorted(_findings(result)) == [
        ("memo.txt", "banner.every-page", "error"),
        ("memo.txt", "release.classified-without-stamp", "warning")]


def test_the_most_specific_severity_override_wins(tmp_path):
    _project(tmp_path, 'severity = {"banner" = "error", "banner.every-page" = "info"}\n')
    assert ("memo.txt", "banner.every-page", "info") in _findings(_audit(tmp_path, "docs"))


def test_per_file_ignores_apply_to_matching_files_only(tmp_path):
    _project(tmp_path, '[per-file-ignores]\n"drafts/*.txt" = ["banner"]\n',
             documents={"drafts/memo.txt": TWO_PAGES, "final/memo.txt": TWO_PAGES})
    report = json.loads(_audit(tmp_path, ".").stdout)
    rules = {d["path"]: sorted(f["rule"] for f in d["findings"]) for d in report["documents"]}
    assert rules == {
        str(Path("drafts/memo.txt")): ["release.classified-without-stamp"],
        str(Path("final/memo.txt")): ["banner.every-page", "release.classified-without-stamp"]}


def test_exclude_skips_folders_when_walking(tmp_path):
    _project(tmp_path, 'exclude = ["drafts/"]\n',
             documents={"drafts/memo.txt": TWO_PAGES, "final/memo.txt": TWO_PAGES})
    report = json.loads(_audit(tmp_path, ".").stdout)
    assert [d["path"] for d in report["documents"]] == [str(Path("final/memo.txt"))]


def test_include_picks_files_when_walking(tmp_path):
    _project(tmp_path, 'include = ["final/"]\n',
             documents={"drafts/memo.txt": TWO_PAGES, "final/memo.txt": TWO_PAGES})
    report = json.loads(_audit(tmp_path, ".").stdout)
    assert [d["path"] for d in report["documents"]] == [str(Path("final/memo.txt"))]


def test_extensions_choose_the_files_audited_in_folders(tmp_path):
    _project(tmp_path, 'extensions = ["tr"]\n',
             documents={"docs/memo.tr": TWO_PAGES, "docs/notes.txt": TWO_PAGES})
    report = json.loads(_audit(tmp_path, "docs").stdout)
    assert [Path(d["path"]).name for d in report["documents"]] == ["memo.tr"]


def test_fail_on_from_the_configuration_and_the_flag_overriding_it(tmp_path):
    _project(tmp_path, 'fail-on = "warning"\n')
    assert _audit(tmp_path, "docs").returncode == 1
    assert _audit(tmp_path, "docs", "--fail-on", "error").returncode == 0


# A project's own check that compares levels however unsure their reading (the shipped
# banner.consistent only compares sure ones).
LEVELS_AGREE = """\
checks:
  - id: project.levels-agree
    type: consistent
    description: Every banner gives the same level.
    marking: [banner.classification]
    field: level
    severity: warning
"""


def test_min_confidence_drops_findings_about_markings_read_below_it(tmp_path):
    _project(tmp_path, 'min-confidence = 0.9\nrules = ["levels-agree.yaml"]\n',
             documents={"docs/misread.txt": MISREAD})
    (tmp_path / "levels-agree.yaml").write_text(LEVELS_AGREE, encoding="utf-8")
    assert [rule for _, rule, _ in _findings(_audit(tmp_path, "docs"))] == [
        "release.classified-without-stamp"]
    assert "project.levels-agree" in [
        rule for _, rule, _ in _findings(_audit(tmp_path, "docs", "--min-confidence", "0.8"))]


def test_input_transcription_makes_a_missing_banner_an_error(tmp_path):
    _project(tmp_path, 'input = "transcription"\n')
    result = _audit(tmp_path, "docs")
    assert result.returncode == 1
    assert ("memo.txt", "banner.every-page", "error") in _findings(result)
    ocr = _audit(tmp_path, "docs", "--input", "ocr")
    assert ocr.returncode == 0
    assert ("memo.txt", "banner.every-page", "warning") in _findings(ocr)


def test_baseline_key_names_the_baseline_audit_uses(tmp_path):
    _project(tmp_path, 'baseline = "accepted.yaml"\n')
    created = run_markaudit("baseline", "create", "docs", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "accepted.yaml").is_file()
    assert _findings(_audit(tmp_path, "docs")) == []


# --- errors: one line, file and line, exit 2 ---------------------------------------------------

@pytest.mark.parametrize(("config", "line", "message"), [
    ('fail-on = "error"\nselct = ["banner"]\n', 2, "unknown key 'selct' (did you mean 'select'?)"),
    ('\n[severity]\n"banner.every-page" = "fatal"\n', 3,
     "severity of 'banner.every-page' must be one of error, warning, info, not 'fatal'"),
    ('ignore = ["banner.evry-page"]\n', 1,
     "'banner.evry-page' names no check (did you mean 'banner.every-page'?)"),
    ('min-confidence = 2\n', 1, "min-confidence must be a number from 0 to 1"),
    ('input = "scan"\n', 1, "input must be one of ocr, transcription, not 'scan'"),
    ('rules = ["missing.yaml"]\n', 1, "rules: missing.yaml does not exist"),
    ('select = "banner"\nignore = [\n', 2, "invalid TOML"),
    ('fail-on = "error"\nignore == 1\n', 2, "invalid TOML"),
])
def test_a_bad_configuration_is_one_line_naming_file_and_line(tmp_path, config, line, message):
    _project(tmp_path, config)
    result = _audit(tmp_path, "docs")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"markaudit: {tmp_path / 'markaudit.toml'}:{line}: "), lines[0]
    assert message in lines[0]


def test_a_bad_yaml_value_names_its_line(tmp_path):
    _project(tmp_path, "ignore: [release]\nfail-on: sometimes\n", name=".markaudit.yaml")
    result = _audit(tmp_path, "docs")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"markaudit: {tmp_path / '.markaudit.yaml'}:2: fail-on must "
                                     "be one of error, warning, info, not 'sometimes'")


def test_config_and_isolated_together_are_a_usage_error(tmp_path):
    _project(tmp_path, "")
    result = _audit(tmp_path, "docs", "--isolated", "--config", "markaudit.toml")
    assert result.returncode == 2
    assert "--config and --isolated cannot be used together" in result.stderr


@pytest.mark.parametrize(("name", "text"), [
    ("markaudit.toml", "select = " + "[" * 5000 + "]" * 5000 + "\n"),
    ("markaudit.toml", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n"),
    (".markaudit.yaml", "select: " + "[" * 100_000 + "]" * 100_000 + "\n"),
])
def test_a_deeply_nested_configuration_is_one_line_and_exit_2(tmp_path, name, text):
    _project(tmp_path, text, name=name)
    result = _audit(tmp_path, "docs")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    assert result.stderr.startswith(f"markaudit: {tmp_path / name}")


def test_each_setting_comes_from_its_flag_then_the_file_then_its_default(tmp_path: Path):
    from markaudit.project.config import Config
    from markaudit.project.settings import RunSettings

    config = Config(path=tmp_path / "markaudit.toml", exclude=("drafts/",), fail_on="warning",
                    min_confidence=None, include=())
    chosen = RunSettings.resolve(config, fail_on="info", exclude=(), include=None,
                                 min_confidence=None)
    assert chosen.fail_on == "info"  # the flag
    assert chosen.exclude == ("drafts/",)  # no patterns given: the file's
    assert chosen.min_confidence == 0.0 and chosen.input == "ocr"  # neither: the defaults
    assert RunSettings.resolve(None).fail_on == "error"
    with pytest.raises(TypeError, match="not a run setting: fail_onn"):
        RunSettings.resolve(config, fail_onn="info")
