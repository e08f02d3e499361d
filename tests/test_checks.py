"""The core check types (every_page, consistent, date_order): the findings a user would see."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import markaudit

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "frus-1962-10-27-inr.txt"

# A line of running text: long, with many words (a page's body, never its margin).
PROSE = "The committee met again this morning to weigh the new proposal in full."

MARKINGS = r"""
levels: [UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET]
vocabularies:
  caveat: [NOFORN, EYES ONLY]
markings:
  - id: banner
    kind: banner
    pattern: '^(?P<level>{{level}})(?:[ \t]*--[ \t]*(?P<caveats>{{caveat}}))?$'
    ocr_edits: 1
    zones: [top, bottom]
    fields: {level: level, caveats: caveats}
    value: "{level} -- {caveats}"
  - id: banner.anywhere
    kind: banner-anywhere
    pattern: '^CLASSIFIED$'
  - id: office
    kind: office
    pattern: '^OFFICE (?P<name>[A-Z/]+)$'
    fields: {name: text}
    value: "{name}"
  - id: document-date
    kind: document-date
    pattern: '^DATE (?P<date>\d{4}-\d\d-\d\d)$'
    pages: first
    fields: {date: date}
  - id: release
    kind: release
    pattern: '^RELEASED(?: ON (?P<date>\d{4}-\d\d-\d\d))?$'
    fields: {date: date}
  - id: transmittal
    kind: transmittal
    pattern: '^SENT (?P<date>\S+)$'
    fields: {date: text}
"""


def findings(tmp_path, check: str, text: str):
    """The findings of one check (given as YAML) on a document."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(MARKINGS + "checks:\n" + textwrap.indent(textwrap.dedent(check), "  "),
                     encoding="utf-8")
    report = markaudit.audit_text(text, rules=[rules], default_rules=False)
    return list(report.documents[0].findings)


def page(top: str = "", bottom: str = "", body: str = "", prose: int = 8) -> str:
    """One typed page: a top line, prose (with `body` in its middle), a bottom line."""
    half = [PROSE] * (prose // 2)
    lines = [top, *half, body, *half, bottom]
    return "\n".join(lines) + "\n"


def document(*pages: str) -> str:
    return "\f".join(pages)


def where(found):
    return [(f.rule, f.severity, f.page, f.line) for f in found]


def line_of(text: str, content: str, nth: int = 1) -> int:
    """The file line number of the nth line of `text` that reads `content`."""
    numbers = [n for n, line in enumerate(text.split("\n"), start=1)
               if line.replace("\f", "") == content]
    return numbers[nth - 1]


# --- every_page ---------------------------------------------------------------------------

EVERY_PAGE = """\
- id: banner.every-page
  type: every_page
  marking: banner
  zones: [top, bottom]
  severity: warning
  message: "page {page}: no banner at the {zone}"
"""


def test_every_page_is_quiet_when_every_page_is_marked(tmp_path):
    text = document(page("SECRET", "SECRET"), page("SECRET", "SECRET"))
    assert findings(tmp_path, EVERY_PAGE, text) == []


def test_every_page_reports_a_page_missing_its_top_banner(tmp_path):
    text = document(page("SECRET", "SECRET"), page("", "SECRET"), page("SECRET", "SECRET"))
    [finding] = findings(tmp_path, EVERY_PAGE, text)
    assert (finding.rule, finding.severity, finding.page, finding.line) == (
        "banner.every-page", "warning", 2, None)
    assert finding.message == "page 2: no banner at the top"


def test_every_page_reports_each_missing_zone_once(tmp_path):
    text = document(page("SECRET", "SECRET"), page("", ""))
    found = findings(tmp_path, EVERY_PAGE, text)
    assert [f.message for f in found] == ["page 2: no banner at the top",
                                          "page 2: no banner at the bottom"]


def test_every_page_does_not_count_a_banner_in_the_wrong_zone(tmp_path):
    # The banner at the foot of page 1 does not stand in for the missing head.
    text = document(page("", "SECRET"))
    [finding] = findings(tmp_path, EVERY_PAGE, text)
    assert (finding.page, finding.message) == (1, "page 1: no banner at the top")


def test_every_page_without_zones_accepts_the_marking_anywhere_on_the_page(tmp_path):
    check = "- {id: marked, type: every_page, marking: banner.anywhere, severity: error}\n"
    text = document(page(body="CLASSIFIED"), page(), page(top="CLASSIFIED"))
    [finding] = findings(tmp_path, check, text)
    assert where([finding]) == [("marked", "error", 2, None)]
    assert finding.message == "page 2: no banner.anywhere at the page"


def test_every_page_min_confidence_ignores_doubtful_banners(tmp_path):
    text = document(page("SECRFT", "SECRET"))  # one OCR edit: confidence 5/6
    assert findings(tmp_path, EVERY_PAGE, text) == []
    strict = EVERY_PAGE + "  min_confidence: 0.9\n"
    [finding] = findings(tmp_path, strict, text)
    assert finding.message == "page 1: no banner at the top"


# --- consistent ---------------------------------------------------------------------------

CONSISTENT = """\
- id: banner.consistent
  type: consistent
  marking: banner
  field: level
  severity: warning
"""


def test_consistent_is_quiet_when_banners_agree(tmp_path):
    text = document(page("SECRET", "SECRET"), page("SECRET", "SECRET -- NOFORN"))
    assert findings(tmp_path, CONSISTENT, text) == []


def test_consistent_reports_the_page_that_differs(tmp_path):
    text = document(page("SECRET", "SECRET"), page("SECRET", "SECRET"),
                    page("CONFIDENTIAL", "SECRET"))
    [finding] = findings(tmp_path, CONSISTENT, text)
    assert where([finding]) == [
        ("banner.consistent", "warning", 3, line_of(text, "CONFIDENTIAL"))]
    assert finding.message == ("'CONFIDENTIAL' differs from 'SECRET' used elsewhere in the "
                               "document (page 1, 2, 3)")
    assert [m.text for m in finding.markings] == ["CONFIDENTIAL"]


def test_consistent_takes_the_majority_not_the_first_as_reference(tmp_path):
    text = document(page("TOP SECRET", "TOP SECRET"), page("SECRET", "SECRET"),
                    page("SECRET", "SECRET"))
    found = findings(tmp_path, CONSISTENT, text)
    assert [(f.page, f.line) for f in found] == [
        (1, line_of(text, "TOP SECRET")), (1, line_of(text, "TOP SECRET", 2))]
    assert all("'TOP SECRET' differs from 'SECRET'" in f.message for f in found)


def test_consistent_with_scope_page_compares_within_each_page(tmp_path):
    check = CONSISTENT + "  scope: page\n"
    # Pages differ from each other (fine for scope page); page 2's own ends disagree.
    text = document(page("TOP SECRET", "TOP SECRET"), page("SECRET", "CONFIDENTIAL"),
                    page("SECRET", "SECRET"))
    [finding] = findings(tmp_path, check, text)
    assert (finding.page, finding.line) == (2, line_of(text, "CONFIDENTIAL"))
    assert "'CONFIDENTIAL' differs from 'SECRET'" in finding.message
    assert "in the page" in finding.message


def test_consistent_field_level_ignores_caveats_but_value_does_not(tmp_path):
    text = document(page("SECRET", "SECRET"), page("SECRET", "SECRET -- NOFORN"))
    assert findings(tmp_path, CONSISTENT, text) == []
    by_value = CONSISTENT.replace("field: level", "field: value")
    [finding] = findings(tmp_path, by_value, text)
    assert (finding.page, finding.line) == (2, line_of(text, "SECRET -- NOFORN"))
    assert "'SECRET -- NOFORN' differs from 'SECRET'" in finding.message


def test_consistent_min_confidence_leaves_loosely_read_banners_out(tmp_path):
    # "SECRFT" on a TOP SECRET document: the first word lost and a letter misread (one OCR
    # edit, confidence 0.83) is no sign that the document changes level.
    text = document(page("TOP SECRET", "TOP SECRET"), page("SECRFT", "TOP SECRET"))
    [finding] = findings(tmp_path, CONSISTENT, text)
    assert (finding.page, finding.line) == (2, line_of(text, "SECRFT"))
    sure = CONSISTENT + "  min_confidence: 0.9\n"
    assert findings(tmp_path, sure, text) == []
    # A banner read exactly is still compared.
    text = document(page("TOP SECRET", "TOP SECRET"), page("SECRET", "TOP SECRET"))
    assert [f.page for f in findings(tmp_path, sure, text)] == [2]


def test_consistent_tolerates_ocr_edits_when_asked(tmp_path):
    check = "- {id: office.same, type: consistent, marking: office}\n"
    text = document(page("OFFICE O/R/INR"), page("OFFICE O/R/INR"), page("OFFICE O/R/IMR"))
    [finding] = findings(tmp_path, check, text)
    assert (finding.page, finding.severity) == (3, "warning")
    assert "'O/R/IMR' differs from 'O/R/INR'" in finding.message
    tolerant = "- {id: office.same, type: consistent, marking: office, ocr_edits: 1}\n"
    assert findings(tmp_path, tolerant, text) == []


# --- date_order ---------------------------------------------------------------------------

BEFORE_DOCUMENT = """\
- id: dates.stamp-before-document
  type: date_order
  marking: [release, transmittal]
  not_before: document
  severity: error
"""


def test_date_order_reports_a_stamp_dated_before_the_document(tmp_path):
    text = page("DATE 1962-10-27", "RELEASED ON 1962-10-20")
    [finding] = findings(tmp_path, BEFORE_DOCUMENT, text)
    assert where([finding]) == [
        ("dates.stamp-before-document", "error", 1, line_of(text, "RELEASED ON 1962-10-20"))]
    assert finding.message == ("release dated 1962-10-20 is before the document date "
                               "1962-10-27; check the date on the scan")


def test_date_order_is_quiet_for_a_stamp_after_the_document(tmp_path):
    text = page("DATE 1962-10-27", "RELEASED ON 1996-04-02")
    assert findings(tmp_path, BEFORE_DOCUMENT, text) == []


def test_date_order_against_a_fixed_date(tmp_path):
    check = ("- {id: jfk-act, type: date_order, marking: release, not_before: 1992-10-26, "
             "message: 'released {date}, {relation} the JFK Act of {bound}'}\n")
    text = document(page(bottom="RELEASED ON 1990-01-01"), page(bottom="RELEASED ON 1997-06-01"))
    [finding] = findings(tmp_path, check, text)
    assert (finding.page, finding.message) == (1, "released 1990-01-01, before the JFK Act of "
                                                  "1992-10-26")


def test_date_order_reports_a_date_in_the_future(tmp_path):
    check = "- {id: dates.in-future, type: date_order, marking: '*', not_after: today}\n"
    text = page("DATE 1962-10-27", "RELEASED ON 2099-01-01")
    [finding] = findings(tmp_path, check, text)
    assert (finding.rule, finding.page, finding.line) == (
        "dates.in-future", 1, line_of(text, "RELEASED ON 2099-01-01"))
    assert f"release dated 2099-01-01 is after today {dt.date.today().isoformat()}" in (
        finding.message)


def test_date_order_skips_markings_without_a_date(tmp_path):
    text = page("DATE 1962-10-27", "RELEASED")
    assert findings(tmp_path, BEFORE_DOCUMENT, text) == []


def test_date_order_skips_a_date_field_that_holds_no_date(tmp_path):
    # `transmittal` reads its date as plain text: nothing to compare, and no crash.
    text = page("DATE 1962-10-27", "SENT yesterday")
    assert findings(tmp_path, BEFORE_DOCUMENT, text) == []


def test_date_order_without_a_document_date_skips_the_document_bound(tmp_path):
    text = page("SECRET", "RELEASED ON 1900-01-01")
    assert findings(tmp_path, BEFORE_DOCUMENT, text) == []


def test_date_order_uses_the_document_date_of_page_one_for_every_page(tmp_path):
    text = document(page("DATE 1962-10-27"), page(bottom="RELEASED ON 1962-01-01"))
    [finding] = findings(tmp_path, BEFORE_DOCUMENT, text)
    assert (finding.page, finding.line) == (2, line_of(text, "RELEASED ON 1962-01-01"))
    assert "the document date 1962-10-27" in finding.message


# --- the seed with the shipped pack -----------------------------------------------------


def test_seed_only_warns_about_the_missing_top_banner_of_page_one():
    report = markaudit.audit_paths([SEED])
    serious = [f for f in report.findings if f.severity in ("warning", "error")]
    assert [(f.rule, f.page) for f in serious] == [("banner.every-page", 1)]
    assert "top" in serious[0].message
    assert "bottom" not in serious[0].message


def test_seed_has_no_date_finding():
    report = markaudit.audit_paths([SEED])
    assert not [f for f in report.findings if f.rule.startswith("dates.")]
    # ... because its stamps are dated, on the day of the document itself.
    dated = {m.rule: m.fields["date"] for m in report.documents[0].markings
             if "date" in m.fields}
    assert dated.get("transmittal.note") == "1962-10-27"
    assert dated.get("document-date.line") == "1962-10-27"


# --- banner.every-page where OCR garbled every banner --------------------------------------

GARBLED = "CONRICZNTEL"  # CONFIDENTIAL, beyond what the rules read


def shipped_banner_findings(text: str) -> list[tuple[int | None, str]]:
    report = markaudit.audit_text(text)
    return [(f.page, f.message.split(" at the ")[1].split(";")[0])
            for f in report.documents[0].findings if f.rule == "banner.every-page"]


def test_a_document_whose_banners_ocr_garbled_is_checked_by_its_classification_block():
    memo = document(page(GARBLED, GARBLED, body="Classified by 5668 SLO/GL"),
                    page(body="Declassify on: OADR"))
    assert shipped_banner_findings(memo) == [(1, "top"), (1, "bottom"), (2, "top"),
                                             (2, "bottom")]
    # without its classification block, the same memo reads as unclassified
    assert shipped_banner_findings(document(page(GARBLED, GARBLED), page())) == []


def test_a_document_marked_unclassified_is_not_checked_for_its_old_classification_block():
    # a downgraded memo keeps its old block; its banner, read surely, says what it is now
    memo = document(page("UNCLASSIFIED", "UNCLASSIFIED", body="Classified by 5668 SLO/GL"),
                    page(body="Declassify on: OADR"))
    assert shipped_banner_findings(memo) == []


def test_release_stamps_do_not_make_a_document_classified():
    letter = document(
        page("DECLASSIFIED BY 60324 UC BAW ON 5/14/94",
             body="ALL INFORMATION CONTAINED HEREIN IS UNCLASSIFIED DATE 5-14-94 BY 60324"),
        page(body="declassify relevant material. The results of this review were sent."))
    assert shipped_banner_findings(letter) == []
