"""Evidence, not coincidence: what makes a level, a page number or a control number count.

Each test holds a form seen on the real JFK documents (issue 20), in a text written here, and,
where ../shared/corpus is present, the real document it was seen on.
"""

from __future__ import annotations

import pytest

import markaudit
from markaudit.audit import audit_file, default_rules_path
from markaudit.engine.rules import load_rules
from markaudit.model import Marking
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


def test_a_line_break_is_not_read_as_the_p_of_page():
    """Below a blank line, "Age 35" once matched "PAGE 35" with the line break as its P."""
    resume = f"I. PERSONAL\n\nA.\n\nAge 35\n\n{BODY}"
    markings = markaudit.audit_text(resume).documents[0].markings
    assert not [m for m in markings if m.kind == "page-number"]
    typed = markaudit.audit_text(f"{BODY}\nPAGE 3\n").documents[0].markings
    assert [m.fields["number"] for m in typed if m.kind == "page-number"] == [3]


@needs_corpus
def test_an_age_in_a_resume_repeated_on_every_copy_is_no_page_number(pack):
    report = audit_file(CORPUS / "jfk/2025_180-10060-10457.txt", pack)
    assert not [m for m in report.markings if m.kind == "page-number" and "Age" in m.text]
    assert not [f for f in report.findings if f.rule == "page-number.sequence"]


@needs_corpus
def test_tod_secrft_at_the_foot_of_a_top_secret_page_is_its_top_secret_banner(pack):
    """Once reported as "top banner says TOP SECRET but bottom banner says SECRET"."""
    report = audit_file(CORPUS / "jfk/2023_157-10005-10225.txt", pack)
    [foot] = [m for m in report.markings if m.kind == "banner" and m.line == 652]
    assert (foot.fields["level"], foot.confidence) == ("TOP SECRET", 0.8)
    assert not [f for f in report.findings if f.rule == "banner.top-bottom-agree"]

