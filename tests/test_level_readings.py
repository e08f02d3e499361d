"""A document's level from weak readings: a struck-through banner read past the OCR policy
names the level only where another reading agrees (several pages decide it, one does not)."""

from __future__ import annotations

from markaudit.run.audit import audit_text

PROSE = "The committee met again this morning to weigh the new proposal in full."
PAGE_BREAK = "\f"


def level_of(text: str) -> str | None:
    [document] = audit_text(text).documents
    return document.classification.level if document.classification else None


def page(head: str) -> str:
    return f"{head}\n\n{PROSE}\n{PROSE}\n{PROSE}\n"


def test_one_struck_banner_alone_does_not_name_the_level():
    assert level_of(page("CbNFIj^EN-TIAL") + PAGE_BREAK + page("")) is None


def test_struck_banners_on_two_pages_agree_and_name_the_level():
    text = page("CbNFIj^EN-TIAL") + PAGE_BREAK + page("-eONFtt)ENTIAb")
    assert level_of(text) == "CONFIDENTIAL"


def test_a_struck_banner_agreeing_with_a_clean_one_keeps_that_level():
    text = page("CONFIDENTIAL") + PAGE_BREAK + page("fflNffflENTIAL")
    assert level_of(text) == "CONFIDENTIAL"


def test_two_weak_readings_of_a_lower_level_do_not_lower_a_clean_banner():
    text = page("SECRET") + PAGE_BREAK + page("CbNFIj^EN-TIAL") + PAGE_BREAK + page("COMriDDMTIAE")
    assert level_of(text) == "SECRET"


def test_headings_in_capitals_are_not_struck_banners():
    text = page("CONSIDERATIONS") + PAGE_BREAK + page("CONSIDERATIONS")
    assert level_of(text) is None
