"""Declarative rule kinds (phrase, stamp, banner, words): an archivist writes a rule without a
regex, and `rules validate` tells them, located, what is wrong with it."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import markaudit
from markaudit.core.errors import RuleFileError
from markaudit.engine.kinds import KINDS
from markaudit.engine.rules import load_rules
from tests.conftest import ROOT, run_markaudit

LEVELS = """\
vocabularies:
  caveat: {NOFORN: [NO FOREIGN DISSEM], EYES ONLY: []}
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(LEVELS + textwrap.dedent(text), encoding="utf-8")
    return path


def markings(tmp_path: Path, rules: str, text: str) -> list[markaudit.Marking]:
    pack = load_rules([write(tmp_path, rules)])
    return markaudit.audit_text(text, pack).documents[0].markings


SANITIZED = """\
markings:
  - id: release.sanitized-copy
    kind: release
    phrase: SANITIZED COPY FOR RELEASE {year}
    set: {issuer: CIA}
    value: "Sanitized copy for release {year}"
"""


def test_a_phrase_with_a_year_slot_reads_the_year_as_a_field(tmp_path):
    [marking] = markings(tmp_path, SANITIZED, "Memo\n\nSANITIZED COPY FOR RELEASE 1998\n")
    assert marking.fields == {"year": 1998, "issuer": "CIA"}
    assert marking.value == "Sanitized copy for release 1998"
    assert marking.confidence == 1.0


def test_a_phrase_takes_ocr_damage_within_the_packs_policy_with_lower_confidence(tmp_path):
    [marking] = markings(tmp_path, SANITIZED, "SANITIZED C0PY FOR RELEASF\n2001\n")
    assert marking.fields["year"] == 2001
    assert marking.confidence < 1.0


def test_a_phrase_does_not_match_prose_or_a_year_out_of_range(tmp_path):
    assert not markings(tmp_path, SANITIZED, "A sanitized copy was released in 1998.\n")
    assert not markings(tmp_path, SANITIZED, "SANITIZED COPY FOR RELEASE 3001\n")


def test_the_packs_ocr_policy_is_declared_once_and_a_rule_tightens_it(tmp_path):
    strict = SANITIZED.replace("    set:", "    ocr_edits: 0\n    set:")
    assert not markings(tmp_path, strict, "SANITIZED C0PY FOR RELEASF 2001\n")
    no_fuzz = "ocr: {max_edits: 0}\n" + SANITIZED
    assert not markings(tmp_path, no_fuzz, "SANITIZED C0PY FOR RELEASF 2001\n")
    assert markings(tmp_path, no_fuzz, "SANITIZED COPY FOR RELEASE 2001\n")


NARA = """\
markings:
  - id: release.nara
    kind: release
    stamp:
      - DECLASSIFIED
      - Authority NND {authority}
      - optional: By {reviewer} NARA Date {date}
    slots: {authority: number, reviewer: name}
    set: {issuer: NARA}
"""


def test_a_stamp_reads_its_lines_and_their_slots(tmp_path):
    [marking] = markings(tmp_path, NARA, "DECLASSIFIED\nAuthority NND 959000\n\n"
                                         "By JK NARA Date 5/3/05\n")
    assert marking.fields == {"authority": "959000", "reviewer": "JK", "date": "2005-05-03",
                              "issuer": "NARA"}


def test_a_stamp_without_its_optional_line_is_found_and_without_a_required_one_is_not(
        tmp_path):
    [marking] = markings(tmp_path, NARA, "DECLASSIFIED\nAuthority NND 959000\n")
    assert marking.fields["authority"] == "959000"
    assert "date" not in marking.fields
    assert not markings(tmp_path, NARA, "DECLASSIFIED\nThe memo follows.\n")


def test_a_stamp_allows_a_line_of_debris_between_its_lines_but_not_a_page_of_prose(tmp_path):
    assert markings(tmp_path, NARA, "DECLASSIFIED\n~ ' .\nAuthority NND 959000\n")
    prose = "The committee met again to weigh the proposal.\n" * 4
    assert not markings(tmp_path, NARA, f"DECLASSIFIED\n{prose}Authority NND 959000\n")


def test_words_finds_any_term_of_a_list_as_its_canonical_form(tmp_path):
    rules = """\
    markings:
      - id: caveat.alone
        kind: caveat
        words: caveat
        line: whole
    """
    found = markings(tmp_path, rules, "NO FOREIGN DISSEM\n\nThe eyes only copy went out.\n")
    assert [(m.text, m.fields["term"]) for m in found] == [("NO FOREIGN DISSEM", "NOFORN")]


def test_words_fills_the_field_its_rule_names_and_a_check_reads_it(tmp_path):
    rules = """\
markings:
  - id: handling.limdis
    kind: handling
    words: [LIMDIS, LIMITED DISTRIBUTION]
    field: handling
    value: "{handling}"
checks:
  - id: handling.one
    type: consistent
    marking: handling.limdis
    field: handling
    severity: warning
"""
    [marking] = markings(tmp_path, rules, "LIMITED DISTRIBUTI0N\n")
    assert (marking.value, marking.fields) == ("LIMITED DISTRIBUTION",
                                               {"handling": "LIMITED DISTRIBUTION"})
    [line] = validate(tmp_path, """\
    markings:
      - id: caveat.pattern
        kind: caveat
        pattern: 'NOFORN'
        field: caveat
    """)
    assert line.endswith("'field' would be ignored: it belongs to a declarative kind "
                         "(phrase, stamp, banner, words)")


def test_a_banner_rule_is_built_from_the_packs_levels_and_caveats(tmp_path):
    rules = """\
    levels: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
    markings:
      - id: banner.line
        kind: banner
        banner: {levels: [level], caveats: [caveat]}
    """
    text = "T0P SECRET -- EYES ONLY\n\nThe Secretary of State met the press.\n\nSECRET/NOFORN\n"
    found = markings(tmp_path, rules, text)
    assert [(m.fields["level"], m.fields.get("caveats")) for m in found] == [
        ("TOP SECRET", ["EYES ONLY"]), ("SECRET", ["NOFORN"])]
    assert found[0].confidence < 1.0


# --- rules validate: every problem located --------------------------------------------


def validate(tmp_path: Path, rules: str) -> list[str]:
    result = run_markaudit("rules", "validate", "--no-default-rules", str(write(tmp_path, rules)))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_validate_runs_the_examples_and_locates_a_broken_one(tmp_path):
    rules = SANITIZED + """\
    examples:
      match: ["SANITIZED COPY FOR RELEASE 1998", "COPY FOR RELEASE"]
      no_match: ["SANITIZED COPY FOR RELEASE 1999"]
"""
    path = tmp_path / "rules.yaml"
    lines = validate(tmp_path, rules)
    line = LEVELS.count("\n") + 8
    assert lines == [
        f"markaudit: {path}:{line}:50: marking 'release.sanitized-copy': does not find its "
        "example 'COPY FOR RELEASE'",
        f"markaudit: {path}:{line + 1}:18: marking 'release.sanitized-copy': finds its "
        "no_match example 'SANITIZED COPY FOR RELEASE 1999' (as 'SANITIZED COPY FOR RELEASE "
        "1999')"]


def test_validate_names_an_unknown_slot_type_with_a_suggestion(tmp_path):
    [line] = validate(tmp_path, SANITIZED.replace("{year}", "{year:yaer}"))
    assert line.endswith(f"rules.yaml:{LEVELS.count(chr(10)) + 4}:13: marking "
                         "'release.sanitized-copy': slot {year} has unknown type 'yaer' "
                         "(did you mean 'year'?) (types: date, full_date, year, number, name, "
                         "text, rest, rdp, jfk_record, case_number, code, caveat)")


def test_validate_names_a_slot_typed_but_never_used(tmp_path):
    [line] = validate(tmp_path, SANITIZED + "    slots: {case: number}\n")
    assert line.endswith(":9:13: marking 'release.sanitized-copy': slot 'case' is typed in "
                         "'slots' but no phrase names {case}")


def test_validate_suggests_the_key_meant_for_a_misspelt_one(tmp_path):
    [line] = validate(tmp_path, SANITIZED.replace("    set:", "    phrse: x\n    set:"))
    assert "unknown key 'phrse' (did you mean 'phrase'?)" in line
    assert f"rules.yaml:{LEVELS.count(chr(10)) + 5}:5:" in line


@pytest.mark.parametrize(("extra", "message"), [
    ("    gap_lines: 2\n",
     "'gap_lines' would be ignored: a phrase rule reads phrase, slots, line, punctuation, "
     "one_line"),
    ("    anchors: [SANITIZED]\n",
     "'anchors' is not needed: the engine works it out for a phrase rule"),
])
def test_validate_reports_a_key_that_would_be_ignored(tmp_path, extra, message):
    [line] = validate(tmp_path, SANITIZED + extra)
    assert line.endswith(message)


def test_validate_reports_ocr_edits_a_pattern_would_ignore(tmp_path):
    [line] = validate(tmp_path, """\
    markings:
      - id: release.pattern
        kind: release
        pattern: 'SANITIZED COPY'
        ocr_edits: 2
    """)
    assert "'ocr_edits' would be ignored" in line


def test_a_phrase_holding_colon_space_unquoted_gets_a_hint_to_quote_it(tmp_path):
    [line] = validate(tmp_path, SANITIZED.replace(
        "phrase: SANITIZED COPY FOR RELEASE {year}",
        "phrase: Approved For Release {date} : {year}"))
    assert "must be put in quotes" in line


@pytest.mark.parametrize(("phrase", "column"), [
    ("phrase: {year} SANITIZED COPY FOR RELEASE", 20),
    ("phrase: [SANITIZED] COPY FOR RELEASE {year}", 25),
    ("stamp:\n      - SANITIZED COPY\n      - {year} FOR RELEASE", 16),
])
def test_a_phrase_starting_with_a_brace_or_bracket_unquoted_gets_a_hint_to_quote_it(
        tmp_path, phrase, column):
    [line] = validate(tmp_path, SANITIZED.replace(
        "phrase: SANITIZED COPY FOR RELEASE {year}", phrase))
    assert line.endswith("must be put in quotes")
    assert f":{column}: invalid YAML: did not find expected" in line


def test_a_broken_stamp_line_is_located_at_the_line(tmp_path):
    rules = NARA.replace("Authority NND {authority}", "Authority NND {authority")
    with pytest.raises(RuleFileError) as error:
        load_rules([write(tmp_path, rules)])
    [problem] = error.value.problems
    assert (problem.line, problem.column) == (LEVELS.count("\n") + 6, 9)
    assert problem.message.endswith("a '{' that opens no slot: write {name}, or {name:type}")


def test_three_dots_stand_for_a_few_characters_of_debris_on_the_line(tmp_path):
    rules = """\
    markings:
      - id: footer
        kind: control-number
        phrase: "{case} ... DocId : {docid}"
        slots: {case: {code: 'NW \\d{5}'}, docid: {code: '\\d{8}'}}
    """
    [marking] = markings(tmp_path, rules, "NW 50955 ~ Docld:32244357\n")
    assert marking.fields == {"case": "NW 50955", "docid": "32244357"}
    assert not markings(tmp_path, rules, "NW 50955 and a long stretch of prose DocId:32244357\n")
def test_a_check_may_read_a_field_that_only_a_slot_fills(tmp_path):
    rules = SANITIZED + """\
checks:
  - id: release.one-year
    type: consistent
    marking: release.sanitized-copy
    field: year
    severity: warning
"""
    result = run_markaudit("rules", "validate", "--no-default-rules", str(write(tmp_path, rules)))
    assert result.returncode == 0, result.stderr
    assert "no problem found" in result.stdout


# --- the kinds' own documentation --------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_example_in_a_kinds_documentation_loads_as_written(tmp_path, kind):
    """An archivist copies the example of `rules explain KIND`: it must load beside the
    shipped pack (ids renamed so as not to clash with it)."""
    examples = re.findall(r"(?m)^    - id:.*\n(?:    .*\n)*", KINDS[kind].doc + "\n")
    path = tmp_path / "example.yaml"
    path.write_text("markings:\n" + "".join(textwrap.dedent(e) for e in examples).replace(
        "- id: ", "- id: doc."), encoding="utf-8")
    assert len(load_rules([ROOT / "rules", path]).markings) == len(
        load_rules([ROOT / "rules"]).markings) + len(examples) > 0


DERIVED = """\
markings:
  - id: authority.derived-from
    kind: authority
    phrase: "DERIVED FROM : {source:rest}"
    punctuation: required
    value: "Derived from {source}"
"""


def test_required_punctuation_tells_a_caption_from_prose(tmp_path):
    [marking] = markings(tmp_path, DERIVED, "Derived From: Multiple Sources\n")
    assert marking.value == "Derived from Multiple Sources"  # `rest` reads to the line's end
    assert not markings(tmp_path, DERIVED, "The figure was derived from the report.\n")
    # Without `punctuation: required`, the colon is optional and prose is found.
    assert markings(tmp_path, DERIVED.replace("    punctuation: required\n", ""),
                    "The figure was derived from the report.\n")


def test_required_punctuation_inside_a_word_and_at_the_phrases_start(tmp_path):
    rule = """\
markings:
  - id: exemption.foia
    kind: exemption
    phrase: "(b) ( {code} )"
    punctuation: required
    slots:
      code: {code: '[1-9]'}
    value: "(b)({code})"
"""
    found = markings(tmp_path, rule, "deleted (b)(1) and (b) (3)\n")
    assert [(m.value, m.text) for m in found] == [("(b)(1)", "(b)(1)"), ("(b)(3)", "(b) (3)")]
    assert not markings(tmp_path, rule, "see item b 1 of the list\n")


ALONE = """\
markings:
  - id: control-number.code
    kind: control-number
    phrase: "{number}"
    line: {line}
    slots:
      number: {code: '[A-Z]{1,4}-\\d{2,5}'}
    case_sensitive: true
"""


def test_line_alone_finds_a_code_with_nothing_but_spaces_beside_it(tmp_path):
    alone = ALONE.replace("{line}", "alone")
    assert [m.text for m in markings(tmp_path, alone, "  CH-702 \n")] == ["CH-702"]
    assert not markings(tmp_path, alone, "-DIR-17097\n")
    # `line: whole` lets a few characters of OCR debris stand beside it.
    assert markings(tmp_path, ALONE.replace("{line}", "whole"), "-DIR-17097\n")


def test_a_full_date_slot_reads_only_dates_written_out(tmp_path):
    rule = """\
markings:
  - id: document-date.line
    kind: document-date
    phrase: "{date:full_date}"
    line: alone
"""
    assert [m.fields["date"] for m in markings(tmp_path, rule, "October 27, 1962\n")] == [
        "1962-10-27"]
    assert [m.fields["date"] for m in markings(tmp_path, rule, "1962/10/27\n")] == [
        "1962-10-27"]
    assert not markings(tmp_path, rule, "10/27/62\n")


def test_a_stamp_of_optional_lines_is_found_from_any_line_and_once_for_both(tmp_path):
    rule = """\
markings:
  - id: document-start.record-form
    kind: document-start
    stamp:
      - optional: JFK Assassination System
      - optional: Identification Form
    value: Record Identification Form
"""
    both = markings(tmp_path, rule, "JFK Assassination System\n\nDate:\n\nIdentification Form\n")
    assert [(m.line, m.value) for m in both] == [(1, "Record Identification Form")]
    assert [m.line for m in markings(tmp_path, rule, "Memo\nIdentification Form\n")] == [2]
    assert [m.line for m in markings(tmp_path, rule, "JFK Assassination System\n")] == [1]
    assert not markings(tmp_path, rule, "an identity card\n")


def test_one_line_keeps_a_page_number_between_dashes_off_three_lines(tmp_path):
    rule = """\
markings:
  - id: page-number.dashed
    kind: page-number
    phrase: "- {number} -"
    line: whole
    one_line: true
    punctuation: required
    slots:
      number: {code: '\\d{1,3}'}
"""
    # OCR's tilde or equals sign for a dash is one of the pack's look-alikes.
    found = markings(tmp_path, rule, "-2-\n\n~3 =\n")
    assert [m.fields["number"] for m in found] == ["2", "3"]
    assert not markings(tmp_path, rule, "-\n2\n-\n")
    assert markings(tmp_path, rule.replace("    one_line: true\n", ""), "-\n2\n-\n")


def test_a_code_slot_that_can_backtrack_exponentially_is_refused_at_its_rule(tmp_path):
    rules = SANITIZED + "    slots:\n      year: {code: '(?:\\d|\\d\\d)+'}\n"
    [line] = validate(tmp_path, rules)
    assert f"rules.yaml:{LEVELS.count(chr(10)) + 4}:" in line
    assert "slot {year}: nested repetition" in line


def test_a_declarative_rule_is_never_refused_by_the_backtracking_check(tmp_path):
    # Optional words, slots of free text side by side and debris: a regex written so by hand
    # could be refused; the engine's own is bounded by construction, and loads.
    rules = """\
markings:
  - id: release.review
    kind: release
    phrase: "[REVIEWED] [AND] RELEASED {by:text} {office:text} ... ON {date}"
"""
    [marking] = markings(tmp_path, rules, "RELEASED J. Smith DO/IMS ~ ON 10/27/1962\n")
    assert marking.fields["date"] == "1962-10-27"


def test_a_phrase_of_underscores_is_a_located_rule_error_not_a_crash(tmp_path):
    rules = """\
markings:
  - id: local.stamp
    kind: release
    phrase: "_"
"""
    [line] = validate(tmp_path, rules)
    assert line.endswith("marking 'local.stamp': the phrase has no word and no slot")


def test_line_end_finds_a_stamp_run_into_the_text_before_it_at_the_end_of_its_line(tmp_path):
    rule = """\
markings:
  - id: release.extent-inline
    kind: release
    phrase: RELEASE IN {extent}
    line: end
    case_sensitive: true
    slots:
      extent: [FULL, PART]
"""
    found = markings(tmp_path, rule, "DECEMBER 28,1995 RELEASE IN FULL\n")
    assert [m.fields["extent"] for m in found] == ["FULL"]
    # Not where other words follow it on its line, nor where nothing stands before it.
    assert not markings(tmp_path, rule, "THEY WILL RELEASE IN FULL NEXT WEEK\n")
    assert not markings(tmp_path, rule, "RELEASE IN FULL\n")


PLACED = """\
markings:
  - id: authority.impdet
    kind: authority
    case_sensitive: true
    phrase:
      - {phrase: IMPDET, ocr_edits: 0}
      - "E2 IMPDET"
      - {phrase: "PAGE {number}", line: whole}
    slots:
      number: {code: '\\d{1,3}'}
"""


def test_a_phrase_of_a_list_sets_its_own_placement_and_budget(tmp_path):
    # Alone, IMPDET is read exactly; after E2, the policy's edit is allowed.
    assert not markings(tmp_path, PLACED, "IMPDEF\n")
    assert [m.text for m in markings(tmp_path, PLACED, "E2 IMPDEF\n")] == ["E2 IMPDEF"]
    # `line: whole` holds for its own phrase only.
    assert [m.text for m in markings(tmp_path, PLACED, "PAGE 2\n")] == ["PAGE 2"]
    assert not markings(tmp_path, PLACED, "SEE PAGE 2 OF THE MEMO\n")


def test_validate_locates_an_unknown_key_in_a_phrase_of_a_list(tmp_path):
    [line] = validate(tmp_path, PLACED.replace("line: whole", "lines: whole"))
    assert re.search(r"rules\.yaml:\d+:\d+: marking 'authority.impdet': a phrase of the "
                     r"list is text, or \{phrase: TEXT\}.*\(unknown: lines\)", line), line


def test_explain_shows_a_phrase_with_its_own_placement_as_written(tmp_path):
    path = write(tmp_path, PLACED)
    result = run_markaudit("rules", "explain", "authority.impdet", "--rules", str(path),
                           "--no-default-rules")
    assert result.returncode == 0, result.stderr
    assert "    IMPDET  (ocr_edits: 0)\n" in result.stdout
    assert "    PAGE {number}  (line: whole)\n" in result.stdout


BANNER_LEVELS = "levels: [UNCLASSIFIED, RESTRICTED, CONFIDENTIAL, SECRET, TOP SECRET]\n"


def banner_markings(tmp_path: Path, shape: str, text: str, extra: str = "") -> list[tuple]:
    rules = BANNER_LEVELS + textwrap.dedent(f"""\
    markings:
      - id: banner.placed
        kind: banner
        banner: {shape}
    """) + textwrap.indent(textwrap.dedent(extra), "    ")
    return [(m.line, m.fields.get("level"), m.fields.get("caveats"))
            for m in markings(tmp_path, rules, text)]


def test_a_banner_may_name_single_levels_of_the_vocabulary(tmp_path):
    text = "SECRET\n\nRESTRICTED\n\nCONFIDENTIAL\n"
    assert banner_markings(tmp_path, "{levels: [SECRET, CONFIDENTIAL]}", text) == [
        (1, "SECRET", None), (5, "CONFIDENTIAL", None)]


def test_a_banner_term_that_is_in_no_vocabulary_is_refused_by_name(tmp_path):
    line = validate(tmp_path, BANNER_LEVELS + """\
markings:
  - id: banner.placed
    kind: banner
    banner: {levels: [SECERT]}
""")[0]
    assert line.endswith(":7:13: marking 'banner.placed': banner: 'levels' names 'SECERT' "
                         "(did you mean 'SECRET'?), which is neither a vocabulary nor a term "
                         "of one (vocabularies: caveat, level)")


def test_a_banner_in_debris_is_a_level_in_capitals_among_marks_on_a_short_line(tmp_path):
    text = ("cones [ SECRET Ss see\n\nEND OF MESSAGE SECRET/NOFORN\n\n"
            "a secret meeting of the staff\n\nthe agents kept the SECRET of the bank vault in "
            "the cellar for years\n")
    assert banner_markings(tmp_path, "{levels: [level], line: debris, case: upper}", text) == [
        (1, "SECRET", None), (3, "SECRET", ["NOFORN"])]


def test_a_banner_in_capitals_only_refuses_the_word_in_lower_case(tmp_path):
    text = "cones [ Secret Ss see\n"
    assert banner_markings(tmp_path, "{levels: [level], line: debris}", text) == [
        (1, "SECRET", None)]
    assert banner_markings(tmp_path, "{levels: [level], line: debris, case: upper}",
                           text) == []


def test_a_banner_at_the_end_of_a_line_after_other_text(tmp_path):
    text = ("AGENT REPORT TOP SECRET\n\nSECRET BY THE STAFF\n\nThis report is kept SECRET\n\n"
            "This report is kept secret\n\nSECRET\n")
    assert banner_markings(tmp_path, "{levels: [level], line: end, case: upper}", text,
                           "ocr_edits: 0\n") == [(1, "TOP SECRET", None)]


def test_a_banner_followed_by_a_phrase_is_found_where_the_phrase_follows_it(tmp_path):
    shape = ("{levels: [UNCLASSIFIED], line: anywhere, case: upper, "
             "followed_by: U.S. Department of State}")
    text = ("UNCLASSIFIED U.S. Department of State Case No. F-2017-13804 Doc No. C06685763 "
            "Date: 05/04/2021\n\nUNCLASSIFIED\n\nx UNCLASSIFIED Department of Defense\n")
    assert banner_markings(tmp_path, shape, text) == [(1, "UNCLASSIFIED", None)]


def test_a_banner_after_text_is_never_at_the_head_of_its_line(tmp_path):
    shape = ("{levels: [level], line: after-text, case: upper, "
             "followed_by: \"[Sanitized Copy] Approved For Release {year}\"}")
    text = ("the end of the report. SECRET Approved For Release 2004/06/23 : CIA-RDP65B00383R\n"
            "\nSECRET Sanitized Copy Approved for Release 2010/08/09\n"
            "\nthe talks were kept secret Approved for Release 2010/08/09\n")
    assert banner_markings(tmp_path, shape, text) == [(1, "SECRET", None)]


def test_followed_by_is_refused_where_the_banner_ends_its_line(tmp_path):
    line = validate(tmp_path, BANNER_LEVELS + """\
markings:
  - id: banner.placed
    kind: banner
    banner: {levels: [level], line: whole, followed_by: Approved For Release}
""")[0]
    assert "banner: 'followed_by' needs 'line: start', 'anywhere' or 'after-text'" in line


def test_a_boxed_banner_is_a_level_after_the_boxs_edge(tmp_path):
    text = "anaaton ornene [ SECRET zi\n\nmuanao | CONFIDENTIAL\n\n[SECRETARY]\n\nSECRET zi\n"
    assert banner_markings(tmp_path, "{levels: [level], line: boxed, case: upper}", text) == [
        (1, "SECRET", None), (3, "CONFIDENTIAL", None)]


def test_a_banner_at_the_head_of_its_line_followed_by_any_of_several_phrases(tmp_path):
    shape = ("{levels: [level], line: start, followed_by: [\"{time}\", \"STATE {number}\"]}")
    slots = """\
    slots:
      time: {code: '\\d{6}Z'}
      number: {code: '\\d{6}'}
    """
    text = ("SECRET/NOFORN 142305Z CITE MEXICO CITY 2455\n\nSECRET STATE 235297\n\n"
            "SECRET MEETING 142305Z\n\nSECRETARY 142305Z\n")
    assert banner_markings(tmp_path, shape, text, slots) == [
        (1, "SECRET", ["NOFORN"]), (3, "SECRET", None)]


def test_a_banner_placed_by_the_line_below_it(tmp_path):
    shape = "{levels: [level], line: start, case: upper, line_below: (When Filled In)}"
    text = ("SECRET : CECT Dee on ceuinols\n(When Filled In) NO DISSEM ABROAD\n\n"
            "The secret was kept\n(When Filled In)\n\nSECRET\nthe form\n")
    assert banner_markings(tmp_path, shape, text) == [(1, "SECRET", None)]
