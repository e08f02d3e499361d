"""banner: a classification line, built from the pack's levels, designations and caveats.

    - id: banner.classification
      kind: banner
      banner:
        levels: [level, designation]   # vocabularies whose terms are the line's level
        caveats: [caveat]              # vocabularies whose terms may follow it
        line: whole                    # the whole line is the banner (the default)

A banner is a short line typed in capitals: the engine searches only lines of at most 90
characters whose letters are mostly capitals, and lets OCR debris of a few characters stand
before and after. The level comes first; caveats follow, separated by `--`, `-`, `//`, `/`,
`,`, `;` or `.`, as do `REL TO` with its country codes, `(When Filled In)` and a cable's
date-time group (`SECRET 142305Z JAN 76 STAFF`). `line: start` finds a level and a caveat
joined by `/` at the head of a line, whatever follows (`SECRET/RYBAT` and a garbled rest);
`line: caveat-first` a caveat before the level (`RYBAT SECRET`), alone on its line.
The fields are `level` (the level's or designation's canonical name) and `caveats`.
`banner:` may be a list of such shapes, all of one rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError, SlotField

KEYS = {
    "banner": "{levels: [VOCABULARY], caveats: [VOCABULARY], line: whole|start|caveat-first}, "
              "or a list of them",
}
SHAPE_KEYS = ("levels", "caveats", "line")
LINES = ("whole", "start", "caveat-first")
MAX_LINE_LENGTH = 90  # a banner is a short line: prose is not searched
MIN_CAPITALS = 0.35  # mostly capitals: "S-E-C-R-E-T Background Use Only" is not a banner
_DEBRIS_BEFORE = r"(?:(?:\S{1,3}|\d[\d\W]{1,4})[ \t]+){0,2}?[^A-Za-z0-9\n]{0,3}"
_DEBRIS_AFTER = r"[^A-Za-z0-9\n]{0,3}(?:[ \t]+\S{1,3}){0,2}[^A-Za-z0-9\n]{0,3}"
_SEPARATOR = r"[ \t]*+(?:--|-|//|/|,|;|\.)?[ \t]*+"
_REL_TO = r"REL(?:EASABLE)?[ \t]+TO(?:[ \t]+[A-Z]{3}\b(?:[ \t]*,[ \t]*[A-Z]{3}\b)*)?"
_WHEN_FILLED_IN = r"(?:[ \t]*\(when\ filled\ in\))?"
_CABLE_TIME = r"(?:[ \t]+\d{6}Z\b[^\n]*)?"


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    shapes = entry["banner"]
    shapes = [shapes] if isinstance(shapes, Mapping) else shapes
    if not isinstance(shapes, list) or not shapes or not all(
            isinstance(s, Mapping) for s in shapes):
        raise PhraseError("'banner' is {levels: [...], caveats: [...], line: ...} or a list "
                          "of them")
    compiled = Compiled()
    fields = [SlotField("level", "level"), SlotField("caveats", "caveats")]
    for shape in shapes:
        unknown = sorted(set(shape) - set(SHAPE_KEYS))
        if unknown:
            raise PhraseError(f"banner: unknown key '{unknown[0]}' (expected one of: "
                              f"{', '.join(SHAPE_KEYS)})")
        levels = _alternation(compiler, shape.get("levels", ["level", "designation"]), "levels")
        caveats = _alternation(compiler, shape.get("caveats", ["caveat"]), "caveats")
        line = shape.get("line", "whole")
        if line not in LINES:
            raise PhraseError(f"banner: 'line' is one of {', '.join(LINES)}")
        if line == "whole":
            pattern = (rf"^{_DEBRIS_BEFORE}(?P<level>{levels})"
                       rf"(?P<caveats>(?:{_SEPARATOR}(?>{_REL_TO}|{caveats}))*+)"
                       rf"{_WHEN_FILLED_IN}{_CABLE_TIME}{_DEBRIS_AFTER}$")
        elif line == "start":
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<level>{levels})[ \t]*/[ \t]*"
                       rf"(?P<caveats>(?>{caveats}))(?![A-Za-z])")
        else:
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<caveats>(?>{caveats}))[ \t/]+"
                       rf"(?P<level>(?>{levels}))[^A-Za-z0-9\n]{{0,3}}$")
            compiled.line_ends_with = rf"(?:{levels})[^A-Za-z0-9\n]{{0,3}}"
        compiled.add(pattern, fields, [])
    compiled.max_line_length = MAX_LINE_LENGTH
    compiled.min_capitals = MIN_CAPITALS
    return compiled


def _alternation(compiler: PhraseCompiler, names: Any, key: str) -> str:
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise PhraseError(f"banner: '{key}' is a list of vocabularies")
    present = [n for n in names if n in compiler.vocabularies]
    missing = [n for n in names if n not in compiler.vocabularies and n != "designation"]
    if missing or not present:
        raise PhraseError(f"banner: '{key}' names vocabulary '{(missing or names)[0]}', which "
                          f"no rule file defines (defined: "
                          f"{', '.join(sorted(compiler.vocabularies))})")
    edits = min(2, compiler.policy.max_edits if compiler.cap is None else compiler.cap)
    return "|".join(compiler.vocabularies[n].pattern(edits) for n in present)
