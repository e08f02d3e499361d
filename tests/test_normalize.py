"""The normalised view: split words of the word lists written whole, offsets back to the raw
text (engine/normalize.py)."""

from __future__ import annotations

import pytest

import markaudit
from markaudit.engine.normalize import SplitWords, normalize
from markaudit.engine.rules import load_rules
from markaudit.engine.vocabulary import split_words
from markaudit.run.audit import default_rules_path


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
    ("C-O-N-F-I-D-E-N-T-I-A-L", "CONFIDENTIAL"),  # more pieces than a short word has
    ("U N C L A S S I F I E D", "UNCLASSIFIED"),
])
def test_split_words_of_the_word_lists_are_written_whole(words: SplitWords, raw: str,
                                                         view: str) -> None:
    assert normalize(raw, words).text == view


@pytest.mark.parametrize("raw", [
    "GO UP TO THE", "NO FOR", "IT IS TO BE", "A B C D E F G H I J K L", "TOP SECRET",
    "SECRET-NOFORN",
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


def _damaged(word: str, budget: int) -> list[str]:
    """`word` with `budget` OCR edits: letters misread at the start, middle or end, one
    dropped, one added."""
    forms = []
    for places in ([0], [len(word) // 2], [len(word) - 1], list(range(budget))):
        chars = list(word)
        for place in places[:budget]:
            chars[place] = "X" if chars[place] != "X" else "Q"
        forms.append("".join(chars))
    forms.append(word[:1] + word[2:])  # a letter dropped
    forms.append(word[:2] + "X" + word[2:])  # a letter added
    return forms


def test_every_word_of_the_pack_is_joined_with_the_edits_its_budget_allows(
        words: SplitWords) -> None:
    # Runs are turned away early by pieces of the words; no damage within budget may lose one.
    missed = []
    for word, budget in words._terms:
        for form in (_damaged(word, budget) if budget else [word]):
            raw = "-".join(form)  # S-E-C-R-E-T, letter by letter
            if normalize(raw, words).text != form:
                missed.append(raw)
    assert missed == []


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
