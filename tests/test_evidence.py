"""Evidence, not coincidence: what makes a level, a page number or a control number count.

Each test holds a form seen on the real JFK documents (issue 20), in a text written here, and,
where ../shared/corpus is present, the real document it was seen on.
"""

from __future__ import annotations

import pytest

import markaudit
from markaudit.core.model import Marking
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")
BODY = "The committee met again to weigh the new proposal in full detail today.\n" * 6


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def banners(text: str) -> list[Marking]:
    return [m for m in markaudit.audit_text(text).documents[0].markings if m.kind == "banner"]


@pytest.mark.parametrize(("typed", "confidence"), [
    ("TOR SECRET", 0.9), ("T0P SECRET", 0.9), ("TOR SECRFT", 0.8), ("OP SECRET", 0.89)])
def test_a_longer_level_read_with_an_edit_beats_an_exact_shorter_one(typed, confidence):
    [head, foot] = banners(f"{typed}\n\n{BODY}\n{typed}\n")
    assert head.fields["level"] == foot.fields["level"] == "TOP SECRET"
    assert head.confidence == pytest.approx(confidence, abs=0.005)


@pytest.mark.parametrize("typed", ["SECRET", "RYBAT SECRET", "S SECRET", "22-1 SECRET"])
def test_a_shorter_level_stays_itself_where_nothing_before_it_reads_as_a_longer_one(typed):
    [head, _] = banners(f"{typed}\n\n{BODY}\n{typed}\n")
    assert head.fields["level"] == "SECRET"


@needs_corpus
def test_tor_secret_on_a_real_top_secret_document_raises_no_disagreement(pack):
    report = audit_file(CORPUS / "jfk/2025_206-10001-10000.txt", pack)
    [tor] = [m for m in report.markings if m.kind == "banner" and m.line == 450]
    assert (tor.fields["level"], tor.confidence) == ("TOP SECRET", 0.9)
    assert not [f for f in report.findings if f.rule == "banner.consistent" and f.line == 450]


@needs_corpus
def test_tod_secrft_at_the_foot_of_a_top_secret_page_is_its_top_secret_banner(pack):
    """Once reported as "top banner says TOP SECRET but bottom banner says SECRET"."""
    report = audit_file(CORPUS / "jfk/2023_157-10005-10225.txt", pack)
    [foot] = [m for m in report.markings if m.kind == "banner" and m.line == 652]
    assert (foot.fields["level"], foot.confidence) == ("TOP SECRET", 0.8)
    assert not [f for f in report.findings if f.rule == "banner.top-bottom-agree"]


def footer(docid: str, page: int, case: bool = True) -> str:
    return f"{BODY}\n{'NW 88326' if case else ''}\n\nDocld:{docid} Page {page}\n\f"


def sequence_findings(text: str) -> list[tuple[int | None, str]]:
    findings = markaudit.audit_text(text).documents[0].findings
    return [(f.page, f.message.split(";")[0]) for f in findings
            if f.rule == "page-number.sequence"]


def test_a_number_repeated_on_every_copy_runs_with_nothing_and_is_no_page_number():
    # A résumé filed four times: "Age 35" at the head of each copy reads as "PAGE 35".
    resume = f"I. PERSONAL\n\nA.\n\nAge 35\n\n{BODY}\f"
    assert sequence_findings(resume * 4) == []


def test_a_typed_page_number_with_its_place_and_sequence_still_shows_a_missing_page():
    text = f"{BODY}\f-2-\n\n{BODY}\f-4-\n\n{BODY}"
    assert sequence_findings(text) == [(3, "page number 4 after 2: page 3 is missing")]


def test_numbers_in_a_page_body_or_listed_together_are_no_page_numbers():
    index = "Page 7.\nPage 12.\nPage 15."
    body = f"{BODY}{BODY}See the note at\n\nPage 44\n\nof the report.\n{BODY}{BODY}"
    text = f"{BODY}\f-2-\n\n{BODY}\f{index}\n\n{BODY}\f{body}\f-5-\n\n{BODY}"
    assert sequence_findings(text) == []


@needs_corpus
def test_an_age_in_a_resume_repeated_on_every_copy_is_no_page_number(pack):
    report = audit_file(CORPUS / "jfk/2025_180-10060-10457.txt", pack)
    assert not [f for f in report.findings if f.rule == "page-number.sequence"]
    footers = [m.fields.get("page") for m in report.markings
               if m.rule == "control-number.jfk-docid"]
    assert footers == list(range(1, 19))

def test_a_docid_footer_is_read_without_its_case_number_on_the_line():
    text = footer("32239465", 1) + footer("32239465", 2, case=False)
    markings = markaudit.audit_text(text).documents[0].markings
    assert [(m.page, m.fields["docid"], m.fields["page"]) for m in markings
            if m.rule == "control-number.jfk-docid"] == [(1, "32239465", 1), (2, "32239465", 2)]


def test_a_control_number_is_what_most_pages_agree_on_its_ocr_variants_counting_with_it():
    # The right DocId on three pages and misread by one digit on two: five pages against the
    # four of a page run carrying another document's DocId.
    docids = ["32202415", "32202415", "32202115", "45678901", "45678901", "45678901",
              "45678901", "32202415", "02202415"]
    text = "".join(footer(docid, page) for page, docid in enumerate(docids, start=1))
    findings = [f for f in markaudit.audit_text(text).documents[0].findings
                if f.rule == "control-number.jfk-docid-consistent"]
    assert [f.page for f in findings] == [4, 5, 6, 7]
    assert "'45678901' differs from '32202415'" in findings[0].message
    assert "(page 1, 2, 3, 8, 9)" in findings[0].message


@needs_corpus
def test_a_docid_is_not_compared_with_an_ocr_variant_of_itself(pack):
    """Most pages of this file carry DocId 32202415, some footers without their case number;
    it was once compared with its variants 32202115 and 02202415."""
    report = audit_file(CORPUS / "jfk/2023_157-10005-10225.txt", pack)
    docids = [m.fields["docid"] for m in report.markings if m.rule == "control-number.jfk-docid"]
    assert max(set(docids), key=docids.count) == "32202415"
    assert not [f for f in report.findings if f.rule == "control-number.jfk-docid-consistent"]


def test_the_typed_foot_banner_number_head_banner_layout_needs_no_banner_finding():
    """A correct transcription of a two-page TOP SECRET memo, typed as the originals are."""
    text = (f"TOP SECRET\n\n{BODY}\nTOP SECRET\n\n-2-\n\nTOP SECRET\n\n{BODY}\nTOP SECRET\n")
    report = markaudit.audit_text(text).documents[0]
    assert report.pages == 2
    assert not [f for f in report.findings if f.rule == "banner.every-page"]
