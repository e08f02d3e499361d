"""Where to look: one Hyperscan database of the words of every declarative rule.

A declarative rule knows its words (engine/phrasing.py): every match of a phrase holds its
longest required run of words within the run's OCR budget. The scan looks for those runs in
compiled code, all rules at once, and the rule's regex then runs only near the places found,
to confirm the phrase and read its fields. Each match reads, by the end of what it reads, a
place where a part ended (the words may stand in a lookahead past the match); so it begins at
most its pattern's reach (in non-space characters) before one, and the regex is tried only
there (engine/prefilter.py, `held`). Nothing is lost: the places found are a superset of those
the regex would match.

A run of e edits is cut into parts whose budgets add up, each plus one, to more than e (by
pigeonhole one part keeps within its budget): into e + 1 exact parts where each keeps four
letters or more, or else into parts of one edit each; Hyperscan compiles exact and one-edit
expressions in milliseconds, where a run of three edits took it seconds.
"""

from __future__ import annotations

import bisect
import hashlib
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import regex

from markaudit.core.errors import MarkauditError
from markaudit.engine.compiled import keep_scan, read_scan
from markaudit.engine.ocr import OcrPolicy

WINDOW_BEFORE = 400  # how far before the end of a part found a match may start
WINDOW_AFTER = 500  # how far after it a match may end
_NEWLINE = regex.compile(r"\n")
MIN_EXACT_LETTERS = 4  # an exact part shorter than this would be found everywhere


class ScanUnavailable(MarkauditError):
    """Hyperscan cannot be loaded on this platform."""


@dataclass(frozen=True, slots=True)
class Part:
    """One expression of the database: a piece of a rule's run, and the edits it may take."""

    rule: int  # the rule's index in the pack
    expression: str
    edits: int


def _units(words: Sequence[str], policy: OcrPolicy) -> list[tuple[str, bool]]:
    """The run as (regex fragment, is a letter or digit), word by word, a space between."""
    units: list[tuple[str, bool]] = []
    for index, word in enumerate(words):
        if index:
            units.append((r"\s+", False))
        for char in word:
            units.append((policy.character(char), True) if char.isalnum()
                         else (_escape(char) + "?", False))
    return units


def _escape(char: str) -> str:
    return "\\" + char if not char.isalnum() else char


def _cut(units: list[tuple[str, bool]], count: int) -> list[str] | None:
    """The run cut into `count` consecutive parts of about equal letters, as expressions."""
    letters = sum(is_letter for _, is_letter in units)
    if count < 1 or letters < count:
        return None
    # Part i takes the letters from i * letters // count on: sizes differ by one at most.
    starts = {index * letters // count for index in range(1, count)}
    parts: list[list[tuple[str, bool]]] = [[]]
    seen = 0
    for unit in units:
        if unit[1] and seen in starts and parts[-1]:
            parts.append([])
            starts.discard(seen)
        parts[-1].append(unit)
        seen += unit[1]
    expressions = []
    for part in parts:
        while part and not part[0][1]:
            part.pop(0)
        while part and not part[-1][1]:
            part.pop()
        expressions.append("".join(fragment for fragment, _ in part))
    return expressions if len(expressions) == count and all(expressions) else None


def parts_of(rule: int, words: Sequence[str], edits: int, policy: OcrPolicy) -> list[Part]:
    """The parts one of which every match of the run `words` (with `edits`) holds."""
    units = _units(words, policy)
    letters = sum(is_letter for _, is_letter in units)
    if edits == 0:
        return [Part(rule, "".join(fragment for fragment, _ in units), 0)]
    if letters // (edits + 1) >= MIN_EXACT_LETTERS:
        exact = _cut(units, edits + 1)
        if exact:
            return [Part(rule, expression, 0) for expression in exact]
    count = edits // 2 + 1
    if count > 1 and letters // count >= MIN_EXACT_LETTERS:
        halves = _cut(units, count)
        if halves:
            return [Part(rule, expression, 1) for expression in halves]
    return [Part(rule, "".join(fragment for fragment, _ in units), edits)]


def hyperscan_module() -> Any:
    """The hyperscan package; ScanUnavailable, naming the platform, where it cannot load."""
    try:
        import hyperscan
    except ImportError as error:  # a platform without a wheel, or a broken install
        raise ScanUnavailable(
            f"the hyperscan package cannot be loaded on this platform ({platform.system()} "
            f"{platform.machine()}, Python {platform.python_version()}): {error}; markaudit "
            "needs it: pip install hyperscan") from None
    return hyperscan


class WordScan:
    """The database of every part of every scanned rule, and where their places are."""

    def __init__(self, rules: Sequence[tuple[int, tuple[tuple[str, ...], int]]],
                 policy: OcrPolicy) -> None:
        """`rules`: (the rule's index, (a run of its words, the run's budget)), each run
        of each scanned rule."""
        parts = [part for rule, (words, edits) in rules
                 for part in parts_of(rule, words, edits, policy)]
        hyperscan = hyperscan_module()
        self.parts = list(parts)
        self.database = None
        if not self.parts:
            return
        key = _database_key(self.parts, hyperscan)
        kept = read_scan(key)
        if kept is not None:
            try:  # Hyperscan checks what it loads: a file of another build or platform fails
                database = hyperscan.loadb(kept, hyperscan.HS_MODE_BLOCK)
                database.scratch = hyperscan.Scratch(database)  # loadb leaves it without one
                self.database = database
                return
            except hyperscan.error:
                pass
        flags = hyperscan.HS_FLAG_CASELESS
        ext = [hyperscan.ExpressionExt(flags=hyperscan.HS_EXT_FLAG_EDIT_DISTANCE,
                                       edit_distance=part.edits) if part.edits else
               hyperscan.ExpressionExt(flags=0) for part in self.parts]
        self.database = hyperscan.Database()
        self.database.compile(expressions=[p.expression.encode() for p in self.parts],
                              ids=list(range(len(self.parts))), elements=len(self.parts),
                              flags=[flags] * len(self.parts), ext=ext)
        keep_scan(key, hyperscan.dumpb(self.database))

    def places(self, text: str) -> dict[int, list[int]]:
        """For each scanned rule, the places where a part of one of its runs ends, sorted: each
        of its matches reads one of them (see the module's docstring)."""
        if self.database is None:
            return {}
        ends: dict[int, list[int]] = {}

        def found(part: int, _start: int, end: int, _flags: int, _context: object) -> None:
            ends.setdefault(part, []).append(end)

        # One byte a character, so that an offset found is an offset in the text: a
        # character outside ASCII cannot be one of a rule's words anyway.
        self.database.scan(text.encode("ascii", "replace"), match_event_handler=found)
        by_rule: dict[int, list[int]] = {}
        for part, part_ends in ends.items():
            by_rule.setdefault(self.parts[part].rule, []).extend(part_ends)
        return {rule: sorted(set(rule_ends)) for rule, rule_ends in by_rule.items()}


def _database_key(parts: Sequence[Part], hyperscan: Any) -> str:
    """What a kept database is found under: every part, in order (a part's index is its id),
    and the Hyperscan that compiled it."""
    text = "\0".join(f"{p.rule}\1{p.expression}\1{p.edits}" for p in parts)
    made_by = f"{getattr(hyperscan, '__version__', '')}\0{platform.machine()}\0"
    return hashlib.sha256((made_by + text).encode()).hexdigest()[:32]


def line_breaks(text: str) -> list[int]:
    """Where each line break of `text` stands."""
    return [match.start() for match in _NEWLINE.finditer(text)]


def stretches(text: str, places: list[int], breaks: list[int] | None = None
              ) -> list[tuple[int, int]]:
    """The lines around each place (a rule's matches stand within them), merged. `breaks`:
    the page's line breaks (`line_breaks`), found once for every rule of the page: a search
    back from every place would take time squared on a page that is one long line."""
    if not places:
        return []
    if breaks is None:
        breaks = line_breaks(text)
    spans: list[tuple[int, int]] = []
    for place in places:
        before = bisect.bisect_left(breaks, max(place - WINDOW_BEFORE, 0)) - 1
        start = breaks[before] + 1 if before >= 0 else 0
        after = bisect.bisect_left(breaks, min(place + WINDOW_AFTER, len(text)))
        stop = breaks[after] if after < len(breaks) else len(text)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(stop, spans[-1][1]))
        else:
            spans.append((start, stop))
    return spans
