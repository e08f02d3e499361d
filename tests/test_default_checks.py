"""The shipped checks on real documents of ../shared/corpus (read in place), and sub-documents.

Each case is a finding the default pack must produce on a real document: remove the check (or
break its type) and the case fails.
"""

from __future__ import annotations

import json

import pytest

import markaudit
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import SEED, SHARED, run_markaudit

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


REAL_FINDINGS = [
    # (document, check, severity, page, words of the message)
    ("jfk/2023_124-10282-10354.txt", "dates.in-future", "error", 5, "dated 2029-05-18"),
    ("jfk-tesseract/jfk_doc_438__104-10176-10010.txt", "banner.consistent", "warning", 1,
     "banner says CONFIDENTIAL where the rest of the document says SECRET"),
    # pages found from the JFK footers "NW 50955 DocId:32425002 Page 8" of a file without
    # form feeds
    ("jfk-tesseract/jfk_doc_1123__202-10002-10124.txt", "control-number.jfk-docid-consistent",
     "warning", 8, "'32423500' differs from '32425002'"),
    ("jfk/2023_104-10146-10214.txt", "page-number.sequence", "info", 3,
     "page number 4 after 2: page 3 is missing"),
    ("jfk/2025_176-10036-10115.txt", "banner.consistent", "warning", 2,
     "banner says CONFIDENTIAL where the rest of the document says SECRET"),
    # two typed pages OCR ran together: page 2 starts below page 1's foot banner (line 54)
    ("jfk/2018_104-10130-10282.txt", "banner.every-page", "warning", 2,
     "page 2: no classification banner at the bottom"),
    ("jfk-tesseract/jfk_doc_1096__177-10002-10101.txt", "release.classified-without-stamp",
     "info", None, "no release or declassification stamp"),
    ("jfk/2021_docid-32368969.txt", "release.jfk-case-format", "info", 1,
     "case 'NV 65924' is not well formed"),
]


@pytest.mark.parametrize(("document", "check", "severity", "page", "words"), REAL_FINDINGS,
                         ids=[c[1] for c in REAL_FINDINGS])
def test_default_check_fires_on_real_document(pack, document, check, severity, page, words):
    report = audit_file(CORPUS / document, pack)
    hits = [f for f in report.findings if f.rule == check]
    assert hits, f"{check} found nothing in {document}"
    assert any(f.severity == severity and f.page == page and words in f.message for f in hits), \
        [(f.severity, f.page, f.message) for f in hits]


# Findings the default pack once made that a reviewer, reading the document, found wrong
# (fixtures/corpus/, findings:): (document, check, page).
REAL_FALSE_ALARMS = [
    # numbers of pages 3 and 4 lost to OCR ("PAGE TWO", "PAGE FIVE"): no page is missing
    ("jfk/2023_104-10308-10058.txt", "page-number.sequence", 5),
    # two printouts of one cable, each with its "PAGE 03": a second run, not a page twice
    ("jfk/2021_docid-32396529.txt", "page-number.sequence", 9),
    # "Page 5" and "Page 10" on one page of handwriting OCR ran together: gap not countable
    ("jfk-tesseract/jfk_doc_1022__157-10002-10106.txt", "page-number.sequence", 2),
    # the Record Identification Form, with the record's first page run into it, needs no banner
    ("jfk/2022_176-10036-10148.txt", "banner.every-page", 1),
    ("jfk/2022_144-10001-10099_docid_6780914_sealed.txt", "banner.every-page", 1),
    # the report's banner stands under the printed espionage notice, within the page's first
    # quarter of text lines (not of its lines, blank ones included)
    ("jfk/2018_104-10186-10085.txt", "banner.every-page", 1),
    # "-2-" at the foot of the file is page 2's footer, not the head of a page of two lines
    ("jfk/2018_104-10130-10282.txt", "banner.every-page", 1),
]


@pytest.mark.parametrize(("document", "check", "page"), REAL_FALSE_ALARMS,
                         ids=[f"{c[1]}-{c[0].rsplit('/', 1)[-1]}" for c in REAL_FALSE_ALARMS])
def test_default_check_is_quiet_where_a_reviewer_found_it_wrong(pack, document, check, page):
    report = audit_file(CORPUS / document, pack)
    assert not [f for f in report.findings if f.rule == check and f.page == page], \
        [(f.page, f.message) for f in report.findings if f.rule == check]


def test_pages_run_together_are_split_at_their_banners(pack):
    report = audit_file(CORPUS / "jfk/2018_104-10130-10282.txt", pack)
    assert report.pages == 2
    tops = {m.page: m.line for m in report.markings if m.kind == "banner" and m.zone == "top"}
    bottoms = {m.page: m.line for m in report.markings
               if m.kind == "banner" and m.zone == "bottom"}
    assert (tops, bottoms) == ({1: 5, 2: 60}, {1: 54})


def test_seed_has_only_the_missing_top_banner_as_warning_or_error(pack):
    report = audit_file(SEED, pack)
    serious = [(f.rule, f.page) for f in report.findings if f.severity in ("error", "warning")]
    assert serious == [("banner.every-page", 1)]


def test_a_missing_banner_is_info_unless_the_page_keeps_one_at_its_other_end(pack):
    report = markaudit.audit_text(
        "SECRET\n\n" + "The committee met again to weigh the new proposal in full.\n" * 6
        + "\f" + "The second page has no banner at all and goes on with its prose text.\n" * 6)
    severity = {(f.page, f.message.split(" at the ")[1][:6]): f.severity
                for f in report.documents[0].findings if f.rule == "banner.every-page"}
    assert severity == {(1, "bottom"): "warning", (2, "top; O"): "info",
                        (2, "bottom"): "info"}


def test_unclassified_documents_need_no_banner(pack):
    report = markaudit.audit_text("A letter about lunch.\n\nNothing classified in it.\n")
    assert not [f for f in report.documents[0].findings if f.rule == "banner.every-page"]


def test_record_form_is_split_from_the_record_it_describes(pack):
    report = audit_file(CORPUS / "jfk-tesseract/jfk_doc_1008__124-90138-10007.txt", pack)
    assert [(p.first_page, p.last_page, p.reason) for p in report.parts] == [
        (1, 1, "start"), (2, 2, "after the cover form on page 1")]


def test_a_foia_review_worksheet_needs_no_banner(pack):
    # A reviewer's worksheet filed inside a classified record: its list of determinations, two
    # of the options read by OCR with errors.
    page = "The committee met again to weigh the new proposal in full detail today.\n" * 6
    worksheet = ("INITIAL REVIEW FORM\n\nDocument Description: cable\n\nRECOMMEND:\n\n"
                 "A. Release in full text\n\nB. Relcase in sanitized forn\n\nC. Deny in tato\n\n"
                 "D. Defer decision to\n\nSIGNATURE OF REVIEWING OFFICER\n")
    text = f"SECRET\n{page}SECRET\n\f{worksheet}\fSECRET\n{page}SECRET\n"
    findings = markaudit.audit_text(text).documents[0].findings
    assert not [f for f in findings if f.rule == "banner.every-page"]
    # one option alone, in a page's prose, is no worksheet: that page still needs its banners
    prose = "The request was denied in toto by the agency after a long review of it.\n" * 6
    text = f"SECRET\n{page}SECRET\n\f{prose}\fSECRET\n{page}SECRET\n"
    findings = markaudit.audit_text(text).documents[0].findings
    assert [f.page for f in findings if f.rule == "banner.every-page"] == [2, 2]


def test_banners_may_change_between_sub_documents_but_not_within_one(tmp_path):
    page = "The committee met again to weigh the new proposal in full detail today.\n" * 6
    compilation = (f"SECRET\n{page}SECRET\n\fMEMORANDUM FOR THE RECORD\n\nCONFIDENTIAL\n{page}"
                   "CONFIDENTIAL\n")
    split = markaudit.audit_text(compilation).documents[0]
    assert [(p.first_page, p.reason.split(" ")[0]) for p in split.parts] == [
        (1, "start"), (2, "document-start")]
    assert not [f for f in split.findings if f.rule == "banner.consistent"]
    target = tmp_path / "compilation.txt"
    target.write_text(compilation, encoding="utf-8")
    whole = markaudit.audit_paths([target], split_parts=False).documents[0]
    assert [f.page for f in whole.findings if f.rule == "banner.consistent"] == [2, 2]


def test_a_sub_document_without_a_date_takes_the_date_of_the_one_before(pack):
    text = ("DATE: 03/29/1962\n\nIdentification Form\n\f"
            "Transmitted to O/R/INR on 03/20/62\n\nThe memorandum text goes on here.\n")
    findings = markaudit.audit_text(text).documents[0].findings
    late = [f for f in findings if f.rule == "dates.stamp-before-document"]
    assert [(f.page, f.severity) for f in late] == [(2, "error")]
    assert "before the document date 1962-03-29" in late[0].message


def test_json_report_lists_the_parts(tmp_path):
    document = CORPUS / "jfk-tesseract/jfk_doc_1008__124-90138-10007.txt"
    result = run_markaudit("audit", str(document), "-f", "json")
    parts = json.loads(result.stdout)["documents"][0]["parts"]
    assert parts[1] == {"first_page": 2, "last_page": 2,
                        "reason": "after the cover form on page 1"}


def test_copy_number_above_the_count_is_reported():
    report = markaudit.audit_text("SECRET\n\nCopy No. 5 of 4\n\nThe memo text.\n\nSECRET\n")
    [finding] = [f for f in report.documents[0].findings
                 if f.rule == "copy-control.number-within-count"]
    assert (finding.page, finding.line, finding.severity) == (1, 3, "warning")
    assert "number 5 of only 4" in finding.message
    clean = markaudit.audit_text("SECRET\n\nCopy No. 1 of 4\n\nThe memo text.\n\nSECRET\n")
    assert not [f for f in clean.documents[0].findings if f.rule.startswith("copy-control")]


def test_secret_spoke_is_a_correct_banner_not_a_finding(pack):
    """SPOKE was the SECRET-level COMINT code word: "SECRET SPOKE" on a real JFK record is
    right, and the check that TOP SECRET code words stand on TOP SECRET documents leaves it be."""
    report = audit_file(CORPUS / "jfk/2025_144-10001-10136.txt", pack)
    assert any("SPOKE" in m.fields.get("caveats", ()) for m in report.markings)
    assert not [f for f in report.findings if f.rule.startswith("caveat.sci")]
    umbra = markaudit.audit_text("SECRET UMBRA\n\nThe intercepts show.\n\nSECRET UMBRA\n",
                                 pack)
    assert [f.rule for f in umbra.documents[0].findings if f.rule.startswith("caveat.sci")] == [
        "caveat.sci-needs-top-secret"]


def test_oadr_is_flagged_after_1995_but_not_on_early_documents_reviewed_later(pack):
    memo = ("CONFIDENTIAL\n\n{date}\n\nMEMORANDUM FOR THE FILE\n\nSome text here.\n\n"
            "Classified By: J. Smith\nDeclassify On: OADR\n\nCONFIDENTIAL\n")
    late = markaudit.audit_text(memo.format(date="March 3, 1998"), pack).documents[0]
    assert [f.message for f in late.findings if f.rule == "era.oadr"] == [
        "'Declassify On: OADR' dated 1998-03-03 is after its era (the beginning to 1995-10-14)"]
    # The real case: an FBI file of 1962 carries "Declassify on: OADR" from a 1980s review.
    early = audit_file(CORPUS / "jfk/2021_docid-32307102.txt", pack)
    assert any(m.rule == "authority.declassify-on" for m in early.markings)
    assert not [f for f in early.findings if f.rule == "era.oadr"]
