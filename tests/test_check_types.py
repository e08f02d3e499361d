"""The check types beyond the core three, each on small documents a user could have written."""

from __future__ import annotations

import textwrap

import pytest

import markaudit
from markaudit.core.errors import RuleFileError
from markaudit.engine.rules import load_rules

BASE = """
levels: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
vocabularies:
  caveat: {NOFORN: [NO FOREIGN DISSEM], REL TO: [], EYES ONLY: []}
markings:
  - id: banner
    kind: banner
    pattern: '^(?P<level>{{level}})(?P<caveats>(?:[ /]+{{caveat}})*)$'
    fields: {level: level, caveats: caveats}
  - id: portion
    kind: portion
    pattern: '^\\((?P<level>TOP SECRET|SECRET|CONFIDENTIAL|UNCLASSIFIED)\\)'
    fields: {level: level}
  - id: group
    kind: downgrading
    pattern: '^GROUP (?P<group>\\d)$'
    fields: {group: int}
  - id: stamp
    kind: release
    pattern: 'RELEASED (?P<date>\\d{4}/\\d\\d/\\d\\d)'
    fields: {date: date}
  - id: date
    kind: document-date
    pattern: '^DATE (?P<date>\\d{4}/\\d\\d/\\d\\d)$'
    fields: {date: date}
  - id: pageno
    kind: page-number
    pattern: '^Page (?P<number>\\d+)(?: of (?P<total>\\d+))?$'
    fields: {number: int, total: int}
"""



def audit(tmp_path, checks: str, text: str):
    rules = tmp_path / "rules.yaml"
    rules.write_text(BASE + "checks:\n" + textwrap.indent(textwrap.dedent(checks), "  "),
                     encoding="utf-8")
    report = markaudit.audit_text(textwrap.dedent(text), rules=[rules], default_rules=False)
    return list(report.documents[0].findings)


def _abbreviated(findings):
    return [(f.rule, f.page, f.line) for f in findings]


def test_top_bottom_agree_reports_a_page_whose_ends_differ(tmp_path):
    checks = "- {id: tb, type: top_bottom_agree, marking: banner, severity: warning}\n"
    text = "SECRET\n\nbody one\n\nSECRET\n\fCONFIDENTIAL\n\nbody two\n\nSECRET\n"
    findings = audit(tmp_path, checks, text)
    assert _abbreviated(findings) == [("tb", 2, 10)]
    assert findings[0].message == (
        "page 2: top banner says CONFIDENTIAL but bottom banner says SECRET")
    assert [m.line for m in findings[0].markings] == [6, 10]


def test_dominates_portion_above_its_page_banner(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(BASE + "checks:\n  - {id: dom, type: dominates, lower: portion, "
                     "upper: banner, severity: error}\n", encoding="utf-8")
    text = ("SECRET\n(TOP SECRET) A paragraph too high.\n(SECRET) A fine one.\nSECRET\n"
            "\fUNCLASSIFIED\n(CONFIDENTIAL) A classified paragraph.\nUNCLASSIFIED\n")
    report = markaudit.audit_text(text, rules=[rules], default_rules=False)
    findings = report.documents[0].findings
    assert [(f.page, f.line, f.severity) for f in findings] == [(1, 2, "error"), (2, 6, "error")]
    assert findings[0].message.startswith("TOP SECRET marking above the SECRET banner of its page")
    assert findings[1].message.startswith("CONFIDENTIAL marking above the UNCLASSIFIED banner")


def test_requires_noforn_needs_a_classified_level(tmp_path):
    checks = """\
    - id: noforn-classified
      type: requires
      when: {marking: banner, caveat: NOFORN}
      then: {level_at_least: CONFIDENTIAL}
      severity: error
    """
    findings = audit(tmp_path, checks, "UNCLASSIFIED/NOFORN\n\ntext\n")
    assert _abbreviated(findings) == [("noforn-classified", 1, 1)]
    assert "with caveat NOFORN" in findings[0].message
    assert "classified CONFIDENTIAL or higher" in findings[0].message
    assert audit(tmp_path, checks, "SECRET/NOFORN\n\ntext\n") == []


def test_requires_a_release_stamp_on_a_classified_document(tmp_path):
    checks = """\
    - id: needs-stamp
      type: requires
      when: {level_at_least: CONFIDENTIAL}
      then: {marking: stamp}
    """
    assert len(audit(tmp_path, checks, "SECRET\n\ntext\n")) == 1
    assert audit(tmp_path, checks, "SECRET\n\ntext RELEASED 1998/01/02\n") == []
    assert audit(tmp_path, checks, "no marking at all\n") == []


def test_forbids_noforn_with_rel_to(tmp_path):
    checks = """\
    - id: noforn-rel
      type: forbids
      when: {marking: banner, caveat: NOFORN}
      then: {marking: banner, caveat: REL TO}
      severity: error
    """
    findings = audit(tmp_path, checks, "SECRET/NOFORN\n\ntext\n\nSECRET/REL TO\n")
    assert _abbreviated(findings) == [("noforn-rel", 1, 5)]
    assert audit(tmp_path, checks, "SECRET/NOFORN\n\ntext\n\nSECRET/NOFORN\n") == []


def test_forbids_group_note_on_unclassified_document(tmp_path):
    checks = """\
    - id: group-unclassified
      type: forbids
      when: {marking: group}
      then: {level_at_most: UNCLASSIFIED}
    """
    assert len(audit(tmp_path, checks, "UNCLASSIFIED\n\nGROUP 3\n")) == 1
    assert audit(tmp_path, checks, "SECRET\n\nGROUP 3\n") == []


def test_era_group_note_outside_1961_1972(tmp_path):
    checks = """\
    - id: era-group
      type: era
      marking: group
      from: 1961-09-20
      until: 1972-06-01
    """
    late = audit(tmp_path, checks, "DATE 1975/03/01\n\nGROUP 3\n")
    assert _abbreviated(late) == [("era-group", 1, 3)]
    assert "is after its era (1961-09-20 to 1972-06-01)" in late[0].message
    assert "before" in audit(tmp_path, checks, "DATE 1955/03/01\n\nGROUP 3\n")[0].message
    assert audit(tmp_path, checks, "DATE 1965/03/01\n\nGROUP 3\n") == []
    assert audit(tmp_path, checks, "GROUP 3\n") == []  # no document date: nothing to compare


def test_era_on_the_marking_own_date(tmp_path):
    checks = "- {id: e, type: era, marking: stamp, from: 1992-10-26, date: marking}\n"
    assert len(audit(tmp_path, checks, "x RELEASED 1990/01/01\n")) == 1
    assert audit(tmp_path, checks, "x RELEASED 1998/01/01\n") == []


@pytest.mark.parametrize(("numbers", "problem"), [
    ([1, 2, 4], "page 3 is missing"),
    ([1, 2, 5], "pages 3 to 4 are missing"),
    ([1, 2, 2], "page 2 appears twice"),
    ([1, 3, 2], "the numbers run backwards"),
])
def test_sequence_gaps_repeats_and_reversals(tmp_path, numbers, problem):
    checks = "- {id: seq, type: sequence, marking: pageno}\n"
    text = "".join(f"text of the page\n\nPage {n}\n\f" for n in numbers)
    findings = audit(tmp_path, checks, text)
    assert any(problem in f.message for f in findings), [f.message for f in findings]


def test_sequence_reads_numbers_against_the_pages_they_stand_on(tmp_path):
    checks = "- {id: seq, type: sequence, marking: pageno}\n"

    def messages(pages):  # each page: its page numbers, or None for a page without one
        text = "".join("text of the page\n\n" + "".join(f"Page {n}\n" for n in numbers or ())
                       + "\f" for numbers in pages)
        return [f.message for f in audit(tmp_path, checks, text)]

    # Pages 3 and 4 are there, their numbers lost to OCR: nothing is missing.
    assert messages([[1], [2], None, None, [5]]) == []
    # One page between 2 and 5: one of pages 3 and 4 is missing.
    assert messages([[1], [2], None, [5]]) == ["page number 5 after 2: 1 of pages 3 to 4 is "
                                                "missing"]
    # Two numbers on one page: its head and foot, or pages OCR ran together.
    assert messages([[1], [2, 2], [3]]) == []
    assert messages([[1], [2, 6]]) == []
    # A second copy numbered from 1 again, pages later: a new run, not pages scanned twice.
    assert messages([[1], [2], [3], [1], [2], [3]]) == []
    # A number repeated on the next page is a page scanned twice.
    assert messages([[1], [2], [2]]) == ["page number 2 after 2: page 2 appears twice"]


def test_sequence_clean_run_and_totals(tmp_path):
    checks = "- {id: seq, type: sequence, marking: pageno}\n"
    assert audit(tmp_path, checks, "a\nPage 1 of 2\n\fb\nPage 2 of 2\n") == []
    findings = audit(tmp_path, checks, "a\nPage 1 of 2\n\fb\nPage 2 of 3\n\fc\nPage 3 of 2\n")
    messages = " | ".join(f.message for f in findings)
    assert "number 3 of only 2" in messages
    assert "says 3 pages where page 1 says 2" in messages


def test_format_field_must_match_pattern(tmp_path):
    checks = """\
    - id: fmt
      type: format
      marking: stamp
      field: date
      pattern: '19\\d\\d-\\d\\d-\\d\\d'
    """
    findings = audit(tmp_path, checks, "x RELEASED 2004/01/02\n")
    assert _abbreviated(findings) == [("fmt", 1, 1)]
    assert "date '2004-01-02' is not well formed" in findings[0].message
    assert audit(tmp_path, checks, "x RELEASED 1994/01/02\n") == []


@pytest.mark.parametrize(("check", "message"), [
    ("{id: c, type: requires, when: {marking: nothing}, then: {marking: banner}}",
     "'when' marking names marking 'nothing'"),
    ("{id: c, type: requires, when: {colour: red}, then: {marking: banner}}",
     "'when' is a mapping of any of"),
    ("{id: c, type: requires, when: {level_at_least: MOST SECRET}, then: {marking: banner}}",
     "'when' level_at_least must be one of the levels"),
    ("{id: c, type: format, marking: stamp, field: date, pattern: '('}",
     "'pattern' is a bad regular expression"),
    ("{id: c, type: era, marking: stamp, from: soon}", "'from' must be 'document', 'today'"),
    ("{id: c, type: dominates, lower: portion}", "needs 'upper'"),
    ("{id: c, type: every_page, marking: banner, when: {classified: [nothing.*]}}",
     "'when' classified names marking 'nothing.*'"),
    ("{id: c, type: every_page, marking: banner, when: {classified: 1}}",
     "'when' classified names a marking rule id"),
])
def test_new_check_options_are_validated(tmp_path, check, message):
    rules = tmp_path / "rules.yaml"
    rules.write_text(BASE + "checks:\n  - " + check + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rules([rules])
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def test_date_order_min_confidence_keeps_errors_off_ocr_guesses(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "markings:\n"
        "  - {id: date, kind: document-date, pattern: '^DATE (?P<date>\\d{4}/\\d\\d/\\d\\d)$',\n"
        "     fields: {date: date}}\n"
        "  - {id: stamp, kind: release, fields: {date: date},\n"
        "     pattern: '(?:RELEASED){e<=2} (?P<date>\\d{4}/\\d\\d/\\d\\d)'}\n"
        "checks:\n"
        "  - {id: order, type: date_order, marking: stamp, not_before: document,\n"
        "     min_confidence: 0.9, severity: error}\n", encoding="utf-8")

    def findings(stamp: str) -> list[str]:
        report = markaudit.audit_text(f"DATE 1962/10/27\n\n{stamp} 1950/01/01\n",
                                      rules=[rules], default_rules=False)
        return [f.rule for f in report.documents[0].findings]

    assert findings("RELEASED") == ["order"]
    assert findings("RELFASXD") == []  # two OCR edits: confidence 0.89, too unsure for an error


def test_every_page_reach_counts_a_banner_under_a_form_header(tmp_path):
    # A cable form: routing lines and a prose notice, then the classification; text to the foot.
    header = "".join(f"ROUTING {n}\n" for n in range(1, 6))
    notice = ("This material contains information affecting the national defense of the "
              "United States.\n")
    body = "".join(f"Paragraph {n} of the message, as the cable office typed it out.\n\n"
                   for n in range(20))
    text = header + "\n" + notice + "\nSECRET\n\n" + body + "SECRET\n"
    strict = "- {id: ep, type: every_page, marking: banner, zones: [top, bottom], severity: info}\n"
    assert _abbreviated(audit(tmp_path, strict, text)) == [("ep", 1, None)]
    reach = strict.replace("severity: info", "severity: info, reach: 0.25")
    assert audit(tmp_path, reach, text) == []
    # Half-way down the page is no longer the top: the finding stays.
    late = header + "\n" + notice + "\n" + body[: len(body) // 2] + "SECRET\n\n" + body + "SECRET\n"
    assert _abbreviated(audit(tmp_path, reach, late)) == [("ep", 1, None)]


def test_every_page_reach_counts_lines_of_text_not_the_blank_lines_ocr_puts_between(tmp_path):
    # OCR spaced the form's header out with blank lines and ran the message's lines together:
    # the banner is within the first quarter of the page's text, though not of its raw lines.
    header = "".join(f"ROUTING {n}\n\n" for n in range(1, 6))
    notice = ("This material contains information affecting the national defense of the "
              "United States.\n\n")
    body = "".join(f"Paragraph {n} of the message, as the cable office typed it out.\n"
                   for n in range(20))
    text = header + notice + "SECRET\n" + body + "SECRET\n"
    checks = ("- {id: ep, type: every_page, marking: banner, zones: [top, bottom], "
              "severity: info, reach: 0.25}\n")
    assert audit(tmp_path, checks, text) == []


CLASSIFIED_PAGES = """\
- id: ep
  type: every_page
  marking: banner
  zones: [top, bottom]
  when: {classified: [group]}
"""


def test_classified_counts_a_marking_only_a_classified_document_carries(tmp_path):
    # OCR garbled the banners; the GROUP note still shows the memo classified
    findings = audit(tmp_path, CLASSIFIED_PAGES, "CONRICZNTEL\n\ntext\n\nGROUP 3\n")
    assert [(f.page, f.message) for f in findings] == [
        (1, "page 1: no banner at the top"), (1, "page 1: no banner at the bottom")]
    assert audit(tmp_path, CLASSIFIED_PAGES, "CONRICZNTEL\n\ntext\n") == []
    # `true` asks for a classified level: the GROUP note alone does not give one
    level_only = CLASSIFIED_PAGES.replace("[group]", "true")
    assert audit(tmp_path, level_only, "CONRICZNTEL\n\ntext\n\nGROUP 3\n") == []
    assert len(audit(tmp_path, level_only, "SECRET\n\ntext\n\nSECRET\n\fpage two\n")) == 2


def test_classified_keeps_a_document_marked_unclassified_unclassified(tmp_path):
    text = "UNCLASSIFIED\n\ntext\n\nGROUP 3\n\nUNCLASSIFIED\n\fpage two\n"
    assert audit(tmp_path, CLASSIFIED_PAGES, text) == []
    assert len(audit(tmp_path, CLASSIFIED_PAGES, text.replace("UNCLASSIFIED", "SECRET"))) == 2


def test_classified_false_holds_on_a_document_with_no_classified_level(tmp_path):
    checks = """\
    - id: noforn-unclassified
      type: forbids
      when: {marking: banner, caveat: NOFORN}
      then: {classified: false}
    """
    [finding] = audit(tmp_path, checks, "UNCLASSIFIED/NOFORN\n\ntext\n")
    assert "no classified level" in finding.message
    assert audit(tmp_path, checks, "SECRET/NOFORN\n\ntext\n") == []
