"""Page boundaries and zones for text that carries no page structure of its own.

OCR text often loses its page breaks. Where a file has no form feed, pages are found from what
every typed page carries: page-number lines (`-2-`, `- 2 -`, `Page 2`, `Page 2 of 5`) and running
lines (a banner repeated at the foot of one page and the head of the next). Each page records how
its start was found, so that a reader of the report can judge the split.

OCR misreads the banners it repeats (`SECRET` at a foot, `SeCneT` at the next head), so a page
whose body is interrupted by two classification banners with only margin lines between them
(prose above the first since its page began, prose below the second) is two pages run together:
the next page starts below the first banner. A banner is a short line holding one of the
layout's banner words (core/page_layout.py), read with one OCR error in five letters of its last
word, or spelled out (`S-E-C-R-E-T`).

A printed form ends each of its pages with the same legend, whatever was typed on it (one of
the layout's foot legends, read with one OCR error in six letters, where it is printed in
capitals). Where text follows such a legend, the next page starts below it.

A cover form filled in field by field ("DATE OF LAST REVIEW : 9/10/2000", "COMMENTS : Box 2"),
its last field last, is one of the layout's forms. Where the record's text follows the form with
no page break found below it, the record's first page starts below the last field's value.

The words come from the page layout the rule pack declares (`page_layout:`, defaults in
core/page_layout.py); their patterns are compiled once per layout, not per document.

Zones: the top and bottom of a page are its first and last few non-blank lines, widened to every
line before the body's first line of prose (and after its last), since a stamp block can be
long.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, pairwise

import regex

from markaudit.core.model import Zone
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout

ZONE_LINES = 5  # the "few" lines at each end of a page that are always in its top/bottom zone
ZONE_LINES_MAX = 15  # a margin block never reaches further into a page than this
RUNNING_LINE_MAX = 60  # a banner or running head is a short line

_PAGE_NUMBER = re.compile(
    r"""^\s*(?:
        [-\u2013\u2014]\s*(?P<dash>\d{1,3})\s*[-\u2013\u2014]        # -2-  or  - 2 -
      | page\s+(?P<page>\d{1,3})(?:\s+of\s+(?P<total>\d{1,3}))?(?:\s+pages)?  # Page 2 (of 5)
        # a footer ending in its page: "NW 50953 DocId:32296678 Page 2" (OCR debris after it)
      | [^\n]{0,30}?\d{4,}[^\n]{0,14}?\bpage\s+(?P<footer>\d{1,3})\W{0,3}[a-z]?
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_WORD = re.compile(r"[A-Za-z]+")
_SPELLED = re.compile(r"\b(?:[A-Za-z][-. ]){3,}[A-Za-z]{1,2}\b")  # S-E-C-R-E-T, S E C R E T
# a memo's heading lines: "SUBJECT:", "MEMORANDUM FOR:"
_CAPTION = re.compile(r"[A-Z][A-Z .]{1,25}:")
# A banner word as OCR reads it: one error in this many letters of its last word (SeCneT,
# S-E-C-R-EP, CONFDENTIAL). A printed legend's small type takes one in this many letters.
BANNER_LETTERS_PER_EDIT = 5
LEGEND_LETTERS_PER_EDIT = 6
FOOT_LEGEND_MAX = 120  # the legend's line: the legend, the copy number field and OCR debris
FORM_FIELD_LINES = 6  # the dated field stands within this many lines above the last field
FORM_VALUE_LINES = 2  # a last field's value runs on over at most this many lines below its own


@dataclass(frozen=True, slots=True)
class _LayoutPatterns:
    """A page layout's words as the patterns the split runs; None where a list is empty."""

    banner_word: regex.Pattern[str] | None  # the whole of one word, in capitals
    # Each legend: its pattern (searched in a line, any case), and the pieces of it, at least
    # `need` of which a line holds where the legend may be read (a cheap test first).
    foot_legends: tuple[tuple[regex.Pattern[str], tuple[str, ...], int], ...]
    foot_legend_hint: re.Pattern[str] | None  # any piece of any legend
    # (last field, dated field): the form as printed field by field, the values beside their
    # names (not the layout that lists the names, then the values below them)
    forms: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]


@lru_cache(maxsize=16)
def _patterns(layout: PageLayout) -> _LayoutPatterns:
    """The patterns of a layout, compiled once: a run reads every document with one layout."""
    legends = []
    for words in layout.foot_legends:
        legend = " ".join(words.upper().split())
        budget = _letters(legend) // LEGEND_LETTERS_PER_EDIT
        # A legend read with up to N errors keeps two of N + 2 pieces of it intact: any
        # reading holds two of them, in capitals as a form prints it.
        pieces = tuple(_pieces(legend, budget + 2))
        legends.append((regex.compile(
            f"(?:{' '.join(map(regex.escape, legend.split()))}){{e<={budget}}}",
            regex.IGNORECASE), pieces, max(1, len(pieces) - budget)))
    hints = [piece for _, pieces, _ in legends for piece in pieces]
    forms = tuple((re.compile(rf"^\W{{0,3}}{_field(form.last_field)}"
                              r"\s*(?:[:;]\s*(?P<value>.*?)\s*)?$"),
                   re.compile(rf"^\W{{0,3}}{_field(form.dated_field)}"
                              r"\s*[:;]?\W{0,3}\d{1,2}/\d{1,2}/\d{2,4}"))
                  for form in layout.forms)
    return _LayoutPatterns(
        banner_word=regex.compile(_banner_word(layout.banner_words))
        if layout.banner_words else None,
        foot_legends=tuple(legends),
        foot_legend_hint=re.compile("|".join(map(re.escape, dict.fromkeys(hints))))
        if hints else None,
        forms=forms)


def _banner_word(words: Sequence[str]) -> str:
    """One pattern of every banner word: a level's last word with its OCR budget, the words
    before it (TOP of TOP SECRET) run together with it and exact: `(?:TOP)?(?:SECRET){e<=1}`."""
    heads: dict[str, list[str]] = {}
    for entry in words:
        *head, last = entry.upper().split()
        heads.setdefault(last, []).append("".join(head))
    alternatives = []
    for last, before in heads.items():
        fixed = [regex.escape(run) for run in dict.fromkeys(before) if run]
        optional = "?" if "" in before else ""
        prefix = f"(?:{'|'.join(fixed)}){optional}" if fixed else ""
        edits = _letters(last) // BANNER_LETTERS_PER_EDIT
        alternatives.append(f"{prefix}(?:{regex.escape(last)}){{e<={edits}}}")
    return "|".join(alternatives)


def _field(name: str) -> str:
    """A form field's name as a pattern: its words, with or without space between them."""
    return r"\s*".join(map(re.escape, name.split()))


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _pieces(text: str, count: int) -> list[str]:
    """`text` cut into `count` pieces of (nearly) equal length, none empty."""
    count = max(1, min(count, len(text)))
    bounds = [round(k * len(text) / count) for k in range(count + 1)]
    return [text[a:b] for a, b in pairwise(bounds)]


def page_number(line: str) -> int | None:
    """The page number a line announces, when the whole line is a page number."""
    match = _PAGE_NUMBER.match(line)
    if not match:
        return None
    return int(match.group("dash") or match.group("page") or match.group("footer"))


def is_prose(line: str) -> bool:
    """A line of running text: long, with many words, mostly in lower case (or, as in cables
    typed in capitals, longer still). Margins hold short lines, letterheads in capitals, memo
    headings ("SUBJECT: ...") and stamps full of numbers ("Approved For Release 2004/06/23 :
    CIA-RDP65B00383R...")."""
    stripped = line.strip()
    words = _WORD.findall(stripped)
    if len(stripped) < 40 or len(words) < 6 or _CAPTION.match(stripped):
        return False
    letters = "".join(words)
    if sum(map(str.isdigit, stripped)) * 2 > len(letters):
        return False
    return sum(map(str.islower, letters)) * 2 > len(letters) or len(stripped) >= 60


def is_banner(line: str, layout: PageLayout = DEFAULT_LAYOUT) -> bool:
    """A short line, not prose, with one of the layout's banner words among its words, in
    capitals or in the mixed case OCR makes of them ("SeCneT"): the shape of a page's banner."""
    return _is_banner(line, _patterns(layout).banner_word)


def _is_banner(line: str, banner_word: regex.Pattern[str] | None) -> bool:
    stripped = line.strip()
    if (banner_word is None or not stripped or len(stripped) > RUNNING_LINE_MAX
            or is_prose(stripped)):
        return False
    stripped = _SPELLED.sub(lambda m: re.sub(r"[-. ]", "", m.group()), stripped)
    for word in _WORD.findall(stripped):
        if (len(word) >= 5 and sum(map(str.isupper, word)) * 2 >= len(word)
                and banner_word.fullmatch(word.upper())):
            return True
    return False


def _running_key(line: str) -> str | None:
    """The letters of a short, mostly upper-case line, the shape of a banner or running head."""
    stripped = line.strip()
    if not stripped or len(stripped) > RUNNING_LINE_MAX:
        return None
    letters = "".join(_WORD.findall(stripped))
    if len(letters) < 3 or sum(map(str.isupper, letters)) < 0.7 * len(letters):
        return None
    return letters.upper()


def split_pages(lines: Sequence[str], layout: PageLayout = DEFAULT_LAYOUT
                ) -> list[tuple[int, str]]:
    """Where each page starts (index into `lines`) and how that start was found, with the
    banner words, foot legends and forms of `layout`."""
    patterns = _patterns(layout)
    running = Counter(key for line in lines if (key := _running_key(line)))
    repeated = {key for key, count in running.items() if count >= 2}

    def is_running(index: int) -> bool:
        return _running_key(lines[index]) in repeated

    found = [(i, "page-number") for i in _starts_from_page_numbers(lines, is_running)]
    if not found:
        found = [(i, "repeated-line") for i in _starts_from_running_lines(lines, is_running)]
    found += [(i, "form-foot") for i in
              _starts_from_foot_legends(lines, [i for i, _ in found], patterns)]
    found += [(i, "record-form") for i in
              _starts_from_record_forms(lines, [i for i, _ in found], patterns)]
    found += [(i, "repeated-line") for i in
              _starts_from_banners(lines, [i for i, _ in found], patterns)]
    return [(0, "start"), *sorted(found)]


def _starts_from_foot_legends(lines: Sequence[str], known: Sequence[int],
                              patterns: _LayoutPatterns) -> list[int]:
    """Page starts below a form's foot legend, where the text goes on after it: the next
    non-blank line, when what follows is more than a page's foot (prose, or more than margin
    lines). `known` are the page starts already found; one within the next few lines is this
    break, found from the next page's head."""
    hint = patterns.foot_legend_hint
    if hint is None:
        return []
    starts: list[int] = []
    for index, line in enumerate(lines):
        if len(line) > FOOT_LEGEND_MAX or not hint.search(line) or not any(
                sum(piece in line for piece in pieces) >= need and legend.search(line)
                for legend, pieces, need in patterns.foot_legends):
            continue
        start = _start_below(lines, index, index, known, ZONE_LINES)
        if start is not None:
            starts.append(start)
    return starts


def _starts_from_record_forms(lines: Sequence[str], known: Sequence[int],
                              patterns: _LayoutPatterns) -> list[int]:
    """Page starts below a cover form's last field (the JFK Record Identification Form's
    COMMENTS), where the record's text follows it: the next non-blank line after the field's
    value, when what follows is more than a page's foot. The value is the rest of the field's
    line (or, where the name stands alone, the next non-blank line), with the lines that run on
    directly below it (no blank line between, none prose: prose is the record's). `known` are
    the page starts already found; one within a margin block's reach below the value is the
    form's own page end (its foot holds stamps and the collection's footer, "NW 50955
    DocId:32202033 Page 1")."""
    if not patterns.forms:
        return []
    starts: list[int] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        for last_field, dated_field in patterns.forms:
            match = last_field.match(stripped)
            if match and _dated_above(lines, index, dated_field):
                break
        else:
            continue
        end = index
        if not match.group("value"):
            below = _non_blank(lines, range(index + 1, len(lines)), 1)
            end = below[0] if below else index
        for _ in range(FORM_VALUE_LINES):
            if end + 1 >= len(lines) or not lines[end + 1].strip() or is_prose(lines[end + 1]):
                break
            end += 1
        start = _start_below(lines, end, index, known, ZONE_LINES_MAX)
        if start is not None:
            starts.append(start)
    return starts


def _dated_above(lines: Sequence[str], index: int, dated_field: re.Pattern[str]) -> bool:
    """Whether a form's dated field stands within a few lines above line `index`."""
    above = _non_blank(lines, range(index - 1, -1, -1), FORM_FIELD_LINES)
    return any(dated_field.match(lines[i].strip()) for i in above)


def _start_below(lines: Sequence[str], end: int, since: int, known: Sequence[int],
                 reach_lines: int) -> int | None:
    """The next page's start below line `end` (its next non-blank line), when more than a
    page's foot follows; None where a start in `known` after line `since` lies within
    `reach_lines` non-blank lines below: that break is found already."""
    after = _non_blank(lines, range(end + 1, len(lines)), max(reach_lines, ZONE_LINES))
    if not after or _is_margin(lines, after):
        return None
    reach = after[min(len(after), reach_lines) - 1]
    if any(since < start <= reach for start in known):
        return None
    return after[0]


def _non_blank(lines: Sequence[str], indices: range, most: int | None = None) -> list[int]:
    """The indices of the non-blank lines among `indices`, the first `most` of them at most:
    a look below one line needs a page's foot, not the rest of a file of thousands of lines."""
    return list(islice((i for i in indices if lines[i].strip()), most))


def _starts_from_page_numbers(lines: Sequence[str], is_running) -> list[int]:
    """Page starts from a rising sequence of page-number lines.

    A sequence that starts at 1 is read as page footers (a page ends after its number); one that
    starts at 2 as page headers (a page starts at its number, with the running lines just above
    it, which belong to its head). A jump of up to three pages is allowed, so that a missing page
    can still be reported later.
    """
    markers: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        number = page_number(line)
        if number is None:
            continue
        last = markers[-1][1] if markers else 0
        if (not markers and number in (1, 2)) or (markers and last < number <= last + 3):
            markers.append((index, number))
    if not markers:
        return []
    starts: list[int] = []
    # Numbers from 1 are footers; so are numbers whose last stands at the very end of the text
    # (a header would have its page below it), a first page left unnumbered.
    last = _non_blank(lines, range(markers[-1][0] + 1, len(lines)), ZONE_LINES)
    footers = markers[0][1] == 1 or _is_margin(lines, last)
    for index, _number in markers:
        if footers:
            after = _non_blank(lines, range(index + 1, len(lines)), ZONE_LINES)
            if _is_margin(lines, after):
                continue  # the last page's foot: a stamp or OCR debris below its number
            start = after[0]
            # A running line right below a footer page number closes the same page.
            if is_running(start) and len(after) > 1:
                start = after[1]
        else:
            start = index
            before = _non_blank(lines, range(index - 1, -1, -1), 2)
            below = _non_blank(lines, range(index + 1, len(lines)), 1)
            # The typed layout "TOP SECRET" / "-2-" / "TOP SECRET": the banner below the number
            # heads its page, so its twin above the number is the last page's foot.
            head: set[str | None] = {_running_key(lines[i]) for i in below if is_running(i)}
            for previous in before:
                key = _running_key(lines[previous])
                # The same running line twice is the last page's foot above this page's head.
                if not is_running(previous) or key in head:
                    break
                head.add(key)
                start = previous
        if start > (starts[-1] if starts else 0):
            starts.append(start)
    return starts


def _is_margin(lines: Sequence[str], indices: Sequence[int]) -> bool:
    """Whether these (non-blank) lines are only what a page's foot holds: few, none prose."""
    return len(indices) < ZONE_LINES and not any(is_prose(lines[i]) for i in indices)


def _starts_from_banners(lines: Sequence[str], known: Sequence[int],
                         patterns: _LayoutPatterns) -> list[int]:
    """Page starts between a page's foot banner and the next page's head banner, where OCR ran
    the two pages together: two banners with only margin lines between them, prose above the
    first since its page began and prose below the second before its page ends. `known` are
    the page starts already found; a pair with one of them between its banners is that break.
    """
    prose = [is_prose(line) for line in lines]
    banners = [i for i, line in enumerate(lines) if _is_banner(line, patterns.banner_word)]
    bounds = sorted({0, *known, len(lines)})
    starts: list[int] = []
    for footer, header in pairwise(banners):
        page_start = max(b for b in bounds if b <= footer)
        page_end = min(b for b in bounds if b > footer)
        between = range(footer + 1, header)
        if (header >= page_end or any(prose[i] for i in between)
                or len(_non_blank(lines, between)) > ZONE_LINES_MAX):
            continue
        since = max(page_start, starts[-1] if starts else 0)
        if any(prose[since:footer]) and any(prose[header + 1:page_end]):
            starts.append(footer + 1)
    return starts


def _starts_from_running_lines(lines: Sequence[str], is_running) -> list[int]:
    """Page starts between a running line at the foot of a page and its twin at the next head.

    Two occurrences of one running line with only margin lines between them (no prose) and
    prose on both sides are a page's footer and the next page's header.
    """
    occurrences: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if is_running(index):
            occurrences.setdefault(_running_key(line) or "", []).append(index)
    prose = [is_prose(line) for line in lines]
    starts: set[int] = set()
    for indices in occurrences.values():
        for footer, header in pairwise(indices):
            between = range(footer + 1, header)
            if any(prose[i] for i in between) or len(_non_blank(lines, between)) > 6:
                continue
            if any(prose[:footer]) and any(prose[header + 1 :]):
                starts.add(footer + 1)
    return sorted(starts)


def _prose_at(lines: Sequence[str]) -> list[int]:
    """Indices (into `lines`) of the body's prose lines.

    The body is where prose runs: a prose line with another within two lines of it. A lone
    long line at the head of a page is more often a stamp or a letterhead than the text.
    """
    prose = [is_prose(line) for line in lines]
    return [n for n, is_text in enumerate(prose)
            if is_text and any(prose[m] for m in (n - 2, n - 1, n + 1, n + 2)
                               if 0 <= m < len(prose))]


def zones(lines: Sequence[str]) -> list[Zone]:
    """The zone of every line of one page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    result: list[Zone] = ["body"] * len(lines)
    if not filled:
        return result
    prose_at = _prose_at([lines[i] for i in filled])
    head = len(filled) if not prose_at else prose_at[0]
    tail = len(filled) if not prose_at else len(filled) - 1 - prose_at[-1]
    top_count = min(max(ZONE_LINES, head), ZONE_LINES_MAX)
    bottom_count = min(max(ZONE_LINES, tail), ZONE_LINES_MAX)
    if top_count + bottom_count > len(filled):  # a short page: its halves are its margins
        top_count = (len(filled) + 1) // 2
        bottom_count = len(filled) - top_count
    last_top = filled[top_count - 1]
    first_bottom = filled[len(filled) - bottom_count] if bottom_count else len(lines)
    for index in range(len(lines)):
        if index <= last_top:
            result[index] = "top"
        elif index >= first_bottom:
            result[index] = "bottom"
    return result


# Zones from where lines stand on a scanned page (ALTO, hOCR, PDF): a line whose top edge lies
# in the first TOP_MARGIN of the page's height is in its top zone, one whose top edge lies in the
# last BOTTOM_MARGIN in its bottom zone. A typed page's banner sits within its first or last
# inch and a quarter (of 11 in), and a stamp block is seldom lower; 12% keeps the first line of
# a text typed close to the head out of the margin.
TOP_MARGIN = 0.12
BOTTOM_MARGIN = 0.12


def zones_from_positions(lines: Sequence[str], tops: Sequence[float | None],
                         height: float) -> list[Zone]:
    """The zone of every line of a page whose lines have positions (top edge, from the page's
    top) on a page `height` high.

    The margins decide first. A stamp block can reach further in than a margin, so, as the
    text rule widens its zones to a stamp block, the lines above the body's first line of prose
    (below its last), up to ZONE_LINES_MAX of them, are in the top (bottom) zone too. A page
    without prose (a form, a cover sheet) has its upper half as its top and its lower half as
    its bottom, as the text rule has. A line without a position takes the text rule's zone.
    """
    by_text = zones(lines)
    prose = _prose_at(lines)
    result: list[Zone] = []
    for index, top in enumerate(tops):
        if top is None or height <= 0:
            result.append(by_text[index])
            continue
        if prose:
            head = index < prose[0] and index < ZONE_LINES_MAX
            foot = index > prose[-1] and len(lines) - index <= ZONE_LINES_MAX
        else:
            head, foot = top < height / 2, top >= height / 2
        if top <= TOP_MARGIN * height or head:
            result.append("top")
        elif top >= (1 - BOTTOM_MARGIN) * height or foot:
            result.append("bottom")
        else:
            result.append("body")
    return result
