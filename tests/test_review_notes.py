"""Agencies' review notes and garbled review stamps of the JFK records (issue 21): each is a
release whose issuer is the agency its own words (or its page's) name, never a guess."""

from __future__ import annotations

import pytest

from markaudit.core.model import Marking
from markaudit.engine.detect import detect
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import SHARED

PROSE = "The committee met again this morning to weigh the new proposal in full."
EO_STAMP = ("Released pursuant to Executive Order 14176, DECLASS. OF RECORDS CONC. THE "
            "ASSASSINATIONS OF PRES. JFK, SEN.")


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def issuers(pack, text: str) -> list[str]:
    found: list[Marking] = [m for m in detect(document_from_text(text), pack)
                            if m.kind == "release"]
    return [str(m.fields.get("issuer")) for m in found]


@pytest.mark.parametrize(("note", "issuer"), [
    ("OSD REVIEW COMPLETED", "DOD"),
    ("JCS review(s) completed.", "DOD"),
    ("Joint Staff review completed", "DOD"),
    ("ARMY review(s) completed.", "DOD"),
    ("State Dept. review completed", "STATE"),
    ("State Department review completed", "STATE"),
    ("NSC review(s) completed.", "OTHER"),
    ("OSD REVIEW COMPLFTED", "DOD"),
])
def test_a_review_note_names_its_agency_as_issuer(pack, note, issuer):
    assert issuers(pack, f"{PROSE}\n\n{note}\n\n{PROSE}\n") == [issuer]


def test_a_sentence_about_a_completed_review_is_no_note(pack):
    assert issuers(pack, f"{PROSE}\nThe State Department review completed in May found "
                         "nothing new.\n") == []


def test_the_cias_no_objection_stamp_garbled_past_its_head_is_still_the_cias(pack):
    # Tesseract's reading of the stamp on an SSCIA record: only its ends survive
    text = ("SECRET\nNO OBE\n\n! Dees SON To\"\n\n| RELEASE ;;;\n\n| ANDAR\ninf Docume\n"
            f"| AS SANITIZED lS Meh\n\n{PROSE}\n")
    assert issuers(pack, text) == ["CIA"]


def test_the_executive_order_stamp_on_a_page_nsa_numbered_is_nsas(pack):
    text = f"Doc ID: 6878930\n\nDoc Ref ID: A4268766\n\nTOP SECRET\n\n{PROSE}\n\n{EO_STAMP}\n"
    assert issuers(pack, text) == ["NSA"]


@pytest.mark.parametrize("head", ["", "MORI DocID: 1451843", "NW 50953 DocId:32296678 Page 1"])
def test_the_executive_order_stamp_without_nsas_number_names_no_agency(pack, head):
    assert issuers(pack, f"{head}\n\n{PROSE}\n\n{EO_STAMP}\n") == ["OTHER"]


def test_the_archives_stamp_whose_authority_line_is_lost_is_naras(pack):
    assert issuers(pack, f"{PROSE}\n\nBy\n\nDECLASSIFIED\n\nVARS, Date 919\n\n{PROSE}\n") == \
        ["NARA"]


def test_the_armys_regrading_stamp_garbled_is_dods(pack):
    text = (f"{PROSE}\n\n- SIFiED\n\nsepay\n\nBY CLE:\n\n..\n\ni FOM/PO\n\nAUTH Para 1-603\n\n"
            "BUD 5200.1R\n")
    assert issuers(pack, text) == ["DOD"]


def test_the_cias_foia_review_stamp_garbled_is_the_cias(pack):
    text = (f"{PROSE}\n\nincumoni Nurnber\n\n456*771\n\nPs Bellowing action is\n\n"
            "os FOlA Raview on\n\n- MAY 2976\n")
    assert issuers(pack, text) == ["CIA"]


NSA_RECORD = SHARED / "corpus" / "jfk" / "2025_144-10001-10138.txt"


@pytest.mark.skipif(not NSA_RECORD.is_file(), reason="../shared/corpus is not present")
def test_every_stamp_of_a_real_nsa_record_is_nsas(pack):
    report = audit_file(NSA_RECORD, pack)
    stamps = [(m.line, m.fields.get("issuer")) for m in report.markings if m.kind == "release"]
    assert stamps == [(96, "NSA"), (212, "NSA"), (340, "NSA"), (378, "NSA")]
