"""The reader: bytes on disk -> pages of numbered lines, each in a zone."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from markaudit.core.errors import InputError
from markaudit.read import document_from_text, read_document

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "frus-1962-10-27-inr.txt"

# A line of running text: long, with many words (a page's body, never its margin).
PROSE = "The committee met again this morning to weigh the new proposal in full."


def write(tmp_path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def texts(page) -> list[str]:
    """The non-blank lines of a page."""
    return [line.text for line in page.lines if line.text.strip()]


def line(document, number: int):
    """The line of a document with the given 1-based file line number."""
    [found] = [x for x in document.lines if x.number == number]
    return found


# --- decoding -----------------------------------------------------------------------------


def test_utf8_is_decoded(tmp_path):
    document = read_document(write(tmp_path, "SECRET \u2014 NOFORN\nM\u00fcller\n".encode()))
    assert document.encoding == "utf-8"
    assert [x.text for x in document.lines] == ["SECRET \u2014 NOFORN", "M\u00fcller"]


def test_utf8_with_bom_drops_the_bom(tmp_path):
    document = read_document(write(tmp_path, codecs.BOM_UTF8 + b"SECRET\nbody\n"))
    assert document.encoding == "utf-8-sig"
    assert document.lines[0].text == "SECRET"  # no \ufeff glued to the first banner


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    document = read_document(write(tmp_path, bom + "TOP SECRET\nM\u00fcller\n".encode(codec)))
    assert document.encoding == "utf-16"
    assert [x.text for x in document.lines] == ["TOP SECRET", "M\u00fcller"]


def test_cp1252_curly_quotes_are_decoded(tmp_path):
    document = read_document(write(tmp_path, b"\x93Declassified\x94 \x96 SECRET\n"))
    assert document.encoding == "cp1252"
    assert document.lines[0].text == "\u201cDeclassified\u201d \u2013 SECRET"


def test_byte_cp1252_cannot_decode_falls_back_to_latin1(tmp_path):
    document = read_document(write(tmp_path, b"SECRET \x81 \xe9t\xe9\n"))
    assert document.encoding == "latin-1"
    assert document.lines[0].text == "SECRET \x81 \u00e9t\u00e9"


def test_nul_byte_is_refused_as_binary(tmp_path):
    path = write(tmp_path, b"SECRET\n\x00\x01\x02")
    with pytest.raises(InputError) as raised:
        read_document(path)
    assert "binary" in raised.value.reason
    assert raised.value.path == str(path)


def test_control_characters_are_refused_as_binary(tmp_path):
    with pytest.raises(InputError) as raised:
        read_document(write(tmp_path, bytes(range(1, 9)) * 20))
    assert "binary" in raised.value.reason


@pytest.mark.parametrize("data", [b"", b"\n\n   \n", b"\f\n\f"])
def test_empty_file_is_refused(tmp_path, data):
    with pytest.raises(InputError) as raised:
        read_document(write(tmp_path, data))
    assert "empty" in raised.value.reason


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError) as raised:
        read_document(tmp_path / "nowhere.txt")
    assert raised.value.reason == "no such file"
    assert str(raised.value) == f"{tmp_path / 'nowhere.txt'}: no such file"


def test_directory_is_reported(tmp_path):
    with pytest.raises(InputError) as raised:
        read_document(tmp_path)
    assert "directory" in raised.value.reason


def test_crlf_line_endings_leave_no_carriage_returns(tmp_path):
    document = read_document(write(tmp_path, b"SECRET\r\n\r\nbody text\r\nSECRET\r\n"))
    assert [x.text for x in document.lines] == ["SECRET", "", "body text", "SECRET"]
    assert [x.number for x in document.lines] == [1, 2, 3, 4]


# --- form feeds ---------------------------------------------------------------------------


def test_form_feeds_split_pages():
    document = document_from_text("SECRET\none\n\fSECRET\ntwo\n\fSECRET\nthree\n")
    assert len(document.pages) == 3
    assert [texts(page) for page in document.pages] == [
        ["SECRET", "one"], ["SECRET", "two"], ["SECRET", "three"]]
    assert [page.boundary for page in document.pages] == ["start", "form-feed", "form-feed"]


def test_line_numbers_continue_across_form_feeds():
    document = document_from_text("a\nb\n\fc\nd\n")
    assert [(x.page, x.number, x.text) for x in document.lines] == [
        (1, 1, "a"), (1, 2, "b"), (2, 3, "c"), (2, 4, "d")]


def test_form_feed_in_the_middle_of_a_line_opens_a_page_on_that_line():
    document = document_from_text("first\nend of one\fstart of two\nlast\n")
    assert len(document.pages) == 2
    assert texts(document.pages[0]) == ["first", "end of one"]
    assert texts(document.pages[1]) == ["start of two", "last"]
    assert document.pages[1].lines[0].number == 2  # the file line the form feed stands on


def test_trailing_form_feed_does_not_open_an_empty_page():
    document = document_from_text("page one\n\fpage two\n\f\n")
    assert len(document.pages) == 2
    assert texts(document.pages[-1]) == ["page two"]


def test_form_feeds_win_over_page_numbers():
    document = document_from_text(f"{PROSE}\n-2-\n{PROSE}\n\f{PROSE}\n")
    assert [page.boundary for page in document.pages] == ["start", "form-feed"]


# --- page numbers, without form feeds ---------------------------------------------------


@pytest.mark.parametrize("marker", ["-2-", "- 2 -", "\u20142\u2014", "Page 2", "Page 2 of 5",
                                    "PAGE 2 OF 5 PAGES"])
def test_header_page_number_starts_page_two(marker):
    document = document_from_text(f"{PROSE}\n{PROSE}\n\n{marker}\n\n{PROSE}\n{PROSE}\n")
    assert len(document.pages) == 2
    second = document.pages[1]
    assert second.boundary == "page-number"
    assert second.lines[0].number == 4
    assert second.lines[0].text == marker


def test_a_rising_sequence_of_header_numbers_gives_a_page_each():
    document = document_from_text(f"{PROSE}\n-2-\n{PROSE}\n-3-\n{PROSE}\n-4-\n{PROSE}\n")
    assert [page.lines[0].number for page in document.pages] == [1, 2, 4, 6]
    assert [page.boundary for page in document.pages] == [
        "start", "page-number", "page-number", "page-number"]


def test_footer_page_numbers_starting_at_one_end_their_pages():
    text = f"{PROSE}\n{PROSE}\nPage 1 of 2\n\n{PROSE}\n{PROSE}\nPage 2 of 2\n"
    document = document_from_text(text)
    assert len(document.pages) == 2  # the last footer does not open an empty third page
    assert texts(document.pages[0])[-1] == "Page 1 of 2"
    assert document.pages[1].lines[0].number == 5
    assert texts(document.pages[1])[-1] == "Page 2 of 2"
    assert document.pages[1].boundary == "page-number"


def test_number_inside_a_line_of_prose_does_not_split():
    document = document_from_text(f"{PROSE}\nsee page 2 of the annex\n{PROSE}\n")
    assert len(document.pages) == 1


def test_a_page_number_out_of_sequence_does_not_split():
    document = document_from_text(f"{PROSE}\n-7-\n{PROSE}\n")
    assert len(document.pages) == 1


def test_running_banner_just_above_a_header_number_belongs_to_the_new_page():
    text = (f"SECRET\n{PROSE}\n{PROSE}\n\nstamp\n\nSECRET\n\n-2-\n\n{PROSE}\n{PROSE}\n"
            "SECRET\n")
    document = document_from_text(text)
    second = document.pages[1]
    assert second.boundary == "page-number"
    assert second.lines[0].number == 7
    assert texts(second)[:2] == ["SECRET", "-2-"]
    assert texts(document.pages[0])[-1] == "stamp"


def test_footer_banner_of_one_page_stays_with_it_above_the_next_header_banner():
    # The foot of page 1 and the head of page 2 both carry the banner, then "-2-".
    text = f"SECRET\n{PROSE}\n{PROSE}\nSECRET\n\nSECRET\n-2-\n{PROSE}\n{PROSE}\nSECRET\n"
    document = document_from_text(text)
    assert texts(document.pages[0]) == ["SECRET", PROSE, PROSE, "SECRET"]
    assert document.pages[1].lines[0].number == 6
    assert texts(document.pages[1])[:2] == ["SECRET", "-2-"]


def test_form_foot_legend_ends_a_page_where_text_follows():
    # A message form's foot legend (read with OCR errors), then the next page of the form.
    legend = "REPRODUCTION SY OTHER THAN THE ISSUING OFFICE 1S PROHIBITED. Copy No."
    text = f"SECRET\n{PROSE}\n{PROSE}\nSECRET\n{legend}\n\nDIRECTOR\n{PROSE}\n{PROSE}\n{legend}\n"
    document = document_from_text(text)
    assert len(document.pages) == 2
    assert document.pages[1].boundary == "form-foot"
    assert texts(document.pages[0])[-1] == legend
    assert texts(document.pages[1]) == ["DIRECTOR", PROSE, PROSE, legend]


# A Record Identification Form filled in field by field, COMMENTS last (its value on two lines).
RECORD_FORM = ("JFK ASSASSINATION SYSTEM\nIDENTIFICATION FORM\nAGENCY : CIA\n"
               "RECORD NUMBER : 104-10001-10001\nTITLE : CABLE\nDATE : 01/02/1963\nPAGES : 2\n"
               "DATE OF LAST REVIEW : 06/04/1998\nOPENING CRITERIA :\n"
               "COMMENTS : Box 12, Folder 3,\nreel 4\n")


def test_record_form_ends_its_page_where_the_record_follows():
    document = document_from_text(f"{RECORD_FORM}\nSECRET\n{PROSE}\n{PROSE}\nSECRET\n")
    assert len(document.pages) == 2
    assert document.pages[1].boundary == "record-form"
    assert texts(document.pages[0])[-2:] == ["COMMENTS : Box 12, Folder 3,", "reel 4"]
    assert texts(document.pages[1]) == ["SECRET", PROSE, PROSE, "SECRET"]


def test_record_form_value_below_a_lone_comments_name_stays_on_the_form():
    form = RECORD_FORM.replace("COMMENTS : Box 12, Folder 3,\nreel 4\n", "COMMENTS ;\nBOX 445-5\n")
    # the record's prose right below the value is the record's, not the value's
    document = document_from_text(f"{form}{PROSE}\n{PROSE}\nSECRET\n")
    assert [texts(page)[0] for page in document.pages] == ["JFK ASSASSINATION SYSTEM", PROSE]
    assert texts(document.pages[0])[-1] == "BOX 445-5"


def test_record_form_already_on_its_own_page_is_not_split_again():
    # The collection's footer ends the form's page, a stamp and the footer below COMMENTS.
    text = (f"{RECORD_FORM}\n[R] - ITEM IS RESTRICTED\nNW 50955 DocId:32000001 Page 1\n\n"
            f"SECRET\n{PROSE}\n{PROSE}\nNW 50955 DocId:32000001 Page 2\n")
    document = document_from_text(text)
    assert [page.boundary for page in document.pages] == ["start", "page-number"]
    assert texts(document.pages[1])[0] == "SECRET"


def test_record_form_listing_its_field_names_before_their_values_is_not_split():
    # The other printout of the form: the names (COMMENTS among them), then the values.
    names = ("AGENCY :\nRECORD NUMBER :\nTITLE :\nDATE :\nDATE OF LAST REVIEW :\n"
             "OPENING CRITERIA :\nCOMMENTS :\n")
    values = "FBI\n124-10001-10001\nHQ\nMEMO\n06/04/1963\n09/28/1998\nAPPROVAL OF CIA\n"
    document = document_from_text(f"{names}{values}{PROSE}\n{PROSE}\n")
    assert len(document.pages) == 1


# --- running lines ------------------------------------------------------------------------


def test_banner_repeated_at_foot_and_head_splits_pages():
    text = (f"TOP SECRET\n{PROSE}\n{PROSE}\nTOP SECRET\n\nTOP SECRET\n{PROSE}\n{PROSE}\n"
            "TOP SECRET\n")
    document = document_from_text(text)
    assert len(document.pages) == 2
    assert document.pages[1].boundary == "repeated-line"
    assert document.pages[1].lines[0].number == 5  # the blank line after the foot's banner
    assert texts(document.pages[0]) == ["TOP SECRET", PROSE, PROSE, "TOP SECRET"]
    assert texts(document.pages[1]) == ["TOP SECRET", PROSE, PROSE, "TOP SECRET"]


def test_repeated_line_without_prose_on_both_sides_does_not_split():
    # A banner twice at the very end (foot of the only page, then a copy) opens no page.
    document = document_from_text(f"TOP SECRET\n{PROSE}\n{PROSE}\nTOP SECRET\nTOP SECRET\n")
    assert len(document.pages) == 1


def test_repeated_line_with_prose_between_does_not_split():
    document = document_from_text(f"{PROSE}\nTOP SECRET\n{PROSE}\nTOP SECRET\n{PROSE}\n")
    assert len(document.pages) == 1


# --- zones --------------------------------------------------------------------------------


def test_first_and_last_lines_are_top_and_bottom_and_prose_between_is_body():
    body = "\n".join([PROSE] * 14)
    document = document_from_text(f"SECRET\n{body}\nSECRET\n")
    zones = [x.zone for x in document.lines]
    assert zones[0] == "top"
    assert zones[-1] == "bottom"
    assert "body" in zones
    assert zones[7] == "body"


def test_leading_blank_lines_are_top():
    document = document_from_text("\n\nSECRET\n" + "\n".join([PROSE] * 14) + "\n")
    assert [x.zone for x in document.lines[:3]] == ["top", "top", "top"]


def test_long_stamp_block_after_the_last_prose_line_is_all_bottom():
    stamps = [f"STAMP LINE {n}" for n in range(1, 11)]  # ten lines: more than the usual five
    text = "SECRET\n" + "\n".join([PROSE] * 14) + "\n" + "\n".join(stamps) + "\n"
    document = document_from_text(text)
    stamp_lines = [x for x in document.lines if x.text.startswith("STAMP")]
    assert [x.zone for x in stamp_lines] == ["bottom"] * 10
    assert line(document, 14).zone == "body"  # prose well before the block


def test_short_page_is_split_in_halves():
    document = document_from_text("SECRET\nfirst\nsecond\nSECRET\n")
    assert [x.zone for x in document.lines] == ["top", "top", "bottom", "bottom"]


def test_one_line_document_is_its_own_top():
    document = document_from_text("TOP SECRET\n")
    assert [(x.page, x.number, x.zone) for x in document.lines] == [(1, 1, "top")]


def test_zones_are_per_page():
    document = document_from_text("SECRET\n" + "\n".join([PROSE] * 12) + "\nSECRET\n\f"
                                  "SECRET\n" + "\n".join([PROSE] * 12) + "\nSECRET\n")
    for page in document.pages:
        filled = [x for x in page.lines if x.text.strip()]
        assert (filled[0].zone, filled[-1].zone) == ("top", "bottom")


# --- the seed document ------------------------------------------------------------------


def test_seed_has_two_pages_split_at_its_second_banner():
    document = read_document(SEED)
    assert document.encoding == "utf-8"
    assert len(document.pages) == 2
    assert document.pages[1].boundary == "page-number"
    assert document.pages[1].lines[0].number == 46
    assert document.pages[0].lines[-1].number == 45


def test_seed_banners_are_in_the_margins():
    document = read_document(SEED)
    first_banner = line(document, 29)
    assert (first_banner.page, first_banner.zone) == (1, "bottom")
    assert first_banner.text == "TOP SECRET -- EYES ONLY"
    second_banner = line(document, 46)
    assert (second_banner.page, second_banner.zone) == (2, "top")
    assert line(document, 48).text == "-2-"
    assert line(document, 66).zone == "bottom"


def test_seed_line_numbers_are_file_lines():
    document = read_document(SEED)
    file_lines = SEED.read_text(encoding="utf-8").splitlines()
    assert len(document.lines) == len(file_lines)
    for read in document.lines:
        assert read.text == file_lines[read.number - 1]


def test_pages_split_at_jfk_footers_ending_in_their_page_number():
    text = ("A first page of the memorandum with its text.\n"
            "NW 50953 DocId:32296678 Page 1\n"
            "The second page goes on with more of the text.\n"
            "HW 50953 Docld:32296678 - Page 2 g\n")
    document = document_from_text(text)
    assert [(p.number, p.boundary, p.lines[0].number) for p in document.pages] == [
        (1, "start", 1), (2, "page-number", 3)]


def test_foot_banner_above_a_header_number_with_the_head_banner_below_it_stays_on_its_page():
    # The typed layout: page 1's foot banner, the number of page 2, page 2's head banner.
    text = (f"TOP SECRET\n{PROSE}\n{PROSE}\n\nTOP SECRET\n\n-2-\n\nTOP SECRET\n\n{PROSE}\n"
            f"{PROSE}\n\nTOP SECRET\n")
    document = document_from_text(text)
    assert texts(document.pages[0]) == ["TOP SECRET", PROSE, PROSE, "TOP SECRET"]
    assert texts(document.pages[1])[:2] == ["-2-", "TOP SECRET"]
