"""Refuse the patterns whose cost the `regex` module cannot bound: recursion, and length.

`(?R)`, `(?0)`, `(?1)`, `(?+1)`, `(?&name)` and `(?P>name)` call a group (or the whole pattern)
from inside itself. `regex` compiles such a pattern, and then a search can recurse until the
interpreter runs out of memory (`(?R)?X` ended every audit in MemoryError, whatever the time
limit), so the loader refuses them with their position, and a kept pack holding one is not
read back. A pattern is scanned as `regex` reads it: an escaped character or a character set
is never a construct (`\\(?R)`, `[(?R)]`).

`regex` also parses a pattern in Python, some 35 microseconds a character: a rule file of one
650 KB pattern (found by benchmarks/fuzz.py) took 28 s to load. A pattern, word lists expanded,
is at most MAX_LENGTH characters: the shipped pack's longest is some 3,000.
"""

from __future__ import annotations

import regex

# An escape, a set, or a call: `finditer` takes them in order, so a call's text inside an escape
# or a set is consumed with it and never seen as a call.
_TOKEN = regex.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]"
                       r"|\(\?(?:R|[+-]?\d+|&\w+|P>\w+)\)", regex.DOTALL)


def unbounded(pattern: str) -> tuple[int, str] | None:
    """The position and text of the first recursive call in `pattern`, or None."""
    for token in _TOKEN.finditer(pattern):
        if token.group().startswith("(?"):
            return token.start(), token.group()
    return None


MAX_LENGTH = 50_000


def refuse(pattern: str) -> None:
    """Raise `regex.error` (as `regex.compile` does for a bad pattern) for a recursive one, or
    one longer than MAX_LENGTH."""
    if len(pattern) > MAX_LENGTH:
        raise regex.error(f"the pattern is {len(pattern):,} characters long, word lists "
                          f"expanded; at most {MAX_LENGTH:,}", pattern, MAX_LENGTH)
    found = unbounded(pattern)
    if found is not None:
        position, text = found
        raise regex.error(f"recursion {text} is not allowed (a pattern that calls itself can "
                          "recurse until memory runs out; write the nesting out to a fixed "
                          "depth)", pattern, position)
