"""The shipped pack's release stamps of the families added later (issue 21): CREST, the
presidential libraries, the FBI Vault. Each test is a form of stamp as OCR leaves it, and
whose stamp the archivist is told it is (the issuer) and when (the date)."""

from __future__ import annotations

import pytest

from markaudit.core.model import Marking
from markaudit.engine.detect import detect
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from markaudit.run.audit import default_rules_path

PROSE = "The committee met again this morning to weigh the new proposal in full."


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def releases(pack, text: str) -> list[Marking]:
    return [m for m in detect(document_from_text(text), pack) if m.kind == "release"]


@pytest.mark.parametrize("stamp", [
    "DECLASSIFIED\n\nPER E.O. 13526",
    "DECLASSIFIED IN PART\nPERE.O. 13526",
    "DECLASSIFIED\nP E R E . O . 13526",
    "DECLASSIFIED\nDY PER E.0.13526",
])
def test_a_library_stamp_is_the_librarys_not_states(pack, stamp):
    found = releases(pack, f"{PROSE}\n\n{stamp}\n\n{PROSE}\n")
    assert [m.fields["issuer"] for m in found] == ["LIBRARY"]


def test_a_library_stamp_in_part_says_so(pack):
    [found] = releases(pack, f"{PROSE}\n\nDECLASSIFIED IN PART\nPERE.O. 13526\n")
    assert found.fields["extent"] == "IN PART"
    assert found.fields["order"] == 13526


def test_a_bare_declassified_has_no_issuer_guessed(pack):
    found = releases(pack, f"{PROSE}\n\nDECLASSIFIED\n\n{PROSE}\n")
    assert [m.fields["issuer"] for m in found] == ["OTHER"]


def test_a_bare_declassified_beside_states_review_block_is_states(pack):
    text = (f"DECLASSIFIED\n{PROSE}\nDeclassification Authority: Geoffrey W. Chapman,\n"
            "Senior Reviewer, A/GIS/IPS 6/18/2019\n")
    assert {m.fields["issuer"] for m in releases(pack, text)} == {"STATE"}


def test_the_library_mdr_sheet_is_a_release(pack):
    text = ("Clinton Presidential Records\nMandatory Declassification Review\n\n"
            "This is not a presidential record. This is used as an administrative\n"
            "marker by the William J. Clinton Presidential Library Staff.\n"
            "Documents from this Mandatory Declassification Review were\n"
            "released in full or released in part.\n")
    [found] = releases(pack, text)
    assert found.fields["issuer"] == "LIBRARY"
    assert found.fields["extent"] == "full or released in part"


def test_prose_about_a_declassification_is_no_stamp(pack):
    text = f"{PROSE}\nThe cable was declassified per E.O. 13526 in 2019, said the library.\n"
    assert releases(pack, text) == []


@pytest.mark.parametrize(("stamp", "date"), [
    ("Approved For Release 2002111I18 : CIA-RDP96-00787ROOO300300001-7", "2002-11-18"),
    ("Approved For Release 2000108108 : ClA-RDP96-00789R000700670001-1", "2000-08-08"),
    ("Approved For Release 2003I11IZ1 : CIA-RDP96-00788R000600970009-2", "2003-11-21"),
])
def test_a_crest_stamp_date_is_read_through_ocr_slashes(pack, stamp, date):
    [found] = releases(pack, f"{stamp}\n\n{PROSE}\n")
    assert (found.fields["issuer"], found.fields["program"], found.fields["date"]) == \
        ("CIA", "CREST", date)


def test_a_crest_number_is_read_with_zeros_and_cia_restored(pack):
    [found] = releases(pack, "Approved For Release 2002111I18 : ClA-RDP96-00787ROOO300300001-7\n")
    assert found.fields["document_id"] == "CIA-RDP96-00787R000300300001-7"


def test_an_impossible_crest_date_is_left_out_not_guessed(pack):
    [found] = releases(pack, "Approved For Release 20041153 : CIA-RDP96-00787R000300300001-7\n")
    assert (found.fields["program"], found.fields.get("date")) == ("CREST", None)


@pytest.mark.parametrize("stamp", [
    "8 : CIA-RDP96-00787R000300300001-7",
    "Approved For Mum : CIA-RDP96-00788R000600970009-2",
    "Approved For Release zoomwmlgbozzooomoom",
])
def test_a_crest_stamp_cut_or_garbled_is_still_cias(pack, stamp):
    found = releases(pack, f"{PROSE}\n{stamp}\n")
    assert [(m.fields["issuer"], m.fields["program"]) for m in found] == [("CIA", "CREST")]


def test_an_fbi_deleted_page_sheet_is_the_fbis_release_record(pack):
    text = ("FEDERAL BUREAU OF INVESTIGATION\n\nFOI/PA\n\nDELETED PAGE INFORMATION SHEET\n\n"
            "Civil Action# 1:16-cv-01790-02\n\nTotal Deleted Page (s) = 17\n\n"
            "Page 6 - Duplicate;\n\nPage 8 ~ Duplicate;\n")
    [found] = releases(pack, text)
    assert (found.fields["issuer"], found.fields["case"], found.line) == \
        ("FBI", "1:16-CV-01790-02", 3)


def test_a_crest_page_run_into_one_line_keeps_its_foot_banner(pack):
    page = (f"{PROSE} 25X1 25X1 2 , , 1 1 TOP SECRET li Sanitized Copy Approved for Release "
            "2010/08/09 : CIA-RDP85T00287R001301080001-0 " + PROSE)
    banners = [m for m in detect(document_from_text(page + "\n"), pack) if m.kind == "banner"]
    assert [m.fields["level"] for m in banners] == ["TOP SECRET"]


def test_a_secret_in_prose_before_a_crest_stamp_is_no_banner(pack):
    page = f"{PROSE} the talks were kept secret Approved for Release 2010/08/09 : " \
        "CIA-RDP85T00287R001301080001-0\n"
    assert [m for m in detect(document_from_text(page), pack) if m.kind == "banner"] == []
