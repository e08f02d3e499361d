"""Detection: a Document and the marking rules -> the markings it carries.

Each page is matched as one text (so that a stamp may run over several lines) in its normalised
view; every marking reports the raw text it stands on, its page, line, column and zone, and a
confidence that falls with every OCR edit the match needed.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar, cast

import regex

from markaudit.core.limits import DOCUMENT_TIMEOUT, PAGE_TIMEOUT, RULE_TIMEOUT
from markaudit.core.model import Document, Line, Marking, Page
from markaudit.engine.compiled import remembered
from markaudit.engine.fields import ParseContext, render_value
from markaudit.engine.normalize import NormalizedText, SplitWords, normalize
from markaudit.engine.prefilter import (
    PageText,
    line_filter,
    line_filter_from_data,
    prefilter,
    prefilter_from_data,
    to_data,
)
from markaudit.engine.rules import MarkingRule, RuleSet
from markaudit.engine.scan import WordScan, line_breaks, stretches
from markaudit.engine.vocabulary import split_words

__all__ = ["DOCUMENT_TIMEOUT", "PAGE_TIMEOUT", "RULE_TIMEOUT", "detect", "detect_page"]


@dataclass(frozen=True, slots=True)
class Timeout:
    """A rule that gave up on a page: its pattern backtracks too much on that text."""

    rule: str
    page: int


@dataclass(frozen=True, slots=True)
class Stop:
    """The search stopped early on `page`: that page's time limit or the document's ran out.

    With `limit == "document"`, the pages after `page` were not searched at all.
    """

    page: int
    limit: Literal["page", "document"]
    seconds: float  # the limit that ran out


def detect(document: Document, rules: RuleSet, timeouts: list[Timeout] | None = None, *,
           time_limit: float | None = None, stops: list[Stop] | None = None) -> list[Marking]:
    """Every marking of the document, in reading order.

    A pattern that runs longer than RULE_TIMEOUT on a stretch of text is stopped there, so that
    one careless rule cannot hang a batch; the stop is added to `timeouts`. A page is searched
    for at most PAGE_TIMEOUT seconds and the document for at most `time_limit` (None: no limit);
    where either runs out the search stops, the markings found so far are kept, and the stop is
    added to `stops`.
    """
    timeouts = timeouts if timeouts is not None else []
    stops = stops if stops is not None else []
    deadline = time.monotonic() + time_limit if time_limit else float("inf")
    found: list[Marking] = []
    words = split_words(rules.vocabularies.values())  # once: the pack's, for every page
    for page in document.pages:
        now = time.monotonic()
        if now >= deadline:
            stops.append(Stop(page.number, "document", time_limit or 0.0))
            break
        page_deadline = min(now + PAGE_TIMEOUT, deadline)
        markings, stopped = _search_page(page, rules, words, timeouts, page_deadline)
        found.extend(markings)
        if stopped:
            if time.monotonic() >= deadline:
                stops.append(Stop(page.number, "document", time_limit or 0.0))
                break
            stops.append(Stop(page.number, "page", PAGE_TIMEOUT))
    found.sort(key=lambda m: (m.page, m.line, m.column, m.rule))
    return found


def detect_page(page: Page, rules: RuleSet, timeouts: list[Timeout]) -> list[Marking]:
    """The markings of one page (with no time limit but each pattern's RULE_TIMEOUT)."""
    return _search_page(page, rules, split_words(rules.vocabularies.values()), timeouts,
                        float("inf"))[0]


def _search_page(page: Page, rules: RuleSet, words: SplitWords, timeouts: list[Timeout],
                 deadline: float) -> tuple[list[Marking], bool]:
    """The markings of one page found before `deadline`, and whether the deadline stopped it.

    Where two matches of the same kind overlap, they are one marking found twice (a stamp's
    general rule and its specific one, two patterns of one rule): the longer match is kept, and
    on a tie the rule defined first.
    """
    if not page.lines:
        return [], False
    view = normalize(page.text, words)
    starts: list[int] = []
    offset = 0
    for line in page.lines:
        starts.append(offset)
        offset += len(line.text) + 1
    shared = PageText(view.text)  # piece positions, found once for every rule
    upper = shared.upper or view.text.upper()
    short_lines: dict[tuple[int, float], list[tuple[int, int]]] = {}  # shared by line rules
    places = word_scan(rules).places(view.text)  # every scanned rule's places, in one pass
    breaks = line_breaks(view.text) if places else []
    candidates: list[tuple[Marking, tuple[int, int], int]] = []
    stopped = False
    for order, rule in enumerate(rules.markings):
        if stopped:
            break
        if rule.first_page_only and page.number != 1:
            continue
        if rule.max_line_length is not None:
            key = (rule.max_line_length, rule.min_capitals)
            if key not in short_lines:
                short_lines[key] = _short_lines(view.text, *key)
            windows = short_lines[key]
            if rule.scan_runs:  # a line that holds none of the places found holds no match
                windows = _holding(windows, places.get(order, []))
            if rule.line_ends_with is not None:
                ends = rule.line_ends_with
                windows = [(s, e) for s, e in windows if ends.search(view.text, s, e)]
        elif rule.scan_runs:
            windows = stretches(view.text, places.get(order, []), breaks)
        elif rule.anchors:
            windows = _windows(upper, rule.anchors)
        else:
            windows = [(0, len(view.text))]
        context = ParseContext(rules.vocabularies, rule.ocr_edits)
        seen: set[tuple[int, int]] = set()
        for pattern in rule.compiled:
            # A line rule's windows are single short lines already: pieces found on the page
            # reject too few of them to pay for themselves (measured: banner rules ran slower).
            # Only pieces that no edit may touch are looked for, on the whole page at once.
            line_rule = rule.max_line_length is not None
            held = places.get(order, []) if rule.scan_runs else None
            fast = None if line_rule else _derived(
                "prefilter", prefilter, prefilter_from_data, pattern)
            lines = _derived(
                "line-filter", line_filter, line_filter_from_data, pattern) if line_rule else None
            for start, end in lines.windows(shared, windows) if lines else windows:
                left = deadline - time.monotonic()
                if left <= 0:
                    stopped = True
                    break
                # The engine's timeout counts its own search only; the deadline is also checked
                # at every match, since thousands of quick matches take their time too.
                limit = min(RULE_TIMEOUT, left)
                try:
                    for match in (
                        fast.finditer(pattern, shared, start, end, limit, held) if fast
                        else pattern.finditer(view.text, start, end, timeout=limit)
                    ):
                        if match.span() in seen:
                            continue
                        seen.add(match.span())
                        marking = _marking(rule, match, view, page, starts, context, limit)
                        if marking is not None:
                            candidates.append((marking, match.span(), order))
                        if time.monotonic() >= deadline:
                            stopped = True
                            break
                except TimeoutError:
                    if limit < RULE_TIMEOUT:  # the page's or document's time ran out first
                        stopped = True
                    else:
                        timeouts.append(Timeout(rule.id, page.number))
                if stopped:
                    break
            if stopped:
                break
    candidates = _without_form_lists(candidates, rules)
    candidates.sort(key=lambda c: (c[1][0] - c[1][1], c[2], c[1][0]))  # longest first
    kept: list[tuple[Marking, tuple[int, int]]] = []
    for marking, (start, end), _ in candidates:
        if not any(other.kind == marking.kind and a < end and start < b
                   for other, (a, b) in kept):
            kept.append((marking, (start, end)))
    return [marking for marking, _ in kept], stopped


_SCANS: dict[tuple[str, tuple[str, ...]], WordScan] = {}


def word_scan(rules: RuleSet) -> WordScan:
    """The scan of the pack's declarative rules, compiled once per pack in a process (a
    pack and the rules of it that run: an example is searched with its rule alone)."""
    key = (rules.digest, tuple(rule.id for rule in rules.markings))
    if key not in _SCANS:
        _SCANS[key] = WordScan([(order, run) for order, rule in enumerate(rules.markings)
                                for run in rule.scan_runs], rules.ocr)
    return _SCANS[key]


T = TypeVar("T")
# What is worked out once per pattern (its prefilter, its line filter), by kind.
_DERIVED: dict[tuple[str, regex.Pattern[str]], object] = {}


def _derived(kind: str, derive: Callable[[str], T], decode: Callable[[object], T],
             pattern: regex.Pattern[str]) -> T:
    key = (kind, pattern)
    if key not in _DERIVED:
        _DERIVED[key] = remembered(kind, pattern.pattern, lambda: derive(pattern.pattern),
                                   to_data, decode)
    return cast(T, _DERIVED[key])


def _without_form_lists(candidates: list[tuple[Marking, tuple[int, int], int]],
                        rules: RuleSet) -> list[tuple[Marking, tuple[int, int], int]]:
    """Drop markings that stand in a printed form's list of options (see FormLists)."""
    dropped: set[int] = set()
    for rule in rules.markings:
        spec = rule.form_lists
        if spec is None:
            continue
        # the list is judged on every marking of the rule's kind, whichever rule found it
        own = [i for i, c in enumerate(candidates) if c[0].kind == rule.kind]
        for i in own:
            near = [j for j in own
                    if abs(candidates[j][0].line - candidates[i][0].line) <= spec.lines]
            values = {str(candidates[j][0].fields.get(spec.field)) for j in near}
            if len(values) >= spec.distinct:
                dropped.update(near)
    return [c for i, c in enumerate(candidates) if i not in dropped]


WINDOW_BEFORE = 300  # how far before an anchor word a match may start
WINDOW_AFTER = 500  # how far after it a match may end


def _short_lines(text: str, limit: int, capitals: float = 0.0) -> list[tuple[int, int]]:
    """The spans of the lines no longer than `limit` (stripped) whose letters are at least
    `capitals` upper case: a banner is a short line typed in capitals."""
    spans = []
    start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= limit and (
                not capitals or _capital_share(stripped) >= capitals):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _holding(windows: list[tuple[int, int]], places: list[int]) -> list[tuple[int, int]]:
    """The windows in which one of the (sorted) places ends a part found by the word scan.

    A line rule is searched with its line's end as the end of the text, so all that a match
    reads, lookaheads too, lies on its line; and no declarative kind puts words in a
    lookbehind. A line without a place holds no match."""
    kept = []
    for start, end in windows:
        index = bisect.bisect_right(places, start)
        if index < len(places) and places[index] <= end:
            kept.append((start, end))
    return kept


def _capital_share(text: str) -> float:
    letters = "".join(filter(str.isalpha, text))
    return sum(map(str.isupper, letters)) / len(letters) if letters else 0.0


def _windows(upper: str, anchors: tuple[str, ...]) -> list[tuple[int, int]]:
    """Stretches of the page around anchor words, from line start to line end, merged."""
    spans: list[tuple[int, int]] = []
    for anchor in anchors:
        position = upper.find(anchor)
        # A long line holding many occurrences is not scanned for its line breaks once per
        # occurrence (a fuzzed 400 KB line took 13 s here): an occurrence whose window ends at
        # the same line break as the last lies within it, and the line break before a window
        # is looked for only back to where the last look began.
        start, scanned, end = 0, 0, -1
        while position >= 0:
            if position + len(anchor) + WINDOW_AFTER > end:
                before = max(position - WINDOW_BEFORE, 0)
                found = upper.rfind("\n", scanned, before)
                start, scanned = (found + 1 if found >= 0 else start), before
                found = upper.find("\n", position + len(anchor) + WINDOW_AFTER)
                end = len(upper) if found < 0 else found
                spans.append((start, end))
            position = upper.find(anchor, position + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marking(rule: MarkingRule, match: regex.Match[str], view: NormalizedText, page: Page,
             starts: list[int], context: ParseContext, timeout: float) -> Marking | None:
    """The marking a match makes, or None where the rule's filters drop it.

    The filters' own patterns search whole lines, which may be a megabyte long: they get the
    match's `timeout` too, and raise TimeoutError as the match would.
    """
    start, end = match.span()
    raw_start, raw_end = view.raw_span(start, end)
    text = view.raw[raw_start:raw_end]
    stripped = text.strip()
    if not stripped:
        return None
    raw_start += len(text) - len(text.lstrip())
    line_index = bisect.bisect_right(starts, raw_start) - 1
    line: Line = page.lines[line_index]
    if line.zone not in rule.zones:
        return None
    if any(x.search(line.text, timeout=timeout) or x.search(stripped, timeout=timeout)
           for x in rule.exclude):
        return None
    for near in rule.not_near:
        around = page.lines[max(line_index - near.before, 0):line_index] + \
            page.lines[line_index + 1:line_index + 1 + near.after]
        if any(near.pattern.search(other.text, timeout=timeout) for other in around):
            return None
    edits = sum(match.fuzzy_counts) + view.fixes_in(start, end)
    fields: dict[str, object] = {}
    for spec in rule.fields:
        # A field need only be captured by one of the rule's patterns, not by the one matched.
        captured = match.group(spec.group) if spec.group in match.re.groupindex else None
        if captured is None or not captured.strip():
            continue
        value = spec.parse(captured, context)
        if spec.parser == "level" and isinstance(value, str):
            longer = _longer_level(match, spec.group, value, context)
            if longer is not None:
                value, extra = longer
                edits += extra
        if value not in (None, "", []):
            fields[spec.name] = value
        elif rule.declared:
            return None  # a typed slot that does not read as its type: no such marking
    fields.update(rule.constants)
    confidence = round(min(rule.max_confidence, max(0.0, 1.0 - edits / max(len(stripped), 1))),
                       3)
    if confidence < rule.min_confidence:
        return None
    # The OCR engine's own doubt (ALTO, hOCR) lowers the match's: the least sure word counts.
    where = page.locate(raw_start, raw_start + len(stripped))
    if where.confidence is not None:
        confidence = round(confidence * where.confidence, 3)
    value = render_value(rule.value, fields) if rule.value else " ".join(stripped.split())
    return Marking(
        rule=rule.id, kind=rule.kind, text=stripped, value=value, page=page.number,
        line=line.number, column=raw_start - starts[line_index] + 1, zone=line.zone,
        confidence=confidence, fields=fields,
        box=where.box, image=where.image, page_size=where.page_size,
    )


_LAST_WORD = regex.compile(r"(\S+)[ \t]*$")


def _longer_level(match: regex.Match[str], group: str, level: str,
                  context: ParseContext) -> tuple[str, int] | None:
    """The longer level that the word before the captured one and the level read together, and
    the edits that costs beyond the level's own; None where there is none.

    A banner pattern lets a few characters of debris stand before the level; an exact SECRET
    after them costs no edit, so the engine prefers it to a fuzzy TOP SECRET. "TOR SECRET" is
    a TOP SECRET banner with one misread letter, not a SECRET banner after debris.
    """
    levels = context.vocabularies.get("level")
    if levels is None or level not in levels.names:
        return None
    word = _LAST_WORD.search(match.string, match.start(), match.start(group))
    if word is None or sum(char.isalnum() for char in word.group(1)) < 2:
        return None
    captured = match.group(group)
    wider = levels.closest(word.group(1) + captured, context.ocr_edits)
    own = levels.closest(captured, context.ocr_edits)
    if wider is None or own is None or wider[0] == level:
        return None
    if not _squashed(wider[0]).endswith(_squashed(level)):
        return None  # not the same level with words lost before it
    return wider[0], max(wider[1] - own[1], 0)


def _squashed(term: str) -> str:
    return "".join(char for char in term.upper() if char.isalnum())
