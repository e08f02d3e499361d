"""Rule files: every problem is reported as `file:line: message`, and valid rules do their job."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

import markaudit
from markaudit.core.deadline import ReadTimeout, time_limit
from markaudit.core.errors import RuleFileError
from markaudit.engine.detect import detect
from markaudit.engine.examples import placed
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from markaudit.run.audit import default_rules_path

# A line of running text: long, with many words (a page's body, never its margin).
PROSE = "The committee met again this morning to weigh the new proposal in full."

# Four levels and one marking that checks can name; lines 1-7.
MARKINGS = """\
levels: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
markings:
  - id: banner.line
    kind: banner
    pattern: '^(?P<level>{{level}})$'
    fields: {level: level}
checks:
"""
FIRST_CHECK_LINE = MARKINGS.count("\n") + 1  # 8


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(*paths):
    with pytest.raises(RuleFileError) as raised:
        load_rules(list(paths))
    return raised.value.problems


def only_problem(path: Path):
    """The one problem a rule file has, with its rendering checked against its fields."""
    found = problems(path)
    assert len(found) == 1, "\n".join(map(str, found))
    problem = found[0]
    assert problem.path == str(path)
    where = f"{problem.line}" + (f":{problem.column}" if problem.column is not None else "")
    assert str(problem) == f"{path}:{where}: {problem.message}"
    return problem


def check_problem(tmp_path: Path, check: str):
    """The one problem of a rule file holding MARKINGS and the check given (at line 8)."""
    return only_problem(write(tmp_path, MARKINGS + textwrap.indent(textwrap.dedent(check), "  ")))


def ruleset(tmp_path: Path, text: str):
    return load_rules([write(tmp_path, text)])


def found(rules, text: str, rule_id: str | None = None):
    markings = detect(document_from_text(text), rules)
    return [m for m in markings if rule_id is None or m.rule == rule_id]


# --- YAML ---------------------------------------------------------------------------------


def test_malformed_yaml_names_its_line(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
          pattern: x
        """)
    problem = only_problem(path)
    assert problem.line == 4
    assert problem.message.startswith("invalid YAML")


def test_tab_indentation_names_its_line(tmp_path):
    path = write(tmp_path, "markings:\n  - id: a\n    kind: banner\n    pattern: x\n"
                           "\tzones: [top]\n")
    problem = only_problem(path)
    assert problem.line == 5
    assert problem.message.startswith("invalid YAML")
    assert "\\t" in problem.message or "tab character" in problem.message  # pure or libyaml


def test_duplicate_yaml_key_names_the_second(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: x
            kind: release
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "duplicate key 'kind'" in problem.message


def test_python_object_tags_are_refused(tmp_path):
    marker = tmp_path / "ran"
    path = write(tmp_path, f"""\
        description: harmless
        markings: !!python/object/apply:os.system ["touch {marker}"]
        """)
    problem = only_problem(path)
    assert problem.line == 2
    assert "python/object/apply:os.system" in problem.message
    assert not marker.exists()


def test_top_level_must_be_a_mapping(tmp_path):
    problem = only_problem(write(tmp_path, "- id: a\n  kind: banner\n"))
    assert problem.line == 1
    assert "a rule file is a mapping" in problem.message


def test_empty_rule_file_is_reported(tmp_path):
    path = write(tmp_path, "# nothing here\n")
    [problem] = problems(path)
    assert str(problem) == f"{path}: empty rule file"


def test_unknown_top_level_key(tmp_path):
    path = write(tmp_path, """\
        description: a pack
        marking:
          - id: a
        """)
    problem = only_problem(path)
    assert problem.line == 2
    assert "unknown key 'marking'" in problem.message
    assert "markings" in problem.message  # the spelling the user meant is listed


# --- markings -----------------------------------------------------------------------------


def test_unknown_marking_key(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            zone: [top]
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "marking 'a': unknown key 'zone'" in problem.message


def test_missing_id(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
          - kind: banner
            pattern: CONFIDENTIAL
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "needs an 'id'" in problem.message


def test_duplicate_id_across_files_names_the_first(tmp_path):
    first = write(tmp_path, """\
        markings:
          - id: banner.a
            kind: banner
            pattern: SECRET
        """, "first.yaml")
    second = write(tmp_path, """\
        markings:
          - id: banner.b
            kind: banner
            pattern: SECRET
          - id: banner.a
            kind: banner
            pattern: CONFIDENTIAL
        """, "second.yaml")
    [problem] = problems(first, second)
    assert (problem.path, problem.line) == (str(second), 5)
    assert f"duplicate id 'banner.a' (first defined at {first}:2)" in problem.message


@pytest.mark.parametrize("kind", ["'Banner Line'", "7", "null"])
def test_bad_kind(tmp_path, kind):
    path = write(tmp_path, f"""\
        markings:
          - id: a
            pattern: SECRET
            kind: {kind}
        """)
    problem = only_problem(path)
    assert problem.line == 4
    assert "'kind' must be a lower-case word" in problem.message


def test_missing_kind_names_the_entry(tmp_path):
    path = write(tmp_path, "markings:\n  - id: a\n    pattern: SECRET\n")
    problem = only_problem(path)
    assert problem.line == 2
    assert "'kind'" in problem.message


def test_bad_regex_names_the_line_of_the_pattern_in_the_list(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            patterns:
              - 'SECRET'
              - 'TOP (SECRET'
              - 'CONFIDENTIAL'
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "marking 'a': bad regular expression" in problem.message


def test_unknown_vocabulary_reference(tmp_path):
    path = write(tmp_path, """\
        vocabularies:
          caveat: [NOFORN]
        markings:
          - id: a
            kind: banner
            pattern: 'SECRET {{caveats}}'
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "unknown vocabulary {{caveats}}" in problem.message
    assert "caveat" in problem.message.split("defined:")[1]


def test_pattern_and_phrase_both_given(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: release
            pattern: 'Declassified'
            phrase: Declassified for publication
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "give one of phrase, stamp, banner, words, or 'pattern'" in problem.message


@pytest.mark.parametrize("extra", ["", "    patterns: []\n"])
def test_no_pattern_at_all(tmp_path, extra):
    path = write(tmp_path, "markings:\n  - id: a\n    kind: banner\n" + extra)
    problem = only_problem(path)
    assert problem.line == (2 if not extra else 4)
    assert "needs a 'pattern'" in problem.message


@pytest.mark.parametrize("edits", ["9", "-1", "two", "true"])
def test_ocr_edits_out_of_range(tmp_path, edits):
    path = write(tmp_path, f"""\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            ocr_edits: {edits}
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "'ocr_edits' must be a whole number from 0 to 5" in problem.message


def test_unknown_parser(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: release
            pattern: 'RELEASED (?P<date>\\S+)'
            fields:
              date: datum
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "unknown parser 'datum'" in problem.message
    assert "date" in problem.message.split("known:")[1]


def test_level_parser_needs_levels(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: '^(?P<level>SECRET)$'
            fields:
              level: level
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "parser 'level' needs 'levels', which no rule file defines" in problem.message


def test_field_reading_a_group_no_pattern_captures(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: release
            pattern: 'RELEASED (?P<day>\\S+)'
            fields:
              date: date
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "reads group 'date', which no pattern captures" in problem.message


def test_value_template_naming_an_unknown_field(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: release
            pattern: 'RELEASED (?P<date>\\S+)'
            fields: {date: date}
            value: "Released on {day}"
        """)
    problem = only_problem(path)
    assert problem.line == 6
    assert "'value' names unknown field(s) day" in problem.message


@pytest.mark.parametrize("zones", ["[top, middle]", "[]", "top"])
def test_bad_zones(tmp_path, zones):
    path = write(tmp_path, f"""\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            zones: {zones}
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "'zones' is a list of top, bottom, body" in problem.message


def test_bad_pages(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            pages: last
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "'pages' is 'all' or 'first'" in problem.message


def test_bad_exclude_regex_names_its_line(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            exclude:
              - 'SECRETARY'
              - 'Secret (Service'
        """)
    problem = only_problem(path)
    assert problem.line == 7
    assert "bad regular expression" in problem.message


@pytest.mark.parametrize("examples", ["{match: SECRET}", "{matches: [SECRET]}", "[SECRET]"])
def test_bad_examples(tmp_path, examples):
    path = write(tmp_path, f"""\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            examples: {examples}
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "'examples' has 'match' and 'no_match' lists of text" in problem.message


def test_bad_min_confidence(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            min_confidence: 80
        """)
    problem = only_problem(path)
    assert problem.line == 5
    assert "'min_confidence' is a number from 0 to 1" in problem.message


# --- levels and vocabularies ------------------------------------------------------------


def test_levels_differing_between_files(tmp_path):
    first = write(tmp_path, "description: one\nlevels: [CONFIDENTIAL, SECRET]\n", "a.yaml")
    second = write(tmp_path, "description: two\n\nlevels: [SECRET, CONFIDENTIAL]\n", "b.yaml")
    [problem] = problems(first, second)
    assert (problem.path, problem.line) == (str(second), 3)
    assert f"'levels' differ from those defined at {first}:2" in problem.message


def test_same_levels_in_two_files_are_fine(tmp_path):
    first = write(tmp_path, "levels: [CONFIDENTIAL, SECRET]\n", "a.yaml")
    second = write(tmp_path, "levels: [CONFIDENTIAL, SECRET]\n", "b.yaml")
    assert load_rules([first, second]).levels == ["CONFIDENTIAL", "SECRET"]


def test_level_listed_twice(tmp_path):
    path = write(tmp_path, """\
        description: levels
        levels:
          - CONFIDENTIAL
          - SECRET
          - {name: SECRET, aliases: [SEKRET]}
        """)
    problem = only_problem(path)
    assert problem.line == 2
    assert "a level is listed twice" in problem.message


def test_bad_level_entry_names_its_line(tmp_path):
    path = write(tmp_path, "levels:\n  - SECRET\n  - {name: TOP SECRET, alias: [TS]}\n")
    problem = only_problem(path)
    assert problem.line == 3
    assert "a level is a name or {name, aliases" in problem.message


def test_vocabularies_may_not_define_level(tmp_path):
    path = write(tmp_path, """\
        vocabularies:
          caveat: [NOFORN]
          level: [SECRET]
        """)
    problem = only_problem(path)
    assert problem.line == 3
    assert "the 'level' vocabulary comes from 'levels'" in problem.message


@pytest.mark.parametrize("shape", ["5", "[]", "{NOFORN: 3}", "{NOFORN: [NF, 3]}"])
def test_bad_vocabulary_shape(tmp_path, shape):
    path = write(tmp_path, f"""\
        vocabularies:
          dissem: [ORCON]
          caveat: {shape}
        """)
    problem = only_problem(path)
    assert problem.line == 3
    assert "vocabulary 'caveat' must be a non-empty list" in problem.message


# --- checks -------------------------------------------------------------------------------


def test_unknown_check_type_lists_the_known_ones(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every-page
          marking: banner.line
        """)
    assert problem.line == FIRST_CHECK_LINE + 1
    assert "unknown check type 'every-page'" in problem.message
    known = problem.message.split("known:")[1]
    for check_type in ("every_page", "consistent", "date_order"):
        assert check_type in known


def test_unknown_option_for_the_check_type(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          marking: banner.line
          scope: page
        """)
    assert problem.line == FIRST_CHECK_LINE + 3
    assert "unknown key 'scope' for type every_page" in problem.message
    assert "zones" in problem.message  # what the type does take


def test_missing_required_option(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          zones: [top]
        """)
    assert problem.line == FIRST_CHECK_LINE
    assert "type every_page needs 'marking'" in problem.message


def test_check_naming_a_marking_no_rule_defines(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          marking: banner.lines
        """)
    assert problem.line == FIRST_CHECK_LINE + 2
    assert "names marking 'banner.lines', which no rule defines" in problem.message


def test_check_glob_that_matches_nothing(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: date_order
          marking: [banner.*, release.*]
          not_after: today
        """)
    assert problem.line == FIRST_CHECK_LINE + 2
    assert "names marking 'release.*', which no rule defines" in problem.message


def test_check_glob_that_matches_is_accepted(tmp_path):
    rules = load_rules([write(tmp_path, MARKINGS + "  - {id: c, type: every_page, "
                                                   "marking: 'banner.*'}\n")])
    assert [check.id for check in rules.checks] == ["c"]


def test_bad_severity(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          marking: banner.line
          severity: fatal
        """)
    assert problem.line == FIRST_CHECK_LINE + 3
    assert "'severity' is one of error, warning, info" in problem.message


def test_message_with_unknown_placeholder(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          marking: banner.line
          message: "page {page}: no banner at the {side}"
        """)
    assert problem.line == FIRST_CHECK_LINE + 3
    assert "unknown placeholder {side}" in problem.message
    assert "zone" in problem.message.split("known:")[1]


def test_message_that_is_no_template(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: every_page
          marking: banner.line
          message: "page {page"
        """)
    assert problem.line == FIRST_CHECK_LINE + 3
    assert "'message' must be text with {placeholders}" in problem.message


@pytest.mark.parametrize(("check", "error"), [
    ("{id: c, type: every_page, marking: banner.line, zones: [top, side]}",
     "'zones' is a list of top, bottom, body"),
    ("{id: c, type: consistent, marking: banner.line, scope: chapter}",
     "'scope' must be one of document, page"),
    ("{id: c, type: consistent, marking: banner.line, ocr_edits: -1}",
     "'ocr_edits' must be a whole number, 0 or more"),
    ("{id: c, type: consistent, marking: banner.line, ocr_edits: two}",
     "'ocr_edits' must be a whole number, 0 or more"),
    ("{id: c, type: every_page, marking: banner.line, min_confidence: high}",
     "'min_confidence' must be a number"),
    ("{id: c, type: date_order, marking: banner.line, not_before: yesterday}",
     "'not_before' must be 'document', 'today' or a date YYYY-MM-DD"),
    ("{id: c, type: date_order, marking: banner.line, not_after: 2020-01-01 10:00:00}",
     "'not_after' must be 'document', 'today' or a date YYYY-MM-DD"),
])
def test_bad_option_values(tmp_path, check, error):
    problem = check_problem(tmp_path, "- " + check + "\n")
    assert problem.line == FIRST_CHECK_LINE
    assert f"check 'c': {error}" in problem.message


def test_impossible_yaml_date_is_a_problem_with_its_line(tmp_path):
    problem = check_problem(tmp_path, """\
        - id: c
          type: date_order
          marking: banner.line
          not_before: 1992-13-01
        """)
    assert problem.line == FIRST_CHECK_LINE + 3
    assert "invalid date '1992-13-01'" in problem.message


def test_check_on_a_broken_marking_reports_the_marking_only(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: '(SECRET'
        checks:
          - {id: c, type: every_page, marking: a}
        """)
    problem = only_problem(path)
    assert problem.line == 4
    assert "bad regular expression" in problem.message


def test_check_and_marking_ids_share_one_namespace(tmp_path):
    problem = check_problem(tmp_path, "- {id: banner.line, type: every_page, marking: "
                                      "banner.line}\n")
    assert problem.line == FIRST_CHECK_LINE
    assert "duplicate id 'banner.line'" in problem.message


# --- paths and many problems ------------------------------------------------------------


def test_missing_rules_path(tmp_path):
    missing = tmp_path / "nope.yaml"
    [problem] = problems(missing)
    assert str(problem) == f"{missing}: no such rule file or folder"


def test_folder_without_yaml(tmp_path):
    (tmp_path / "README.txt").write_text("no rules here\n", encoding="utf-8")
    [problem] = problems(tmp_path)
    assert str(problem) == f"{tmp_path}: folder holds no .yaml rule file"


def test_folder_is_read_recursively(tmp_path):
    write(tmp_path, "levels: [CONFIDENTIAL, SECRET]\n", "pack/levels.yaml")
    write(tmp_path, "markings:\n  - {id: b, kind: banner, pattern: '^(?P<level>{{level}})$',"
          " fields: {level: level}}\n", "pack/sub/banner.yml")
    rules = load_rules([tmp_path / "pack"])
    assert [rule.id for rule in rules.markings] == ["b"]
    assert rules.levels == ["CONFIDENTIAL", "SECRET"]


def test_every_problem_in_every_file_is_reported_together(tmp_path):
    first = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: '(SECRET'
          - id: b
            kind: Banner
            pattern: SECRET
        """, "first.yaml")
    second = write(tmp_path, """\
        checks:
          - id: c
            type: every_page
            marking: nowhere
            severity: loud
        """, "second.yaml")
    broken = write(tmp_path, "markings: [\n", "third.yaml")
    missing = tmp_path / "fourth.yaml"
    where = {(p.path, p.line) for p in problems(first, second, broken, missing)}
    assert where == {
        (str(first), 4), (str(first), 6),
        (str(second), 4), (str(second), 5),
        (str(broken), 2),
        (str(missing), None),
    }


def test_rule_file_error_lists_every_problem_on_its_own_line(tmp_path):
    path = write(tmp_path, """\
        markings:
          - id: a
            kind: banner
            pattern: SECRET
            ocr_edits: 9
            pages: last
        """)
    with pytest.raises(RuleFileError) as raised:
        load_rules([path])
    assert str(raised.value).splitlines() == [
        f"{path}:5:16: marking 'a': 'ocr_edits' must be a whole number from 0 to 5",
        f"{path}:6:12: marking 'a': 'pages' is 'all' or 'first'",
    ]


# --- what valid rules do ----------------------------------------------------------------


def test_shipped_pack_loads_without_problems():
    rules = load_rules([default_rules_path()])
    assert "banner.classification" in {rule.id for rule in rules.markings}
    assert "banner.every-page" in {check.id for check in rules.checks}
    assert rules.levels[-1] == "TOP SECRET"


def test_phrase_with_ocr_edits_matches_damaged_text(tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - id: release.frus
            kind: release
            phrase: Declassified for Publication in Foreign Relations
            ocr_edits: 3
        """)
    [marking] = found(rules, "Declasified for Pub1ication in\nForeign Relatons\n")
    assert marking.rule == "release.frus"
    assert marking.line == 1
    assert 0 < marking.confidence < 1.0
    assert not found(rules, "Declassified for Export\n")


def test_a_phrase_takes_the_packs_ocr_policy_and_ocr_edits_0_asks_for_the_exact_words(
        tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - {id: r, kind: release, phrase: Declassified for Publication}
        """)
    assert found(rules, "declassified   for\npublication\n")  # spacing and case do not matter
    assert found(rules, "Declasified for Publication\n")
    exact = ruleset(tmp_path, """\
        markings:
          - {id: r, kind: release, phrase: Declassified for Publication, ocr_edits: 0}
        """)
    assert not found(exact, "Declasified for Publication\n")


LEVEL_RULE = """\
    levels: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
    markings:
      - id: banner
        kind: banner
        pattern: '^(?P<level>{{level}})$'
        ocr_edits: 1
        fields: {level: level}
        value: "{level}"
    """


def test_level_vocabulary_with_ocr_edits_reads_damaged_banner(tmp_path):
    rules = ruleset(tmp_path, LEVEL_RULE)
    [marking] = found(rules, "T0P SECRFT\n")
    assert marking.text == "T0P SECRFT"
    assert marking.value == "TOP SECRET"
    assert marking.fields["level"] == "TOP SECRET"
    assert marking.confidence < 1.0
    [clean] = found(rules, "TOP SECRET\n")
    assert clean.confidence == 1.0


def test_damaged_banner_above_an_exact_one_is_found_too(tmp_path):
    rules = ruleset(tmp_path, LEVEL_RULE)
    markings = found(rules, "T0P SECRFT\n" + "\n".join([PROSE] * 8) + "\nTOP SECRET\n")
    assert [(m.line, m.value, m.confidence < 1.0) for m in markings] == [
        (1, "TOP SECRET", True), (10, "TOP SECRET", False)]


def test_caveats_are_all_read_even_when_one_is_damaged(tmp_path):
    rules = ruleset(tmp_path, """\
        levels: [CONFIDENTIAL, SECRET, TOP SECRET]
        vocabularies:
          caveat: {NOFORN: [NO FOREIGN DISSEM], EYES ONLY: []}
        markings:
          - id: banner
            kind: banner
            pattern: '^(?P<level>{{level}})(?P<caveats>(?:[ /-]+{{caveat}})*)$'
            ocr_edits: 1
            fields: {level: level, caveats: caveats}
        """)
    [marking] = found(rules, "TOP SECRET -- NOFORM/EYES ONLY\n")
    assert marking.fields["caveats"] == ["NOFORN", "EYES ONLY"]


def test_level_vocabulary_without_ocr_edits_misses_damaged_banner(tmp_path):
    rules = ruleset(tmp_path, LEVEL_RULE.replace("ocr_edits: 1", "ocr_edits: 0"))
    assert not found(rules, "TOP SECRFT\n")
    assert found(rules, "TOP SECRET\n")


def test_case_sensitive(tmp_path):
    rule = "markings:\n  - {id: code, kind: control-number, pattern: 'CH-\\d+'%s}\n"
    sensitive = ruleset(tmp_path, rule % ", case_sensitive: true")
    assert found(sensitive, "CH-702\n")
    assert not found(sensitive, "ch-702\n")
    insensitive = load_rules([write(tmp_path, rule % "", "other.yaml")])
    assert found(insensitive, "ch-702\n")


def test_exclude_drops_a_match(tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - id: banner
            kind: banner
            pattern: '\\bSECRET\\b'
            exclude: ['SECRET SERVICE']
        """)
    assert found(rules, "SECRET\n")
    assert not found(rules, "SECRET SERVICE\n")


def test_zones_restrict_where_a_marking_is_found(tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - {id: banner, kind: banner, pattern: '^SECRET$', zones: [top, bottom]}
        """)
    body = "\n".join([PROSE] * 6)
    text = f"SECRET\n{body}\nSECRET\n{body}\nSECRET\n"
    assert [(m.line, m.zone) for m in found(rules, text)] == [(1, "top"), (15, "bottom")]


def test_pages_first_finds_a_marking_on_page_one_only(tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - {id: date, kind: document-date, pattern: '^DATE \\d+$', pages: first}
          - {id: any-date, kind: other-date, pattern: '^DATE \\d+$'}
        """)
    markings = found(rules, "DATE 1\nbody\n\fDATE 2\nbody\n")
    assert sorted((m.rule, m.page) for m in markings) == [
        ("any-date", 1), ("any-date", 2), ("date", 1)]


def test_set_constants_appear_in_fields(tmp_path):
    rules = ruleset(tmp_path, """\
        markings:
          - id: release
            kind: release
            pattern: 'RELEASED (?P<year>\\d{4})'
            fields: {year: int}
            set: {issuer: STATE, program: FRUS}
            value: "{issuer} {year}"
        """)
    [marking] = found(rules, "RELEASED 1996\n")
    assert dict(marking.fields) == {"year": 1996, "issuer": "STATE", "program": "FRUS"}
    assert marking.value == "STATE 1996"


def test_min_confidence_drops_weak_matches(tmp_path):
    rule = """\
        markings:
          - id: banner
            kind: banner
            phrase: CONFIDENTIAL
            ocr_edits: 2
            min_confidence: %s
        """
    strict = ruleset(tmp_path, rule % "0.9")
    assert found(strict, "CONFIDENTIAL\n")
    assert not found(strict, "COMFIDENTIAK\n")  # two edits in twelve letters: 0.833
    lenient = load_rules([write(tmp_path, rule % "0.8", "lenient.yaml")])
    assert found(lenient, "COMFIDENTIAK\n")


# --- the examples of the shipped pack ---------------------------------------------------


def _shipped_examples():
    try:
        pack = load_rules([default_rules_path()])
    except RuleFileError:
        return []  # test_shipped_pack_loads_without_problems reports why
    return [
        pytest.param(rule.id, expected, text, id=f"{rule.id}-{expected}-{index}")
        for rule in pack.markings
        for expected in ("match", "no_match")
        for index, text in enumerate(rule.examples.get(expected, ()))
    ]


SHIPPED_EXAMPLES = _shipped_examples()


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def test_shipped_pack_has_examples_to_test():
    assert any(expected == "match" for _, expected, _ in (p.values for p in SHIPPED_EXAMPLES))
    assert any(expected == "no_match" for _, expected, _ in (p.values for p in SHIPPED_EXAMPLES))


EXAMPLE_SECONDS = 5  # an example takes milliseconds; a runaway fuzzy pattern takes minutes


@pytest.mark.parametrize(("rule_id", "expected", "text"), SHIPPED_EXAMPLES)
def test_shipped_rule_examples(pack, rule_id, expected, text):
    [rule] = [r for r in pack.markings if r.id == rule_id]
    alone = dataclasses.replace(pack, markings=(rule,), checks=())
    try:  # fail, rather than hang the suite, on a runaway pattern
        with time_limit(EXAMPLE_SECONDS):
            markings = detect(document_from_text(placed(rule, text)), alone)
    except ReadTimeout:
        pytest.fail(f"{rule_id} on its example {text!r} took more than {EXAMPLE_SECONDS} s")
    if expected == "match":
        assert markings, f"{rule_id} does not find its example {text!r}"
    else:
        assert not markings, (f"{rule_id} finds its no_match example {text!r}: "
                              f"{[m.text for m in markings]}")


def test_example_test_would_catch_a_broken_example(tmp_path):
    # The same machinery, on a rule whose example its pattern does not match.
    rules = ruleset(tmp_path, """\
        markings:
          - id: banner
            kind: banner
            pattern: '^SECRET$'
            examples: {match: [SECRET, CONFIDENTIAL], no_match: [SECRETARY]}
        """)
    [rule] = rules.markings
    hits = {text: bool(detect(document_from_text(placed(rule, text)), rules))
            for text in (*rule.examples["match"], *rule.examples["no_match"])}
    assert hits == {"SECRET": True, "CONFIDENTIAL": False, "SECRETARY": False}


def test_line_filters_search_only_short_lines_in_capitals(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "markings:\n"
        "  - {id: word, kind: keyword, pattern: '\\bsecret\\b', max_line_length: 20,\n"
        "     min_capitals: 0.5}\n", encoding="utf-8")
    text = "SECRET\nsecret\nSECRET but on a line far too long to be a banner\n"
    report = markaudit.audit_text(text, rules=[rules], default_rules=False)
    assert [m.line for m in report.documents[0].markings] == [1]


def test_line_ends_with_searches_only_lines_that_end_so(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "vocabularies:\n"
        "  grade: [SECRET, CONFIDENTIAL]\n"
        "markings:\n"
        "  - id: slug\n"
        "    kind: banner\n"
        "    pattern: '^(?P<slug>[A-Z]+) +(?P<grade>{{grade}})'\n"
        "    line_ends_with: '{{grade}}[.]?'\n"
        "    ocr_edits: 1\n"
        "    max_line_length: 40\n", encoding="utf-8")
    # the pattern alone would match all four; only lines ending with a level are searched,
    # the level read within its OCR edit ("SECRFT")
    text = "RYBAT SECRET\nRYBAT SECRET meeting\nKAPOK SECRFT.\nRYBAT CONFIDENTIAL here\n"
    report = markaudit.audit_text(text, rules=[rules], default_rules=False)
    assert [m.line for m in report.documents[0].markings] == [1, 3]


@pytest.mark.parametrize(("keys", "message"), [
    ("    line_ends_with: 'x'\n", "'line_ends_with' needs 'max_line_length'"),
    ("    max_line_length: 20\n    line_ends_with: 'SECRET(('\n",
     "bad regular expression: missing ) at position 8"),  # a place in what was written
    ("    max_line_length: 20\n    line_ends_with: '{{nowhere}}'\n",
     "unknown vocabulary {{nowhere}}"),
])
def test_a_bad_line_ends_with_is_named_on_its_line(tmp_path, keys, message):
    rules = tmp_path / "rules.yaml"
    rules.write_text("markings:\n  - id: word\n    kind: keyword\n    pattern: 'x'\n" + keys,
                     encoding="utf-8")
    problem = only_problem(rules)
    assert problem.line == 4 + keys.count("\n")
    assert message in problem.message


def test_min_capitals_needs_max_line_length(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("markings:\n  - {id: word, kind: keyword, pattern: 'x', min_capitals: 0.5}\n",
                     encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules([rules])
    assert "'min_capitals' needs 'max_line_length'" in str(caught.value.problems[0])
