"""`markaudit rules ...`: list, explain, validate and test rule packs from the command line."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, ROOT, run_markaudit


def test_rules_list_shows_markings_and_checks_with_their_files():
    result = run_markaudit("rules", "list")
    assert result.returncode == 0
    rows = result.stdout.splitlines()
    assert any(r.startswith("banner.classification") and "banners.yaml" in r for r in rows)
    assert any(r.startswith("banner.every-page") and "every_page" in r and "info" in r
               for r in rows)


def test_rules_explain_a_check_prints_its_options_and_type_documentation():
    result = run_markaudit("rules", "explain", "banner.every-page")
    assert result.returncode == 0
    assert "type: every_page" in result.stdout
    assert "zones: ['top', 'bottom']" in result.stdout
    assert "32 CFR 2001.20" in result.stdout  # from the check type's docstring


def test_rules_explain_a_marking_prints_patterns_and_examples():
    result = run_markaudit("rules", "explain", "banner.when-filled-in")
    assert "{{level}}" in result.stdout
    assert ("matches: 'SECRET : CECT Dee on ceuinols\\n(When Filled In) NO BISSEM ABRCAD/BAGt a'"
            in result.stdout)
    assert "does not match: 'SECRETARY OF STATE\\n(When Filled In)'" in result.stdout


def test_rules_explain_a_declarative_marking_prints_it_as_written_then_compiled():
    result = run_markaudit("rules", "explain", "release.cia-crest")
    assert result.returncode == 0
    assert ("  phrase (as written):\n    [{extent}] Approved For Release {date} [{colon}] "
            "[{document_id}]\n  compiled to:\n") in result.stdout
    assert "[o0Q]ved\\s+F[o0Q]r\\s+Re[l1I\\|]ea[s5]e){e<=3}" in result.stdout


@pytest.mark.parametrize(("name", "shown"), [
    ("stamp", "stamp: several phrases printed together"),
    ("date", "date: a date in any of the archive's usual forms"),
    ("code", "code: a small regular expression for one slot"),
    ("keys", "  gap_lines: how many lines of other text may stand between two lines"),
])
def test_rules_explain_documents_kinds_slot_types_and_keys(name, shown):
    result = run_markaudit("rules", "explain", name)
    assert result.returncode == 0
    assert shown in result.stdout


def test_rules_explain_a_check_type():
    result = run_markaudit("rules", "explain", "date_order")
    assert result.returncode == 0
    assert "not_before" in result.stdout


def test_rules_explain_unknown_name_exits_2():
    result = run_markaudit("rules", "explain", "no.such.rule")
    assert result.returncode == 2
    assert "no rule, check type, marking kind or slot type named 'no.such.rule'" in result.stderr


def test_rules_validate_reports_every_problem_at_once(tmp_path):
    first = tmp_path / "a.yaml"
    first.write_text("markings:\n  - id: a\n    kind: banner\n    pattern: '('\n",
                     encoding="utf-8")
    second = tmp_path / "b.yaml"
    second.write_text("checks:\n  - id: b\n    type: every_page\n    marking: nothing\n",
                      encoding="utf-8")
    result = run_markaudit("rules", "validate", str(tmp_path))
    assert result.returncode == 2
    assert f"{first}:4:14: marking 'a': bad regular expression" in result.stderr
    assert f"{second}:4:14: check 'b': 'marking' names marking 'nothing'" in result.stderr


def test_rules_validate_the_shipped_pack_is_clean():
    result = run_markaudit("rules", "validate", str(ROOT / "rules"))
    assert result.returncode == 0
    assert "no problem found" in result.stdout


def test_rules_test_passes_on_the_seed_fixture():
    result = run_markaudit("rules", "test", str(FIXTURES / "frus-1962-10-27-inr.expect.yaml"))
    assert result.returncode == 0
    assert "1 passed, 0 failed" in result.stdout


def test_rules_test_prints_misses_and_fails(tmp_path):
    expect = tmp_path / "seed.expect.yaml"
    expect.write_text(
        f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}\nkinds: [banner]\nmarkings:\n"
        "  - {rule: banner.classification, page: 1, line: 29}\n", encoding="utf-8")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert "unexpected marking: rule='banner.classification', page=2, line=46" in result.stdout


# --- rules test: which markings an expectation file compares ---------------------------------


def _expectation(tmp_path, body: str):
    expect = tmp_path / "seed.expect.yaml"
    expect.write_text(f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}\n{body}",
                      encoding="utf-8")
    return expect


def test_rules_test_without_kinds_checks_only_the_rules_the_file_lists(tmp_path):
    expect = _expectation(tmp_path, "markings:\n  - {rule: release.frus, page: 1, line: 37}\n"
                          "  - {rule: release.frus, page: 2, line: 68}\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [f"ok  {expect}", "1 passed, 0 failed"]


def test_rules_test_without_kinds_still_fails_on_an_extra_of_a_listed_rule(tmp_path):
    expect = _expectation(tmp_path, "markings:\n  - {rule: release.frus, page: 1, line: 37}\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"FAIL  {expect}"
    assert lines[1].startswith("      unexpected marking: rule='release.frus', page=2, line=68")
    assert lines[2:] == ["0 passed, 1 failed"]
    assert "banner.classification" not in result.stdout


def test_rules_test_kinds_all_fails_on_a_marking_of_any_rule(tmp_path):
    expect = _expectation(tmp_path, "kinds: all\nmarkings:\n"
                          "  - {rule: release.frus, page: 1, line: 37}\n"
                          "  - {rule: release.frus, page: 2, line: 68}\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 1
    assert "unexpected marking: rule='banner.classification', page=1, line=29" in result.stdout


def test_rules_test_rules_key_pins_a_rule_that_must_find_nothing(tmp_path):
    quiet = _expectation(tmp_path, "rules: [release.cia-crest]\nmarkings: []\n")
    assert run_markaudit("rules", "test", str(quiet)).returncode == 0
    loud = _expectation(tmp_path, "rules: [release.frus]\nmarkings: []\n")
    result = run_markaudit("rules", "test", str(loud))
    assert result.returncode == 1
    assert "unexpected marking: rule='release.frus', page=1, line=37" in result.stdout


def test_rules_test_empty_markings_without_kinds_means_no_marking_at_all(tmp_path):
    expect = _expectation(tmp_path, "markings: []\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 1
    assert "unexpected marking: rule='banner.classification', page=1, line=29" in result.stdout


def test_rules_test_a_kinds_value_that_is_not_a_list_is_one_line_and_exit_2(tmp_path):
    expect = _expectation(tmp_path, "kinds: banner\nmarkings: []\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 2
    assert result.stderr == (f"markaudit: {expect}: 'kinds' must be a list of kind names "
                             "or 'all'\n")


# --- rules list: one line per rule in a pipe, filters ---------------------------------------

PACK = """\
markings:
  - id: my.sanitized-copy
    kind: release
    description: >
      The library's stamp "SANITIZED COPY FOR RELEASE" with its year. Written here over
      several lines, as long descriptions are.
    pattern: 'SANITIZED COPY FOR RELEASE (?P<year>\\d{4})'
  - id: my.grading
    kind: grading
    description: A British grading ("1. (S) MOST SECRET"), as the U.S. Army read it. Rare.
    phrase: MOST SECRET
checks:
  - id: my.grading-every-page
    type: every_page
    severity: warning
    description: A grading on every page.
    marking: my.grading
    message: page {page} has no grading
"""


def _list(tmp_path, *args: str):
    (tmp_path / "my.yaml").write_text(PACK, encoding="utf-8")
    return run_markaudit("rules", "list", *args, "--no-default-rules", "--rules", str(tmp_path))


def test_rules_list_in_a_pipe_prints_one_tab_separated_line_per_rule(tmp_path):
    result = _list(tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.split("\t") for line in result.stdout.splitlines()] == [
        ["my.sanitized-copy", "release (pattern)", "",
         "The library's stamp \"SANITIZED COPY FOR RELEASE\" with its year", "my.yaml:2"],
        ["my.grading", "grading", "",
         "A British grading (\"1. (S) MOST SECRET\"), as the U.S. Army read it", "my.yaml:8"],
        ["my.grading-every-page", "every_page", "warning", "A grading on every page",
         "my.yaml:13"]]


def test_rules_list_filters_on_id_and_description_in_any_case(tmp_path):
    assert [line.split("\t")[0] for line in _list(tmp_path, "SANITIZ").stdout.splitlines()] \
        == ["my.sanitized-copy"]
    assert [line.split("\t")[0] for line in _list(tmp_path, "Grading").stdout.splitlines()] \
        == ["my.grading", "my.grading-every-page"]
    # in the description beyond its first sentence
    assert _list(tmp_path, "over several").stdout.startswith("my.sanitized-copy\t")


def test_rules_list_kind_selects_marking_kinds_check_types_and_raw_patterns(tmp_path):
    def ids(*args: str) -> list[str]:
        return [line.split("\t")[0] for line in _list(tmp_path, *args).stdout.splitlines()]

    assert ids("--kind", "grading") == ["my.grading"]
    assert ids("--kind", "release", "--kind", "every_page") == [
        "my.sanitized-copy", "my.grading-every-page"]
    assert ids("--kind", "pattern") == ["my.sanitized-copy"]
    assert ids("--kind", "every_page", "grading") == ["my.grading-every-page"]  # both hold


def test_rules_list_an_unknown_kind_is_one_line_and_exit_2(tmp_path):
    result = _list(tmp_path, "--kind", "gradings")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("markaudit: --kind 'gradings': no marking kind or check type of "
                             "that name (did you mean 'grading'?)\n")


def test_rules_list_matching_nothing_prints_nothing_and_says_so(tmp_path):
    result = _list(tmp_path, "no such words")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "markaudit: no rule matches\n"
    empty = run_markaudit("rules", "list", "--no-default-rules")
    assert (empty.returncode, empty.stdout) == (0, "")
    assert empty.stderr == "markaudit: no rules loaded (add --rules PATH)\n"


def test_rules_list_of_the_shipped_pack_keeps_every_id_on_its_line():
    """`rules list | grep sanitiz` finds the ids: every line that mentions it starts with one."""
    from markaudit.engine.rules import load_rules
    from markaudit.run.audit import default_rules_path

    pack = load_rules([default_rules_path()])
    rules = [*pack.markings, *pack.checks]
    lines = run_markaudit("rules", "list").stdout.splitlines()
    assert len(lines) == len(rules)
    wanted = {r.id for r in rules if "sanitiz" in (r.id + " " + r.description).lower()}
    assert wanted
    assert {line.split("\t")[0] for line in lines if "sanitiz" in line.lower()} <= wanted
    assert {line.split("\t")[0] for line in
            run_markaudit("rules", "list", "sanitiz").stdout.splitlines()} == wanted


def test_rules_list_on_a_terminal_is_a_table(tmp_path):
    import os
    import pty
    import subprocess
    import sys

    (tmp_path / "my.yaml").write_text(PACK, encoding="utf-8")
    leader, follower = pty.openpty()
    environment = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    process = subprocess.run(
        [sys.executable, "-m", "markaudit", "rules", "list", "--no-default-rules", "--rules",
         str(tmp_path)], stdout=follower, stderr=subprocess.PIPE, env=environment,
        cwd=ROOT, timeout=120)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once everything is read
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.returncode == 0
    text = output.decode()
    assert "kind / type" in text and "\t" not in text
    assert "release (pattern)" in text


def test_rules_test_a_misspelt_rule_or_kind_to_compare_is_one_line_each_and_exit_2(tmp_path):
    expect = _expectation(tmp_path, "kinds: [banners]\nrules: [release.fru]\nmarkings: []\n")
    result = run_markaudit("rules", "test", str(expect))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"markaudit: {expect}: 'kinds' names 'banners', which no active rule has "
        "(did you mean 'banner'?)",
        f"markaudit: {expect}: 'rules' names 'release.fru', which no active rule has "
        "(did you mean 'release.frus'?)"]


def test_rules_explain_a_built_in_finding_gives_its_severity_and_who_makes_it():
    result = run_markaudit("rules", "explain", "markaudit.not-audited")
    assert result.returncode == 0
    assert "built-in finding markaudit.not-audited" in result.stdout
    assert "severity: error" in result.stdout and "made by: reading" in result.stdout
    listing = run_markaudit("rules", "explain", "builtin").stdout
    for finding in ("markaudit.rule-timeout", "markaudit.needs-ocr",
                    "markaudit.misspelled-marking", "markaudit.unused-baseline-entry"):
        assert f"built-in finding {finding}\n" in listing
