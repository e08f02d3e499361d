"""The forms of the JFK records (issue 21): the level in a CIA dispatch or message form's
classification box is the document's banner; the same caption over the Record Identification
Form's CLASSIFICATION field describes the record and is no banner."""

from __future__ import annotations

import pytest

import markaudit
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import SHARED

PROSE = "REQUEST HQS POUCH SUMMARY OF OP WITH STRESS ON SECURITY ASPECTS OF THE CASE."

# The foot of a CIA dispatch form: the level stamped in the classification box, under its
# printed caption, between the dispatch's number and its date.
DISPATCH_FOOT = ("CROSS REFERENCE TO\n\nDISPATCH SYMBOL AND NUMBER\n\nHMMA-23961\n\n"
                 "CLASSIFICATION\n\n{level}\n\n25 MARCH 1965\n\nHQS FILE NUMBER\n\n201-260956\n")

# The Record Identification Form's fields: the same caption, the record's level under it.
RECORD_FORM = ("JFK ASSASSINATION SYSTEM\n\nIDENTIFICATION FORM\n\nDOCUMENT TYPE : PAPER\n\n"
               "CLASSIFICATION\n\nSECRET\n\nRESTRICTIONS : 1B\n\nCURRENT STATUS : REDACT\n\n"
               "DATE OF LAST REVIEW : 08/12/93\n")


def level_of(text: str) -> str | None:
    [document] = markaudit.audit_text(text).documents
    return document.classification.level if document.classification else None


@pytest.mark.parametrize("stamped", ["SECRET", "SECRE ILLAROKE::", "SECRE T/KAPOK"])
def test_the_level_in_a_dispatch_forms_box_is_the_documents(stamped):
    assert level_of(f"{PROSE}\n\n{PROSE}\n\n{DISPATCH_FOOT.format(level=stamped)}") == "SECRET"


def test_the_record_identification_forms_classification_field_is_no_banner():
    assert level_of(f"{RECORD_FORM}\n{PROSE}\n") is None


def test_a_summary_sheets_classification_field_is_no_banner():
    # the CIA's listing of another agency's papers: "Classification:" describes that paper
    text = ("State Department Cable\n\nDate:\n\n20 October 1976\n\nClassification:\n\n"
            f"Confidential\n\n{PROSE}\n")
    assert level_of(text) is None


DISPATCH = SHARED / "corpus" / "jfk" / "2023_104-10247-10026.txt"


@pytest.mark.skipif(not DISPATCH.is_file(), reason="../shared/corpus is not present")
def test_a_real_dispatch_keeps_its_banner_at_the_foot_of_its_first_page():
    report = audit_file(DISPATCH, load_rules([default_rules_path()]))
    boxed = [m for m in report.markings if m.rule == "banner.form-classification-box"]
    assert [(m.page, m.line, m.fields["level"]) for m in boxed] == [(1, 136, "SECRET")]
    # the page's head keeps only the box's garbled caption: the foot is what the box covers
    missing = [f.message for f in report.findings if f.rule == "banner.every-page" and f.page == 1]
    assert missing == ["page 1: no classification banner at the top; OCR may have lost it, "
                       "check the scan"]
