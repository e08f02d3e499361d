"""Refuse regular expressions that can backtrack exponentially, before they meet a document.

A repetition whose body can match the same text in more than one way, such as `(a+)+`,
`(\\w*)*`, `(a|aa)+` or `(.*a){20}`, makes a backtracking engine try every way on a line that
almost matches: the time doubles with each character. The runtime limit in detect.py stops such
a pattern on a page, but then the rule finds nothing there; the loader tells the author instead.

The check reads the pattern's parse tree (Python's own `re` parser, on a copy of the pattern
with the `regex` module's extra syntax translated or removed) and looks, inside every repetition
that may run more than ten times, for

- an unbounded inner repetition that can also match what may follow it (the next part of the
  body, or, at the end of the body, the start of the next round): `(a+)+`, `(.*a){20}`;
- alternatives that can match the same text, or one of them a start of another that the rest
  can complete: `(\\w|\\d)+`, `(a|aa)+`.

Possessive repetitions (`a++`) and atomic groups (`(?>...)`) never give back what they matched,
so they are safe. A pattern the `re` parser cannot read is not judged (None): the check must
never refuse a valid rule for want of understanding it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

# The characters sets are compared on: enough of each class (letters, digits, spaces,
# punctuation, a non-ASCII letter, a character of no class) to tell overlapping sets apart.
ALPHABET = frozenset(string.ascii_letters + string.digits + string.punctuation + " \t\n"
                     + "é\u00a0\ue000")
MANY = 10  # a repetition that may run this many times or more is a loop worth checking
_SHOWN = 60  # characters of a pattern shown in a message

# Python 3.10 has no possessive repetitions or atomic groups (such patterns do not parse there).
_POSSESSIVE = getattr(sre, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre, "ATOMIC_GROUP", None)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_VOCABULARY = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_VOCABULARY_GROUP = "markauditvocab"
_VOCABULARY_SHOWN = re.compile(rf"\(\?P<{_VOCABULARY_GROUP}\d+_(\w+)>\[a-z\]\[a-z \]\[a-z\]\)")


@dataclass(frozen=True, slots=True)
class Danger:
    """Why a pattern can take exponential time, and how to fix it."""

    loop: str  # the repetition at fault, as a pattern
    reason: str
    fix: str

    def __str__(self) -> str:
        return (f"nested repetition `{self.loop}` can take exponential time: {self.reason}; "
                f"{self.fix}")


def catastrophic(pattern: str, case_sensitive: bool = False) -> Danger | None:
    """The reason `pattern` can backtrack exponentially, or None if it cannot (or cannot be
    read by the `re` parser). `{{name}}` word lists count as a run of letters."""
    translated = _translate(pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        parsed = sre_parse.parse(translated, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    state = getattr(parsed, "state", None) or getattr(parsed, "pattern", None)
    names = {number: name for name, number in getattr(state, "groupdict", {}).items()}
    danger = _Checker(names, ignore_case=not case_sensitive).search(list(parsed))
    if danger is None:
        return None
    source = _source(translated, danger.loop, flags | (getattr(state, "flags", 0) & re.VERBOSE))
    return Danger(source, danger.reason, danger.fix) if source else danger


def _source(translated: str, shown: str, flags: int) -> str | None:
    """The loop as the author wrote it (`(a|aa)+`, where the parse tree reads `(a(?:|a))+`):
    the piece of the pattern that parses to the same loop. Only run on a refused pattern."""
    if len(translated) > 2000:
        return None
    ends = [m.end() for m in re.finditer(r"(?<!\\)(?:[*+?]|\{[\d,]+\})[?+]?", translated)]
    for start in range(len(translated)):
        for end in ends:
            if end <= start:
                continue
            try:
                parsed = sre_parse.parse(translated[start:end], flags)
            except (re.error, RecursionError, OverflowError, ValueError):
                continue
            if len(parsed) != 1 or parsed[0][0] not in _REPEATS:
                continue
            state = getattr(parsed, "state", None) or getattr(parsed, "pattern", None)
            names = {n: name for name, n in getattr(state, "groupdict", {}).items()}
            if _Checker(names, ignore_case=False).show(list(parsed)) == shown:
                return _VOCABULARY_SHOWN.sub(r"{{\1}}", translated[start:end]).strip()
    return None


def _translate(pattern: str) -> str:
    """The pattern in the syntax of Python's `re`: word lists become a named run of letters,
    fuzzy constraints (`{e<=1}`) go, `regex`-only spellings become their `re` equivalents."""
    counter = iter(range(10**6))
    text = _VOCABULARY.sub(
        lambda m: f"(?P<{_VOCABULARY_GROUP}{next(counter)}_{m.group(1)}>[a-z][a-z ][a-z])",
        pattern)
    text = re.sub(r"(?<!\\)\{[^{}]*<[^{}]*\}", "", text)          # fuzzy: {e<=1}, {1<=e<=2}
    text = re.sub(r"\(\?<(?![=!])(\w+)>", r"(?P<\1>", text)        # (?<name>...)
    text = re.sub(r"\\[pP]\{[^}]*\}", r"\\w", text)                # \p{L}
    text = re.sub(r"\[:\^?\w+:\]", r"\\w", text)                   # [[:alpha:]]
    text = text.replace("(?|", "(?:")                              # branch reset
    return re.sub(r"\\[mM]", r"\\b", text)                         # word start / end


Item = tuple[Any, Any]  # one node of the parse tree: (opcode, argument)


class _Checker:
    """Character sets and ambiguity over a parse tree."""

    def __init__(self, group_names: dict[int, str], ignore_case: bool) -> None:
        self.names = group_names
        self.ignore_case = ignore_case

    # --- finding loops ------------------------------------------------------------------

    def search(self, items: list[Item]) -> Danger | None:
        """The first repetition in `items` (at any depth) that can backtrack exponentially."""
        for op, av in items:
            if op in _REPEATS and (av[1] == sre.MAXREPEAT or av[1] >= MANY) and _branches(av[2]):
                body = list(av[2])
                danger = self._ambiguity(body, (op, av))
                if danger:
                    return danger
            danger = next((d for sub in _children(op, av) if (d := self.search(sub))), None)
            if danger:
                return danger
        return None

    def _ambiguity(self, body: list[Item], loop: Item) -> Danger | None:
        """Whether one round of the loop can match a text in two ways. The round is followed
        by the start of the next round, so that is where the body's end is read against."""
        shown = self.show([loop])
        for kind, item, _, detail in self._walk(body, self.first(body)):
            if kind == "repeat" and detail is not None:
                following = self.show([detail])
                example = f" (`[^{following}]*`)" if detail[0] == sre.LITERAL else ""
                return Danger(shown, f"the inner `{self.show([item])}` can also match the "
                              f"`{following}` after it", "narrow the inner part so that it "
                              f"cannot{example}")
            if kind == "repeat":
                possessive = self.show([loop], possessive={id(item[1])})
                return Danger(shown, f"the inner `{self.show([item])}` and the next round of "
                              "the outer repetition can match the same characters", "make the "
                              f"inner part possessive `{possessive}` or atomic `(?>...)`")
            if kind == "branch":
                return Danger(shown, f"its alternatives `{detail[0]}` and `{detail[1]}` can "
                              "match the same text", "make the alternatives exclusive, or the "
                              "group atomic `(?>...)`")
        return None

    def show(self, items: list[Item], possessive: frozenset[int] | set[int] = frozenset()
             ) -> str:
        """A part of the parse tree as pattern text, shortened; repetitions whose argument's
        id is in `possessive` are shown possessive (the fix)."""
        text = _render(items, self.names, possessive)
        return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"

    def _walk(self, items: list[Item], follow: frozenset[str]
              ) -> Iterator[tuple[str, Item, frozenset[str], Any]]:
        """Yield the ambiguous parts of a sequence whose end is followed by `follow`:
        ("repeat", inner repetition, ..., the item it overlaps or None at the end) and
        ("branch", alternation, ..., the two alternatives shown)."""
        for index, (op, av) in enumerate(items):
            rest = items[index + 1:]
            after = self.first(rest) | (follow if self.nullable(rest) else frozenset())
            if op in _REPEATS:
                body = list(av[2])
                if av[1] == sre.MAXREPEAT:
                    chars = self.chars(body)
                    overlapping = self._overlapping(rest, chars)
                    if overlapping is not None or (self.nullable(rest) and chars & follow):
                        yield "repeat", (op, av), after, overlapping
                yield from self._walk(body, self.first(body) | after)
            elif op == sre.SUBPATTERN:
                yield from self._walk(list(av[-1]), after)
            elif op == sre.BRANCH:
                # The parser moves a prefix the alternatives share in front of them: shown
                # with it, `(a|aa)` reads `a` and `aa` rather than `` and `a`.
                branches = [list(b) for b in av[1]]
                pair = self._ambiguous_pair(branches, after, items[:index])
                if pair:
                    yield "branch", (op, av), after, pair
                for branch in branches:
                    yield from self._walk(branch, after)
            # possessive repetitions, atomic groups and lookarounds give nothing back

    def _overlapping(self, rest: list[Item], chars: frozenset[str]) -> Item | None:
        """The first of the items after an inner repetition that can start with one of its
        `chars`, or None. Another optional unbounded run after it does not count: two runs
        of the same characters side by side (`\\s*-?\\s*`) only share them out within one
        round, which the `regex` module's guards keep fast (measured), and banners need them."""
        for op, av in rest:
            optional_run = op in _REPEATS and av[1] == sre.MAXREPEAT and self._nullable(op, av)
            if not optional_run and self.first([(op, av)]) & chars:
                return op, av
            if not self._nullable(op, av):
                return None
        return None

    def _ambiguous_pair(self, branches: list[list[Item]], follow: frozenset[str],
                        prefix: list[Item]) -> tuple[str, str] | None:
        """Two fixed-length alternatives where one matches what the other does, or a start of
        it that `follow` can complete."""
        fixed = [(b, sets) for b in branches if (sets := self._fixed(b)) is not None]
        for i, (left, short) in enumerate(fixed):
            for right, long in fixed[i + 1:]:
                if len(short) > len(long):
                    (left, short), (right, long) = (right, long), (left, short)
                if all(a & b for a, b in zip(short, long, strict=False)) and (
                        len(short) == len(long) or long[len(short)] & follow):
                    return self.show(prefix + left), self.show(prefix + right)
        return None

    def _fixed(self, items: list[Item]) -> list[frozenset[str]] | None:
        """The character set of each position, for a sequence without repetitions or
        alternatives; None otherwise."""
        sets: list[frozenset[str]] = []
        for op, av in items:
            if op == sre.SUBPATTERN:
                inner = self._fixed(list(av[-1]))
                if inner is None:
                    return None
                sets += inner
            elif op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
                sets.append(self.first([(op, av)]))
            elif op != sre.AT:
                return None
        return sets

    # --- character sets -----------------------------------------------------------------

    def nullable(self, items: list[Item]) -> bool:
        return all(self._nullable(op, av) for op, av in items)

    def _nullable(self, op: Any, av: Any) -> bool:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return False
        if op in (*_REPEATS, _POSSESSIVE):
            return av[0] == 0 or self.nullable(list(av[2]))
        if op == sre.SUBPATTERN:
            return self.nullable(list(av[-1]))
        if op == _ATOMIC:
            return self.nullable(list(av))
        if op == sre.BRANCH:
            return any(self.nullable(list(b)) for b in av[1])
        return True  # anchors, lookarounds, back references: may match nothing

    def first(self, items: list[Item]) -> frozenset[str]:
        """The characters a match of the sequence can start with."""
        found: set[str] = set()
        for op, av in items:
            found |= self._ends(op, av, first=True)
            if not self._nullable(op, av):
                break
        return frozenset(found)

    def chars(self, items: list[Item]) -> frozenset[str]:
        """Every character a match of the sequence can hold."""
        found: set[str] = set()
        for op, av in items:
            if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
                found |= self._ends(op, av, first=True)
            elif op not in (sre.ASSERT, sre.ASSERT_NOT):
                for sub in _children(op, av):
                    found |= self.chars(sub)
        return frozenset(found)

    def _ends(self, op: Any, av: Any, first: bool) -> frozenset[str]:
        if op == sre.LITERAL:
            return self._cased({chr(av)})
        if op == sre.NOT_LITERAL:
            return ALPHABET - self._cased({chr(av)})
        if op == sre.ANY:
            return ALPHABET - {"\n"}
        if op == sre.IN:
            return self._set(av)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return frozenset()
        found: set[str] = set()
        for sub in _children(op, av):
            found |= self.first(sub)
        return frozenset(found)

    def _cased(self, chars: set[str]) -> frozenset[str]:
        if not self.ignore_case:
            return frozenset(chars)
        return frozenset(c for ch in chars for c in (ch, ch.lower(), ch.upper()))

    def _set(self, members: list[Item]) -> frozenset[str]:
        return _class_set(tuple(members), self.ignore_case)


@lru_cache(maxsize=1024)
def _class_set(members: tuple[Item, ...], ignore_case: bool) -> frozenset[str]:
    """The characters of ALPHABET a character class `[...]` matches."""
    negate = bool(members) and members[0][0] == sre.NEGATE
    found = {ch for ch in ALPHABET
             if any(_in_member(m, c) for m in members
                    for c in ((ch, ch.lower(), ch.upper()) if ignore_case else (ch,)))}
    return ALPHABET - found if negate else frozenset(found)


def _branches(items: Any) -> bool:
    """Whether a loop's body holds a repetition or an alternation: without either, a round
    can match a text in one way only."""
    return any(op in (*_REPEATS, sre.BRANCH) or any(_branches(s) for s in _children(op, av))
               for op, av in items)


def _children(op: Any, av: Any) -> list[list[Item]]:
    """The sub-sequences of a node."""
    if op in (*_REPEATS, _POSSESSIVE):
        return [list(av[2])]
    if op == sre.SUBPATTERN:
        return [list(av[-1])]
    if op == _ATOMIC:
        return [list(av)]
    if op == sre.BRANCH:
        return [list(b) for b in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [list(av[1])]
    if op == sre.GROUPREF_EXISTS:
        return [list(b) for b in av[1:] if b is not None]
    return []


_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdigit, sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
}
_NOT_CATEGORIES = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT,
                   sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
                   sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD}


def _in_member(member: Item, ch: str) -> bool:
    op, av = member
    if op == sre.LITERAL:
        return chr(av) == ch
    if op == sre.RANGE:
        return av[0] <= ord(ch) <= av[1]
    if op == sre.CATEGORY:
        if av in _NOT_CATEGORIES:
            return not _CATEGORIES[_NOT_CATEGORIES[av]](ch)
        test = _CATEGORIES.get(av)
        return bool(test and test(ch))
    return False


# --- showing a part of a pattern ------------------------------------------------------------

_AT = {sre.AT_BEGINNING: "^", sre.AT_BEGINNING_LINE: "^", sre.AT_END: "$",
       sre.AT_END_LINE: "$", sre.AT_BOUNDARY: r"\b", sre.AT_NON_BOUNDARY: r"\B",
       sre.AT_BEGINNING_STRING: r"\A", sre.AT_END_STRING: r"\Z"}
_CLASS = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
          sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
          sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}


def _render(items: list[Item], names: dict[int, str], possessive: frozenset[int] | set[int]
            ) -> str:
    parts = []
    for op, av in items:
        text = _render_item(op, av, names, possessive)
        parts.append(f"(?:{text})" if op == sre.BRANCH and len(items) > 1 else text)
    return "".join(parts)


def _render_item(op: Any, av: Any, names: dict[int, str],
                 possessive: frozenset[int] | set[int]) -> str:
    """One node of a parse tree back as pattern text."""
    if op == sre.LITERAL:
        return _char(chr(av))
    if op == sre.NOT_LITERAL:
        return f"[^{_char(chr(av))}]"
    if op == sre.ANY:
        return "."
    if op == sre.IN:
        if len(av) == 1 and av[0][0] == sre.CATEGORY:
            return _CLASS.get(av[0][1], "?")
        inner = "".join("^" if o == sre.NEGATE else _CLASS.get(a, "?") if o == sre.CATEGORY
                        else f"{_char(chr(a[0]))}-{_char(chr(a[1]))}" if o == sre.RANGE
                        else _char(chr(a)) for o, a in av)
        return f"[{inner}]"
    if op == sre.AT:
        return _AT.get(av, "")
    if op == sre.BRANCH:
        return "|".join(_render(list(b), names, possessive) for b in av[1])
    if op == sre.SUBPATTERN:
        name = names.get(av[0]) if av[0] else None
        inner = _render(list(av[-1]), names, possessive)
        if name and name.startswith(_VOCABULARY_GROUP):
            return "{{" + name.split("_", 1)[1] + "}}"
        return f"(?P<{name}>{inner})" if name else f"({inner})" if av[0] else f"(?:{inner})"
    if op == _ATOMIC:
        return f"(?>{_render(list(av), names, possessive)})"
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        sign = ("=" if op == sre.ASSERT else "!")
        return f"(?{'<' if av[0] < 0 else ''}{sign}{_render(list(av[1]), names, possessive)})"
    if op in (*_REPEATS, _POSSESSIVE):
        low, high, body = av
        inner = _render(list(body), names, possessive)
        if len(body) != 1 or body[0][0] in (sre.BRANCH, *_REPEATS, _POSSESSIVE):
            inner = f"(?:{inner})"
        count = ("*" if (low, high) == (0, sre.MAXREPEAT) else
                 "+" if (low, high) == (1, sre.MAXREPEAT) else
                 "?" if (low, high) == (0, 1) else
                 f"{{{low}}}" if low == high else
                 f"{{{low},}}" if high == sre.MAXREPEAT else f"{{{low},{high}}}")
        mode = ("+" if op == _POSSESSIVE or id(av) in possessive else
                "?" if op == sre.MIN_REPEAT else "")
        return inner + count + mode
    return ""


def _char(ch: str) -> str:
    return {"\n": r"\n", "\t": r"\t"}.get(ch, re.escape(ch) if ch != " " else " ")
