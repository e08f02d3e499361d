"""Literal prefilters that let a fuzzy pattern skip the text where it cannot match.

A fuzzy pattern (`(?:APPROVED\\s+FOR\\s+RELEASE){e<=3}`) is costly at every position the regex
engine tries, and nearly every position fails. From the pattern we derive *pieces*: short exact
stretches of its literal words (`APP`, `ROVED`, `FOR`, ...). With at most k edits spread over a
fuzzy group of n disjoint pieces, each edit (a substitution, deletion or insertion) falls inside
at most one piece, so every match keeps at least n - k pieces exactly as written. A match also
starts at most a bounded number of non-space characters before each of its pieces (the width of
what comes before the piece: bounded repeats, plus one character per edit); runs of `\\s` are
unbounded, so only non-space characters are counted.

So a position can only start a match if, for some alternative, at least n - k of its pieces
occur after it within their bounds. A window without such a position is not searched, and
the pattern is tried only at such positions (see `Prefilter.finditer`): the matches are those
of `pattern.finditer` over the window.

Patterns the parser below does not understand get no prefilter and are searched as before:
an unknown construct can cost speed, never a match.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress

import regex

from markaudit.engine.compiled import compile_pattern

INF = math.inf
CHUNK = 3  # literal characters per piece: long enough to be rare, short enough to stay intact
_WHITESPACE = frozenset(" \t\n\r\f\v")
_NON_SPACE = regex.compile(r"\S")  # the complement of the `\s` that patterns may repeat freely
_SPACE_NOT_BACKSLASH_S = "\x1c\x1d\x1e\x1f"  # str.isspace, but not `\s` in `regex`


class Unsupported(Exception):
    """A construct the prefilter does not model; the pattern is searched in full."""


# --- a small parser for the regex syntax of the rule pack -----------------------------------

@dataclass(frozen=True, slots=True)
class Lit:
    char: str


@dataclass(frozen=True, slots=True)
class Single:
    source: str  # one character of a class, an escape or `.`
    free: bool  # matches only white space: costs nothing in the start bound


@dataclass(frozen=True, slots=True)
class Zero:
    pass  # anchors, word boundaries and lookarounds: no width, no requirement


@dataclass(frozen=True, slots=True)
class LineStart(Zero):
    pass  # `^`: with MULTILINE, the start of the text or of a line


@dataclass(frozen=True, slots=True)
class Look(Zero):
    """A lookahead or lookbehind: no width, but the engine reads `node`'s text beside it."""

    node: object


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    branches: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Repeat:
    node: object
    low: int
    high: float


@dataclass(frozen=True, slots=True)
class Fuzzy:
    node: object
    edits: int


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0
        self.verbose = False
        if pattern.startswith("(?"):
            end = pattern.find(")")
            flags = pattern[2:end]
            if end > 0 and flags.isalpha():
                self.verbose = "x" in flags
                self.pos = end + 1

    def parse(self) -> object:
        node = self._alternation()
        if self.pos != len(self.text):
            raise Unsupported(f"unexpected {self.text[self.pos]!r}")
        return node

    def _peek(self) -> str:
        self._skip_verbose()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_verbose(self) -> None:
        while self.verbose and self.pos < len(self.text):
            char = self.text[self.pos]
            if char in _WHITESPACE:
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end + 1
            else:
                return

    def _alternation(self) -> object:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            branches.append(self._sequence())
        return branches[0] if len(branches) == 1 else Alt(tuple(branches))

    def _sequence(self) -> Seq:
        items: list[object] = []
        while self._peek() not in ("", "|", ")"):
            items.append(self._quantified(self._atom()))
        return Seq(tuple(items))

    def _quantified(self, node: object) -> object:
        while True:
            char = self._peek()
            if char in ("?", "*", "+"):
                self.pos += 1
                low, high = {"?": (0, 1), "*": (0, INF), "+": (1, INF)}[char]
                node = Repeat(node, low, high)
            elif char == "{":
                end = self.text.find("}", self.pos)
                if end < 0:
                    raise Unsupported("unclosed {")
                body = self.text[self.pos + 1:end]
                self.pos = end + 1
                node = Fuzzy(node, _edit_budget(body)) if "<" in body else Repeat(
                    node, *_counts(body))
            else:
                return node
            if self.pos < len(self.text) and self.text[self.pos] in "?+":
                self.pos += 1  # lazy or possessive: the same text can match

    def _atom(self) -> object:
        char = self.text[self.pos]
        self.pos += 1
        if char == "(":
            return self._group()
        if char == "[":
            return self._set()
        if char == "\\":
            return self._escape()
        if char == "^":
            return LineStart()
        if char == "$":
            return Zero()
        if char == ".":
            return Single(".", free=False)
        if char in "*+?{":
            raise Unsupported("nothing to repeat")
        return Lit(char)

    def _group(self) -> object:
        lookaround = False
        if self.text.startswith("?", self.pos):
            head = self.text[self.pos:self.pos + 4]
            if head.startswith(("?:", "?>")):
                self.pos += 2
            elif head.startswith(("?=", "?!")):
                self.pos += 2
                lookaround = True
            elif head.startswith(("?<=", "?<!")):
                self.pos += 3
                lookaround = True
            elif head.startswith("?P<"):
                self.pos = self.text.index(">", self.pos) + 1
            else:
                flags = regex.match(r"\?([a-wyz-]+):", self.text[self.pos:])
                if flags is None:
                    raise Unsupported("group kind")  # inline flags, verbose switches, ...
                self.pos += flags.end()  # scoped flags such as (?-i:...): case only widens pieces
        node = self._alternation()
        if self._peek() != ")":
            raise Unsupported("unclosed group")
        self.pos += 1
        return Look(node) if lookaround else node

    def _set(self) -> Single:
        start = self.pos - 1
        negated = self.text.startswith("^", self.pos)
        self.pos += negated
        members: list[str] = []
        first = True
        while True:
            if self.pos >= len(self.text):
                raise Unsupported("unclosed set")
            char = self.text[self.pos]
            if char == "]" and not first:
                self.pos += 1
                break
            if char == "[":
                raise Unsupported("nested set")
            if char == "\\":
                members.append(self.text[self.pos:self.pos + 2])
                self.pos += 2
            else:
                members.append(char)
                self.pos += 1
            first = False
        free = not negated and all(m in _WHITESPACE or m in ("\\s", "\\t", "\\n", "\\r",
                                                                "\\f", "\\v") for m in members)
        return Single(self.text[start:self.pos], free)

    def _escape(self) -> object:
        if self.pos >= len(self.text):
            raise Unsupported("trailing backslash")
        char = self.text[self.pos]
        self.pos += 1
        if char in "bBAZG":
            return Zero()
        if char == "s":
            return Single("\\s", free=True)
        if char in "SdDwW":
            return Single("\\" + char, free=False)
        if char in "ntrfv":
            return Lit({"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}[char])
        if char.isalnum():
            raise Unsupported(f"escape \\{char}")  # back references, properties, code points
        return Lit(char)


def _counts(body: str) -> tuple[int, float]:
    low, comma, high = body.partition(",")
    if not (low.isdigit() or low == "") or not (high.isdigit() or high == ""):
        raise Unsupported(f"quantifier {{{body}}}")
    if not comma:
        return int(low), int(low)
    return int(low or 0), int(high) if high else INF


def _edit_budget(body: str) -> int:
    """The most edits a fuzzy constraint allows: `e<=N`, else the sum of s, i and d caps
    (a kind of edit not named is not allowed)."""
    caps: dict[str, int] = {}
    for part in body.split(","):
        kind, _, count = part.strip().partition("<=")
        if kind not in ("e", "s", "i", "d") or not count.strip().isdigit():
            raise Unsupported(f"fuzzy constraint {{{body}}}")
        caps[kind] = int(count)
    return caps["e"] if "e" in caps else sum(caps.values())


# --- what a pattern requires ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Piece:
    source: str  # an exact regex (case is ignored when looking for it)
    bound: float  # most non-space characters a match can hold before the piece


@dataclass(frozen=True, slots=True)
class Alternative:
    """Every match of this alternative holds at least `len(pieces) - edits` pieces intact."""

    pieces: tuple[Piece, ...]
    edits: int

    @property
    def needed(self) -> int:
        return len(self.pieces) - self.edits


def width(node: object) -> float:
    """The most non-space characters a node can consume (INF when unbounded)."""
    if isinstance(node, Lit):
        return 0 if node.char in _WHITESPACE else 1
    if isinstance(node, Single):
        return 0 if node.free else 1
    if isinstance(node, Zero):
        return 0
    if isinstance(node, Seq):
        return sum((width(i) for i in node.items), 0.0)
    if isinstance(node, Alt):
        return max(width(b) for b in node.branches)
    if isinstance(node, Repeat):
        inner = width(node.node)
        return 0 if inner == 0 else inner * node.high
    if isinstance(node, Fuzzy):
        # every insertion or substitution may bring one more non-space character
        return width(node.node) + node.edits
    raise Unsupported(type(node).__name__)


def reach(node: object) -> float:
    """The most non-space characters, from a match's start, that the engine may read to try
    it: its width, plus what each lookaround may read beside it (INF when unbounded)."""
    return width(node) + sum((width(look.node) for look in _looks(node)), 0.0)


def _looks(node: object) -> Iterator[Look]:
    if isinstance(node, Look):
        yield node
        yield from _looks(node.node)
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _looks(item)
    elif isinstance(node, Alt):
        for branch in node.branches:
            yield from _looks(branch)
    elif isinstance(node, Repeat | Fuzzy):
        yield from _looks(node.node)


def requirement(node: object, fuzzy: bool = False) -> tuple[Alternative, ...] | None:
    """Alternatives one of which every match of `node` satisfies; None when nothing is
    required. Bounds are measured from the start of the node's match."""
    if isinstance(node, Alt):
        every = [requirement(b, fuzzy) for b in node.branches]
        return None if any(r is None for r in every) else tuple(a for r in every for a in r)
    if isinstance(node, Repeat):
        # the first repetition starts where the repeat does
        return requirement(node.node, fuzzy) if node.low >= 1 else None
    if isinstance(node, Fuzzy):
        # within an outer fuzzy group an inner one's edits are not counted here: skip it
        return None if fuzzy else _fuzzy_requirement(node)
    if isinstance(node, Seq):
        return _sequence_requirement(node, fuzzy)
    return None


def _sequence_requirement(node: Seq, fuzzy: bool) -> tuple[Alternative, ...] | None:
    best: tuple[Alternative, ...] | None = None
    before = 0.0
    if not fuzzy:
        for run_start, run in _runs(node.items):
            prefix = sum((width(i) for i in node.items[:run_start]), 0.0)
            pieces = _chunks(run, prefix, size=0)
            best = _better(best, (Alternative(pieces, 0),))
    for item in node.items:
        found = requirement(item, fuzzy)
        if found is not None:
            best = _better(best, tuple(
                Alternative(tuple(Piece(p.source, p.bound + before) for p in a.pieces),
                            a.edits) for a in found))
        before += width(item)
    return best


def _fuzzy_requirement(node: Fuzzy) -> tuple[Alternative, ...] | None:
    if isinstance(node.node, Alt):  # the budget holds for whichever branch matches
        every = [_fuzzy_requirement(Fuzzy(b, node.edits)) for b in node.node.branches]
        return None if any(r is None for r in every) else tuple(a for r in every for a in r)
    body = node.node if isinstance(node.node, Seq) else Seq((node.node,))
    runs = list(_runs(body.items))
    letters = sum(isinstance(i, Lit) for _, run in runs for i in run)
    # Short pieces for a large budget: CONFIDENTIAL with three edits is six pairs of which
    # three stand, not two halves of which none need to. But never single letters, which are
    # on every line: looking for them cost more than the search they spared (IMPDET, PAGE,
    # measured). SECRET with two edits is three pairs, one of which stands.
    size = max(1, min(CHUNK, letters // (node.edits + 2)))
    if size == 1 and letters >= 2 * (node.edits + 1):
        size = 2
    pieces: list[Piece] = []
    for run_start, run in runs:
        # the edits may each bring one more character before the piece
        prefix = sum((width(i) for i in body.items[:run_start]), 0.0) + node.edits
        pieces.extend(_chunks(run, prefix, size))
    if len(pieces) <= node.edits:
        return None
    return (Alternative(tuple(pieces), node.edits),)


def _runs(items: tuple[object, ...]) -> Iterator[tuple[int, list[object]]]:
    """Stretches of literal characters, with optional single characters between them
    (`S[ -]?E[ -]?C`): text that a match holds verbatim unless an edit falls inside."""
    run: list[object] = []
    start = 0
    for index, item in enumerate((*items, None)):
        optional = (isinstance(item, Repeat) and item.low == 0 and item.high == 1
                    and isinstance(item.node, Lit | Single))
        if isinstance(item, Lit) or (optional and run):
            if not run:
                start = index
            run.append(item)
            continue
        while run and not isinstance(run[-1], Lit):
            run.pop()
        if run:
            yield start, run
        run = []


def _chunks(run: list[object], prefix: float, size: int) -> tuple[Piece, ...]:
    """The run cut into pieces of `size` letters (the last takes the rest); one piece when
    `size` is 0 (an exact run is wholly there or not at all)."""
    pieces: list[Piece] = []
    source: list[str] = []
    letters = 0
    start_bound = prefix
    consumed = prefix
    total = sum(isinstance(i, Lit) for i in run)
    for item in run:
        source.append(_source(item))
        if isinstance(item, Lit):
            letters += 1
            total -= 1
        consumed += width(item)
        if size and letters >= size and total >= size and isinstance(item, Lit):
            pieces.append(Piece("".join(source), start_bound))
            source, letters, start_bound = [], 0, consumed
    if source:
        pieces.append(Piece("".join(source), start_bound))
    return tuple(pieces)


def _source(item: object) -> str:
    if isinstance(item, Lit):
        return regex.escape(item.char)
    if isinstance(item, Single):
        return item.source
    assert isinstance(item, Repeat)
    return f"(?:{_source(item.node)})?"


def _better(old: tuple[Alternative, ...] | None,
            new: tuple[Alternative, ...]) -> tuple[Alternative, ...]:
    """The more selective requirement: more literal text that must stand intact."""
    def strength(alternatives: tuple[Alternative, ...]) -> float:
        return min(a.needed * min(len(p.source) for p in a.pieces) for a in alternatives)
    if not new or min(a.needed for a in new) < 1:
        return old  # type: ignore[return-value]
    return new if old is None or strength(new) > strength(old) else old


# --- searching with a prefilter -------------------------------------------------------------

_LINE_BREAK = regex.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # any `^` may follow
NARROW = 64  # intervals narrower than this are tried place by place (measured: 16 and 256 slower)
SPREAD = 4  # past this many piece looks per character of the page, a prefilter is not worth it


@dataclass
class PageText:
    """What the prefilters of one page share: piece positions, non-space positions, and each
    prefilter's possible starts."""

    text: str
    _found: dict[str, list[int]] = field(default_factory=dict)
    # by id, with the prefilter kept alive so that its id cannot be reused by another
    _starts: dict[tuple[int, object], tuple[Prefilter, list[tuple[int, int]] | None]] = field(
        default_factory=dict)
    _non_space: list[int] | None = None
    _line_starts: list[int] | None = None
    _upper: str | None = None

    def occurrences(self, piece: str) -> list[int]:
        found = self._found.get(piece)
        if found is None:
            if piece.isalnum() and self.upper is not None:
                found = _every(self.upper, piece.upper())  # a plain word: str.find is quicker
            else:
                finder = _piece_finder(piece)
                found = [m.start() for m in finder.finditer(self.text)]
            self._found[piece] = found
        return found

    @property
    def upper(self) -> str | None:
        """The text in capitals, where that keeps every position (None where it does not)."""
        if self._upper is None:
            upper = self.text.upper()
            self._upper = upper if len(upper) == len(self.text) else ""
        return self._upper or None

    @property
    def non_space(self) -> list[int]:
        if self._non_space is None:
            text = self.text
            if any(c in text for c in _SPACE_NOT_BACKSLASH_S):
                self._non_space = [m.start() for m in _NON_SPACE.finditer(text)]
            else:  # the same positions, some four times quicker
                self._non_space = list(compress(range(len(text)),
                                                map(operator.not_, map(str.isspace, text))))
        return self._non_space

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        return self._line_starts

    def starts(self, prefilter: Prefilter, within: Sequence[tuple[int, int]] | None = None
               ) -> list[tuple[int, int]] | None:
        key = (id(prefilter), None if within is None else tuple(within))
        cached = self._starts.get(key)
        if cached is None or cached[0] is not prefilter:
            cached = self._starts[key] = (prefilter, prefilter.starts(self, within))
        return cached[1]


def _every(text: str, word: str) -> list[int]:
    """Every position of `word` in `text`, overlapping ones too."""
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


_FINDERS: dict[str, regex.Pattern[str]] = {}


def _piece_finder(piece: str) -> regex.Pattern[str]:
    finder = _FINDERS.get(piece)
    if finder is None:
        # a lookahead finds overlapping occurrences; ignoring case only finds more
        finder = _FINDERS[piece] = compile_pattern(f"(?=(?:{piece}))", regex.IGNORECASE)
    return finder


@dataclass(frozen=True, slots=True)
class Prefilter:
    alternatives: tuple[Alternative, ...]
    at_line_start: bool  # every match begins where `^` holds
    # The most non-space characters the engine reads from a match's start (see `reach`): a
    # search for a match that begins by some place need not run further than this past it,
    # and a match that reads a place (holds it, or looks ahead to it) begins at most this far
    # before it.
    reach: float = INF

    def starts(self, page: PageText, within: Sequence[tuple[int, int]] | None = None
               ) -> list[tuple[int, int]] | None:
        """Where on the page a match could begin: sorted, disjoint (first, last) intervals
        holding every real start (and some others), or None when the pieces are so common that
        looking would cost more than it saves. `within`: sorted, disjoint intervals outside
        which no match begins anyway: a piece found where it could start none is passed by.

        The page is taken whole: a window's possible starts are among the page's, since the
        pieces inside the window are among the page's pieces.
        """
        spans: list[tuple[int, int]] = []
        budget = SPREAD * len(page.text) + 64
        for alternative in self.alternatives:
            tried = self._alternative_starts(alternative, page, spans, budget, within)
            if tried is None:
                return None
            budget -= tried
        return _merged(sorted(spans))

    def _alternative_starts(self, alternative: Alternative, page: PageText,
                            spans: list[tuple[int, int]], budget: int,
                            within: Sequence[tuple[int, int]] | None = None) -> int | None:
        """Add the intervals of possible starts of one alternative; the work done, or None.

        Any edits + 1 pieces hold an intact one: the rarest seed the intervals. A seed found at
        `at` allows starts from `first` (its bound before it) to `at`; such a start needs
        `needed` pieces, each at most its bound after the start, so each within [first, the
        point its bound reaches past `at`]. Counting the pieces found there is one look per
        piece and seed, and keeps every real start.
        """
        positions = [page.occurrences(p.source) for p in alternative.pieces]
        if sum(1 for p in positions if p) < alternative.needed:
            return 0
        non_space = page.non_space
        seeds = sorted(range(len(positions)), key=lambda i: len(positions[i]))
        seeds = seeds[:alternative.edits + 1]
        looks = sum(len(positions[i]) for i in seeds) * len(positions)
        if looks > budget:  # known before any look is taken
            return None
        for index in seeds:
            for at in positions[index]:
                first = _earliest(non_space, at, alternative.pieces[index].bound, 0)
                if within is not None and not _meets(within, first, at):
                    continue
                here = bisect.bisect_left(non_space, at)
                found = 0
                for piece, every in zip(alternative.pieces, positions, strict=True):
                    i = bisect.bisect_left(every, first)
                    if i < len(every) and (piece.bound == INF or here + piece.bound >= len(
                            non_space) or every[i] <= non_space[here + int(piece.bound)]):
                        found += 1
                if found < alternative.needed:
                    continue
                if self.at_line_start:  # `^` holds only at line starts: the span's, if any
                    lines = page.line_starts
                    low, high = bisect.bisect_left(lines, first), bisect.bisect_right(lines, at)
                    if low < high:
                        spans.append((lines[low], lines[high - 1]))
                else:
                    spans.append((first, at))
        return looks

    def finditer(self, pattern: regex.Pattern[str], page: PageText, start: int, end: int,
                 timeout: float, held: Sequence[int] | None = None
                 ) -> Iterator[regex.Match[str]]:
        """Exactly the matches of `pattern.finditer(text, start, end)`, found with less work.

        Every match the engine reports is a real match, so it begins inside one of `starts`;
        and finditer reports matches in order, each after the one before. So a window with no
        possible start has no match, and a scan need only look where a match could begin.
        A search begins a character before such a place, never on it: a fuzzy search begun
        exactly where a match begins can miss it (a search from the "B" of "Boclassity on:
        OADR" finds nothing; one from the character before finds the match at the "B").

        `held`: sorted places of which every match reads one, by the end of what it reads
        (where the word scan found a part of the rule's words, engine/scan.py; the words may
        stand in a lookahead past the match, as a banner's `followed_by` does). A match then
        begins at most `reach` non-space characters before one of them, and only there is it
        looked for.
        """
        if held is None:
            spans = page.starts(self)
        else:
            around = self._around(page, held)
            spans = page.starts(self, around)
            spans = around if spans is None else _intersection(spans, around)
        if spans is None:
            yield from pattern.finditer(page.text, start, end, timeout=timeout)
            return
        # the intervals reaching into the window: the first ends at or after its start
        first = bisect.bisect_left(spans, (start, -1))
        if first > 0 and spans[first - 1][1] >= start:
            first -= 1
        if first == len(spans) or spans[first][0] >= end:
            return
        yield from self._start_by_start(pattern, page, spans[first:], start, end, timeout)

    def _around(self, page: PageText, held: Sequence[int]) -> list[tuple[int, int]]:
        """Where a match that reads one of the places `held` may begin, merged."""
        # Sorted already: the earliest start moves on with the place.
        return _merged([(_earliest(page.non_space, place, self.reach, 0), place)
                        for place in held])

    def _start_by_start(self, pattern: regex.Pattern[str], page: PageText,
                        spans: list[tuple[int, int]], start: int, end: int,
                        timeout: float) -> Iterator[regex.Match[str]]:
        """The matches, found by trying the pattern where a match could begin, not between.

        A search from an interval scans on through the text after it until a match is found,
        and a long fuzzy pattern costs much at every character (measured: most of the time
        went to the gaps between intervals). So a narrow interval's places are tried one by
        one with `match`; from the first that holds (or at once, for a wide interval), the
        engine's own search runs from the character before it, as a whole-text search would
        reach it, and gives the next match. `match` holds wherever that search would report a
        match beginning (and at a few places more, which only cost a search): the markings of
        `../shared/corpus` and of the benchmark collection are the same as a whole-page scan's.

        Each look stops where the pattern's `reach` past the interval's last place runs out:
        a match begun in the interval reads no further, so what it finds there is what a look
        to the window's end would find. A match the search finds beyond the interval is left
        for the interval it begins in, where it is looked for again with its own bound.
        """
        text = page.text
        position = start
        index = 0
        while index < len(spans):
            first, last = spans[index]
            if first >= end:
                return
            if last < position:
                index += 1
                continue
            stop = self._stop(page, last, end)
            at = max(first, position)
            if last - at < NARROW:
                while at <= last and at < end and pattern.match(
                        text, at, stop, timeout=timeout) is None:
                    at += 1
                if at > last or at >= end:
                    index += 1
                    continue
            match = pattern.search(text, max(position, at - 1), stop, timeout=timeout)
            if match is None or match.start() > last:
                index += 1
                continue
            yield match
            if match.end() == match.start():  # an empty match: finditer knows what comes next
                matches = pattern.finditer(text, max(position, at - 1), end, timeout=timeout)
                next(matches, None)  # the match just given
                yield from matches
                return
            position = match.end()

    def _stop(self, page: PageText, last: int, end: int) -> int:
        """Where a look for a match that begins by `last` may stop: one character past the
        `reach`-th non-space character after it (so that what stands right after a match, as
        a lookahead or `$` reads it, is the page's own), or `end`."""
        if self.reach == INF:
            return end
        non_space = page.non_space
        after = bisect.bisect_left(non_space, last) + int(self.reach)
        return end if after >= len(non_space) else min(end, non_space[after] + 1)


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted (first, last) intervals, those that overlap or touch joined."""
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def _meets(intervals: Sequence[tuple[int, int]], first: int, last: int) -> bool:
    """Whether [first, last] meets one of the sorted, disjoint `intervals`."""
    index = bisect.bisect_left(intervals, (first, -1))
    if index > 0 and intervals[index - 1][1] >= first:
        return True
    return index < len(intervals) and intervals[index][0] <= last


def _intersection(one: list[tuple[int, int]], other: list[tuple[int, int]]
                  ) -> list[tuple[int, int]]:
    """The places in both lists of sorted, disjoint (first, last) intervals."""
    both: list[tuple[int, int]] = []
    i = j = 0
    while i < len(one) and j < len(other):
        first, last = max(one[i][0], other[j][0]), min(one[i][1], other[j][1])
        if first <= last:
            both.append((first, last))
        if one[i][1] < other[j][1]:
            i += 1
        else:
            j += 1
    return both


def _earliest(non_space: list[int], at: int, bound: float, floor: int) -> int:
    """The first position from which at most `bound` non-space characters lie before `at`."""
    if bound == INF:
        return floor
    before = bisect.bisect_left(non_space, at)  # non-space characters before `at`
    cut = before - int(bound) - 1
    return floor if cut < 0 else max(floor, non_space[cut] + 1)


def prefilter(pattern: str) -> Prefilter | None:
    """A prefilter for a fuzzy pattern, or None (not fuzzy, or not understood)."""
    try:
        tree = _Parser(pattern).parse()
        if not _is_fuzzy(tree):
            return None
        found = requirement(tree)
    except (Unsupported, ValueError, IndexError, RecursionError):  # (deep nesting)
        return None
    return Prefilter(found, _at_line_start(tree), reach(tree)) if found else None


@dataclass(frozen=True, slots=True)
class LineFilter:
    """For a pattern searched line by line: pieces that every match holds exactly (no edit
    falls on them), one alternative's all. A line without them is not searched.

    Fuzzy pieces are left out: a banner's level, with two edits, leaves pairs of letters that
    most lines hold, and counting them cost what the search cost (measured). Exact ones, as a
    cable header's STAFF or STATE, are found on the whole page in one look each.
    """

    alternatives: tuple[Alternative, ...]

    def windows(self, page: PageText, windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The windows (sorted, disjoint spans of `page.text`) that may hold a match."""
        starts = [start for start, _ in windows]
        kept: set[int] = set()
        for alternative in self.alternatives:
            holding: set[int] | None = None
            for piece in alternative.pieces:
                found = set()
                for at in page.occurrences(piece.source):
                    index = bisect.bisect_right(starts, at) - 1
                    if index >= 0 and at < windows[index][1]:
                        found.add(index)
                holding = found if holding is None else holding & found
                if not holding:
                    break
            kept |= holding or set()
        return [windows[index] for index in sorted(kept)]


def line_filter(pattern: str) -> LineFilter | None:
    """The exact pieces a line pattern's matches hold, or None where it has none."""
    try:
        tree = _Parser(pattern).parse()
        parts = tree.items if isinstance(tree, Seq) else (tree,)
        best: tuple[Alternative, ...] | None = None
        if isinstance(tree, Seq):
            for _, run in _runs(tree.items):
                best = _better(best, (Alternative(_chunks(run, 0.0, size=0), 0),))
        for part in parts:
            found = requirement(part)
            if found is not None and all(a.edits == 0 for a in found):
                best = _better(best, found)
    except (Unsupported, ValueError, IndexError, RecursionError):  # (deep nesting)
        return None
    return LineFilter(best) if best else None


def _at_line_start(node: object) -> bool:
    if isinstance(node, Alt):
        return all(_at_line_start(b) for b in node.branches)
    return isinstance(node, Seq) and bool(node.items) and isinstance(node.items[0], LineStart)


def _is_fuzzy(node: object) -> bool:
    if isinstance(node, Fuzzy):
        return True
    if isinstance(node, Seq):
        return any(_is_fuzzy(i) for i in node.items)
    if isinstance(node, Alt):
        return any(_is_fuzzy(b) for b in node.branches)
    if isinstance(node, Repeat):
        return _is_fuzzy(node.node)
    return False


# --- as plain data, for the cache folder (engine/compiled.py) -------------------------------

def to_data(found: Prefilter | LineFilter | None) -> object:
    """A prefilter or line filter as JSON data (an unbounded `bound` as null)."""
    if found is None:
        return None
    alternatives = [{"pieces": [[p.source, None if p.bound == INF else p.bound]
                                for p in a.pieces], "edits": a.edits}
                    for a in found.alternatives]
    if isinstance(found, LineFilter):
        return {"line_filter": alternatives}
    return {"prefilter": alternatives, "at_line_start": found.at_line_start,
            "reach": None if found.reach == INF else found.reach}


def prefilter_from_data(data: object) -> Prefilter | None:
    """The prefilter (or None) `to_data` gave; ValueError for anything else."""
    if data is None:
        return None
    if isinstance(data, dict) and set(data) == {"prefilter", "at_line_start", "reach"} \
            and isinstance(data["at_line_start"], bool) and _is_bound(data["reach"]):
        return Prefilter(_alternatives(data["prefilter"]), data["at_line_start"],
                         _bound(data["reach"]))
    raise ValueError("not a prefilter")


def line_filter_from_data(data: object) -> LineFilter | None:
    """The line filter (or None) `to_data` gave; ValueError for anything else."""
    if data is None:
        return None
    if isinstance(data, dict) and set(data) == {"line_filter"}:
        return LineFilter(_alternatives(data["line_filter"]))
    raise ValueError("not a line filter")


def _alternatives(data: object) -> tuple[Alternative, ...]:
    if not isinstance(data, list) or not data:
        raise ValueError("no alternatives")
    alternatives = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"pieces", "edits"}:
            raise ValueError("not an alternative")
        pieces, edits = item["pieces"], item["edits"]
        if not isinstance(pieces, list) or not _is_count(edits) or edits > len(pieces):
            raise ValueError("not an alternative")
        alternatives.append(Alternative(tuple(_piece(p) for p in pieces), edits))
    return tuple(alternatives)


def _piece(data: object) -> Piece:
    if not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], str) or not (
            data[1] is None or ((_is_count(data[1]) or isinstance(data[1], float))
            and data[1] >= 0)):
        raise ValueError("not a piece")
    source = data[0]
    # A piece is literal text, sets and optional items: never a group of another kind (a
    # recursion, say); and it must compile, as it is searched for (the same finder, kept).
    if "(?" in source.replace("(?:", "") or (not source.isalnum() and _finds(source) is None):
        raise ValueError("not a piece")
    return Piece(source, INF if data[1] is None else float(data[1]))


def _finds(piece: str) -> regex.Pattern[str] | None:
    try:
        return _piece_finder(piece)
    except regex.error:
        return None


def _is_bound(value: object) -> bool:
    """A count of characters as `to_data` writes it: a number at least 0, or null for INF."""
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool)
                             and value >= 0)


def _bound(value: object) -> float:
    return INF if value is None else float(value)  # type: ignore[arg-type]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
