"""The normalised view: split words of the word lists written whole, offsets back to the raw
text (engine/normalize.py)."""

from __future__ import annotations

import pytest

import markaudit
from markaudit.audit import default_rules_path
from markaudit.engine.normalize import SplitWords, normalize
from markaudit.engine.rules import load_rules
from markaudit.engine.vocabulary import split_words


@pytest.fixture(scope="module")
def words() -> SplitWords:
    return split_words(load_rules([default_rules_path()]).vocabularies.values())


@pytest.mark.parametrize(("raw", "view"), [
    ("S-E-C-R-E-T", "SECRET"),
    ("S E C R E T", "SECRET"),
    ("SEC RET", "SECRET"),
    ("SE CRE T/RYBAT", "SECRET/RYBAT"),
    ("SEC. REI", "SECREI"),  # OCR damage and a split: one edit left for the level's budget
    ("N-O-F-O-R-N", "NOFORN"),
    ("CONF IDEN TIAL", "CONFIDENTIAL"),
])
def test_split_words_of_the_word_lists_are_written_whole(words: SplitWords, raw: str,
                                                         view: str) -> None:
    assert normalize(raw, words).text == view


@pytest.mark.parametrize("raw", [
    "GO UP TO THE", "NO FOR", "IT IS TO BE", "TOP SECRET", "SECRET-NOFORN",
    "se cret meeting",  # lower case: prose, not a marking
    "SEC 44 B",  # nothing of the word lists
])
def test_other_runs_of_short_words_are_left_alone(words: SplitWords, raw: str) -> None:
    assert normalize(raw, words).text == raw


def test_the_view_maps_back_to_the_raw_text(words: SplitWords) -> None:
    raw = "\ufb01led S-E-C-R-E-T line"  # a ligature NFKC widens, then a split word
    view = normalize(raw, words)
    start = view.text.index("SECRET")
    assert view.raw[slice(*view.raw_span(start, start + 6))] == "S-E-C-R-E-T"


def test_a_split_banner_is_reported_as_typed_with_its_level() -> None:
    text = "S-E-C-R-E-T\n\nThe memorandum itself, in prose.\n\nSE CRE T/RYBAT\n"
    report = markaudit.audit_text(text)
    banners = [m for m in report.documents[0].markings if m.kind == "banner"]
    assert [(m.text, m.fields["level"]) for m in banners] == [
        ("S-E-C-R-E-T", "SECRET"), ("SE CRE T/RYBAT", "SECRET")]
    assert banners[1].fields["caveats"] == ["RYBAT"]


@pytest.mark.parametrize(("raw", "view"), [
    ("T0P 5ECRET", "TOP SECRET"),
    ("C1A HQS", "CIA HQS"),
    ("N0FORN", "NOFORN"),
    ("\u201cSECRET\u201d \u2014 NOFORN", '"SECRET" - NOFORN'),
    ("CIA-RDP80-00630A000200050001-3", "CIA-RDP80-00630A000200050001-3"),  # a number stays
    ("Room 1015 on 15 May", "Room 1015 on 15 May"),
    ("x2a1b", "x2a1b"),  # after a digit no edit is made: not a word of its own
])
def test_look_alike_digits_and_typography_are_read_as_letters(raw: str, view: str) -> None:
    assert normalize(raw).text == view
