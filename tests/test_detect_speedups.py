"""The literal prefilter of fuzzy patterns never loses a match (engine/prefilter.py)."""

from __future__ import annotations

import random

import pytest
import regex

from markaudit.engine.detect import _short_lines
from markaudit.engine.prefilter import PageText, line_filter, prefilter
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path

FLAGS = regex.MULTILINE | regex.ENHANCEMATCH | regex.IGNORECASE
PHRASES = ["APPROVED FOR RELEASE 1993", "RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY "
           "ASSASSINATION RECORDS ACT", "TOP SECRET -- EYES ONLY", "CLASSIFIED BY 5668",
           "Declassify on: OADR", "GROUP 1\nExcluded from automatic downgrading",
           "SECRET 142305Z JAN 76 STAFF", "CIA HISTORICAL REVIEW PROGRAM"]


def _garble(text: str, rng: random.Random, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        position = rng.randrange(len(chars) + 1)
        kind = rng.choice("sid")
        if kind == "s" and position < len(chars):
            chars[position] = rng.choice("ABCEIOSX01 -.")
        elif kind == "i":
            chars.insert(position, rng.choice("ABCEIOSX01 -.\n"))
        elif position < len(chars):
            del chars[position]
    return "".join(chars)


def _texts() -> list[str]:
    rng = random.Random(7)
    texts = []
    for phrase in PHRASES:
        for edits in range(5):
            for _ in range(6):
                noise = _garble("memo of the\n", rng, 2)
                texts.append(noise + _garble(phrase, rng, edits) + "\n" + noise)
    return texts


@pytest.fixture(scope="module")
def patterns() -> list[regex.Pattern[str]]:
    rules = load_rules([default_rules_path()])
    return [p for rule in rules.markings for p in rule.compiled if prefilter(p.pattern)]


def test_the_pack_has_prefiltered_patterns(patterns: list[regex.Pattern[str]]) -> None:
    assert len(patterns) >= 30


def test_prefilter_never_drops_a_match(patterns: list[regex.Pattern[str]]) -> None:
    for text in _texts():
        page = PageText(text)
        for pattern in patterns:
            fast = prefilter(pattern.pattern)
            assert fast is not None
            expected = [m.span() for m in pattern.finditer(text)]
            spans = page.starts(fast)
            if spans is not None:
                assert all(any(a <= s <= b for a, b in spans) for s, _ in expected), \
                    (pattern.pattern, text)
            got = [m.span() for m in fast.finditer(pattern, page, 0, len(text), 2.0)]
            assert got == expected, (pattern.pattern, text)


@pytest.mark.parametrize("pattern", [
    r"(?:APPROVED\s+FOR\s+RELEASE){e<=3}\s*(?P<year>(?:19|20)\d\d)",
    r"^[^A-Za-z0-9\n]{0,6}(?:DE)?(?:CLASSIFY\s+ON){e<=3}",
    r"(?x) ^ (?P<level>(?:S[ -]?E[ -]?C[ -]?R[ -]?E[ -]?T){s<=2,i<=1,d<=1,e<=2}) $",
    # a lookahead reads past the match: a look for it must not stop short of what it reads
    r"(?:APPROVED\s+FOR){e<=2}(?!\s*RELEASE\s*1993)",
])
def test_garbled_variants_are_kept(pattern: str) -> None:
    compiled = regex.compile(pattern, FLAGS)
    fast = prefilter(pattern)
    assert fast is not None
    rng = random.Random(pattern)
    for _ in range(300):
        text = _garble("xx\n" + rng.choice(["APPROVED FOR RELEASE 1993", "Declassify on OADR",
                                            "SECRET", "S-E-C-R-E-T"]) + "\nyy", rng, 3)
        page = PageText(text)
        assert [m.span() for m in fast.finditer(compiled, page, 0, len(text), 2.0)] == \
            [m.span() for m in compiled.finditer(text)], text


def test_a_look_near_the_places_a_rule_s_words_were_found_finds_every_match(
        patterns: list[regex.Pattern[str]]) -> None:
    # Each match holds, by its end, a place where the word scan found a part of its words; a
    # match may begin anywhere up to its whole width before that place.
    rng = random.Random(11)
    for text in _texts()[::3]:
        page = PageText(text)
        for pattern in patterns:
            fast = prefilter(pattern.pattern)
            assert fast is not None
            expected = [m.span() for m in pattern.finditer(text)]
            held = sorted({end for _, end in expected} | {rng.randrange(len(text) + 1)})
            got = [m.span() for m in fast.finditer(pattern, page, 0, len(text), 2.0, held)]
            assert got == expected, (pattern.pattern, text)
            assert not list(fast.finditer(pattern, page, 0, len(text), 2.0, [])), \
                "with no place found, nothing is looked for"


def test_a_rule_whose_words_stand_in_a_lookahead_past_its_match_is_still_found() -> None:
    # A banner followed by its footer's words: the scan finds the words after the level it
    # marks, so a match may begin as far before them as the pattern reads, not only as wide as
    # the match is.
    pattern = (r"(?P<level>(?:UNCLASSIFIED){e<=2})[ \t]+"
               r"(?=(?:U\.?\s?S\.?\s?[ \t]+Department[ \t]+of[ \t]+State){e<=1})")
    compiled = regex.compile(pattern, FLAGS)
    fast = prefilter(pattern)
    assert fast is not None
    text = "memo\nUNCLASSIFIED U.S. Department of State Case No. F-2017-13804\n"
    words_end = text.index("State") + len("State")
    found = [m.group() for m in fast.finditer(compiled, PageText(text), 0, len(text), 2.0,
                                              [words_end])]
    assert found == ["UNCLASSIFIED "]


@pytest.mark.parametrize("pattern", [
    r"plain\s+words",  # not fuzzy: nothing to gain
    r"(?:AB){e<=2}",  # as many edits as letters: nothing must stay
    r"(?:WORD){e<=1}\1",  # a back reference: not modelled
])
def test_patterns_without_a_prefilter(pattern: str) -> None:
    assert prefilter(pattern) is None


def test_a_match_at_a_line_start_the_engine_misses_when_begun_there() -> None:
    # `regex` finds this match searching from before the line, not from its first letter:
    # the prefilter must begin its scan before the line too, or the stamp is lost.
    pattern = regex.compile(
        r"^[^A-Za-z0-9\n]{0,6}(?:DE)?(?:CLASSIFY\s+ON){e<=3}\s*[:;.,]?\s*(?P<on>OADR)", FLAGS)
    text = "xx\nClassified by,\nBoclassity on: OADR sECEIAED\nyy"
    fast = prefilter(pattern.pattern)
    assert fast is not None and fast.at_line_start
    got = [m.group() for m in fast.finditer(pattern, PageText(text), 0, len(text), 2.0)]
    assert got == ["Boclassity on: OADR"]


def test_line_start_patterns_find_every_match_among_many_candidate_lines() -> None:
    # many lines hold the pattern's pieces but not the pattern; matches lie between them
    pattern = regex.compile(r"^[^A-Za-z0-9\n]{0,3}(?:APPROVED\s+FOR\s+RELEASE){e<=3}\s*\d{4}",
                            FLAGS)
    lines = []
    for i in range(40):
        stamp = f"APPROVED FOR RELEASE {1990 + i}"
        lines.append("the release was approved for" if i % 3 else stamp)
        lines.append("APPR0VED F0R RELEESE 2001" if i % 7 == 0 else "memo text")
    text = "\n".join(lines)
    fast = prefilter(pattern.pattern)
    assert fast is not None and fast.at_line_start
    expected = [m.span() for m in pattern.finditer(text)]
    assert len(expected) >= 14
    assert [m.span() for m in fast.finditer(pattern, PageText(text), 0, len(text), 2.0)] == \
        expected


def test_line_filter_keeps_every_line_a_line_pattern_matches() -> None:
    rules = load_rules([default_rules_path()])
    line_rules = [rule for rule in rules.markings if rule.max_line_length is not None]
    texts = [*_texts(), "SECRET 142305Z JAN 76 STAFF\nSEGRET SEZZOE JUN 76 STAFF\n"
             "EECRETSTATE 235297\nSECRET/NOFORN\nmemo\nSECRET STAFF MEETING"]
    filtered = 0
    for rule in line_rules:
        for pattern in rule.compiled:
            lines = line_filter(pattern.pattern)
            if lines is None:
                continue
            filtered += 1
            for text in texts:
                windows = _short_lines(text, rule.max_line_length, rule.min_capitals)
                kept = lines.windows(PageText(text), windows)
                assert [m.span() for s, e in windows for m in pattern.finditer(text, s, e)] == \
                    [m.span() for s, e in kept for m in pattern.finditer(text, s, e)], text
    assert filtered >= 2  # the cable header, and the banner with a slash


def test_line_filter_takes_exact_pieces_only() -> None:
    cable = line_filter(r"^(?:SECRET){e<=2}[ \t]*(?:\d{6}Z|STATE[ \t]+\d{6})")
    assert cable is not None
    assert sorted(p.source for a in cable.alternatives for p in a.pieces) == ["STATE", "Z"]
    # what a lookaround names need not be on the line; a fuzzy word holds no exact piece
    assert line_filter(r"^(?!STAFF)(?:SECRET){e<=2}$") is None
