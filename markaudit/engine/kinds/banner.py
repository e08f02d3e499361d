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

`levels` and `caveats` name vocabularies, or single terms of them (`levels: [SECRET,
CONFIDENTIAL]`: those levels and their spellings only). Where else a banner may stand:

- `line: debris`: a level on a short line (48 characters) of OCR debris, up to 24 characters
  of it on either side, apart from the level by a space, a dash or a box's edge (`cones [
  SECRET Ss see`, `END OF MESSAGE SECRET`); caveats follow it after a slash or a dash only.
  Such a line need not be mostly capitals: the debris is anything.
- `line: boxed`: a level stamped in a box, whose left edge OCR reads as `[` or `|`, anywhere
  on a short line (48 characters) of debris: `anaaton ornene [ SECRET zi`.
- `line: end`: at the end of its line, after other text (`AGENT REPORT FOR OFFICIAL USE
  ONLY`).
- `line: anywhere`: anywhere on its line, no letter or digit against it; with `followed_by`,
  a footer's or a stamp's level (`UNCLASSIFIED U.S. Department of State Case No. ...`).
- `line: after-text`: as `anywhere`, but after other text on its line (a page whose line
  breaks were lost: `... the report. SECRET Approved For Release 2004/06/23`).

`case: upper` requires the level typed in capitals (OCR's edits aside): in debris or mid-line,
capitals are what tell `SECRET` from the word of a sentence. `followed_by: PHRASE` requires a
phrase (see `phrase`: words, `[optional]` parts, `{slots}`) after the level on its line, a few
characters of debris allowed between: it places the banner and is not part of it. Its words
take the pack's OCR policy (a listed-word slot, `slots: {unit: [STAFF]}`, is taken as written).
With `line: start`, `followed_by` follows the level and its caveats (after a slash) at the
head of the line, and the marking is the whole line (a cable's first line: `followed_by:
"{time}"`, the slot typed in `slots:`). `followed_by` may be a list of phrases, any of which
places the banner.

`line_below: PHRASE` (with `line: start`) places a level by the line under it: the level heads
its line, whatever OCR read after it, and the phrase opens the next line, blank lines aside (a
form's level above its `(When Filled In)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.core.hints import did_you_mean
from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError, SlotField
from markaudit.engine.vocabulary import Vocabulary

KEYS = {
    "banner": "{levels: [VOCABULARY or TERM], caveats: [VOCABULARY or TERM], line: "
              "whole|start|caveat-first|debris|boxed|end|anywhere|after-text, case: any|upper, "
              "followed_by: PHRASE, line_below: PHRASE}, or a list of them",
    "slots": "the type of each slot a followed_by or line_below phrase names (see phrase)",
}
SHAPE_KEYS = ("levels", "caveats", "line", "case", "followed_by", "line_below")
LINES = ("whole", "start", "caveat-first", "debris", "boxed", "end", "anywhere", "after-text")
CASES = ("any", "upper")
MAX_LINE_LENGTH = 90  # a banner is a short line: prose is not searched
MIN_CAPITALS = 0.35  # mostly capitals: "S-E-C-R-E-T Background Use Only" is not a banner
DEBRIS_LINE_LENGTH = 48  # a line of debris around a level: a stamp read with its marks
_DEBRIS_BEFORE = r"(?:(?:\S{1,3}|\d[\d\W]{1,4})[ \t]+){0,2}?[^A-Za-z0-9\n]{0,3}"
_DEBRIS_AFTER = r"[^A-Za-z0-9\n]{0,3}(?:[ \t]+\S{1,3}){0,2}[^A-Za-z0-9\n]{0,3}"
_SEPARATOR = r"[ \t]*+(?:--|-|//|/|,|;|\.)?[ \t]*+"
_REL_TO = r"REL(?:EASABLE)?[ \t]+TO(?:[ \t]+[A-Z]{3}\b(?:[ \t]*,[ \t]*[A-Z]{3}\b)*)?"
_WHEN_FILLED_IN = r"(?:[ \t]*\(when\ filled\ in\))?"
_CABLE_TIME = r"(?:[ \t]+\d{6}Z\b[^\n]*)?"
# `line: debris`: up to 24 characters of anything on either side, apart from the level by a
# space, a dash or a box's edge; caveats only after a slash or a dash (a space is debris).
_IN_DEBRIS_BEFORE = (rf"(?=[^\n]{{0,{DEBRIS_LINE_LENGTH}}}$)"
                     r"(?:[^\n]{0,24}?[ \t\[|(_—-])?")
_IN_DEBRIS_AFTER = r"(?:[ \t\]|)_—-][^\n]{0,24})?$"
_DEBRIS_SEPARATOR = r"[ \t]*(?:/|//|-)[ \t]*"
_NO_LETTER_BEFORE = r"(?<![A-Za-z0-9])"
_NO_LETTER_AFTER = r"(?![A-Za-z])"
# Before `followed_by`: spaces, and perhaps a short piece of debris ("TOP SECRET li Sanitized").
_BEFORE_FOLLOWING = r"[ \t]+(?:\S{1,3}[ \t]+)?"
_DEFAULTS = {"levels": ("level", "designation"), "caveats": ("caveat",)}


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    shapes = entry["banner"]
    shapes = [shapes] if isinstance(shapes, Mapping) else shapes
    if not isinstance(shapes, list) or not shapes or not all(
            isinstance(s, Mapping) for s in shapes):
        raise PhraseError("'banner' is {levels: [...], caveats: [...], line: ...} or a list "
                          "of them")
    compiled = Compiled()
    fields = [SlotField("level", "level"), SlotField("caveats", "caveats")]
    lengths: list[int | None] = []
    capitals: list[float] = []
    for shape in shapes:
        unknown = sorted(set(shape) - set(SHAPE_KEYS))
        if unknown:
            raise PhraseError(f"banner: unknown key '{unknown[0]}' (expected one of: "
                              f"{', '.join(SHAPE_KEYS)})")
        case = shape.get("case", "any")
        if case not in CASES:
            raise PhraseError(f"banner: 'case' is one of {', '.join(CASES)}")
        levels = _alternation(compiler, shape.get("levels", list(_DEFAULTS["levels"])),
                              "levels")
        if case == "upper":
            levels = f"(?-i:{levels})"
        caveats = _alternation(compiler, shape.get("caveats", list(_DEFAULTS["caveats"])),
                               "caveats")
        line = shape.get("line", "whole")
        if line not in LINES:
            raise PhraseError(f"banner: 'line' is one of {', '.join(LINES)}")
        following, core, anchors = _following(compiler, shape.get("followed_by"))
        if following and line not in ("start", "anywhere", "after-text"):
            raise PhraseError(f"banner: 'followed_by' needs 'line: start', 'anywhere' or "
                              f"'after-text' (a '{line}' banner's line ends with it)")
        below, below_core, below_anchors = _following(compiler, shape.get("line_below"))
        if below and (line != "start" or following):
            raise PhraseError("banner: 'line_below' needs 'line: start', and no 'followed_by'")
        if below:
            following, core, anchors = below, below_core, below_anchors
        listed = rf"(?P<caveats>(?:{_SEPARATOR}(?>{_REL_TO}|{caveats}))*+)"
        if line == "whole":
            pattern = (rf"^{_DEBRIS_BEFORE}(?P<level>{levels}){listed}"
                       rf"{_WHEN_FILLED_IN}{_CABLE_TIME}{_DEBRIS_AFTER}$")
        elif below:
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<level>(?>{levels})){_NO_LETTER_AFTER}"
                       rf"[^\n]{{0,60}}\n(?:[ \t]*\n){{0,2}}[^A-Za-z0-9\n]{{0,3}}(?={below})")
        elif line == "start" and following:
            # The level atomic and caveats after a slash only, as at the head of any line: a
            # fuzzy level given back letter by letter, or every caveat tried after every level,
            # costs more than the rest of the rule. The phrase is matched, not looked ahead
            # for: the engine's line filter reads from the pattern the letters a line must
            # hold, and neither looks inside a lookahead nor reads a fuzzy word (so a cable's
            # STAFF is a listed word, taken as written: measured, three times the search).
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<level>(?>{levels}))"
                       rf"(?P<caveats>(?:[ \t]*/[ \t]*(?>{caveats}))*)[ \t]*{following}[^\n]*")
        elif line == "start":
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<level>{levels})[ \t]*/[ \t]*"
                       rf"(?P<caveats>(?>{caveats})){_NO_LETTER_AFTER}")
        elif line == "caveat-first":
            pattern = (rf"^[^A-Za-z0-9\n]{{0,3}}(?P<caveats>(?>{caveats}))[ \t/]+"
                       rf"(?P<level>(?>{levels}))[^A-Za-z0-9\n]{{0,3}}$")
            compiled.line_ends_with = rf"(?:{levels})[^A-Za-z0-9\n]{{0,3}}"
        elif line == "debris":
            pattern = (rf"^{_IN_DEBRIS_BEFORE}(?P<level>{levels})"
                       rf"(?P<caveats>(?:{_DEBRIS_SEPARATOR}(?>{caveats}))*){_IN_DEBRIS_AFTER}")
        elif line == "boxed":
            pattern = rf"(?<![A-Za-z])[\[|][ \t]*(?P<level>{levels}){_NO_LETTER_AFTER}"
        elif line == "end":
            # After other text: a word in capitals where the level must be, anything else.
            word_end = "(?-i:[A-Z])" if case == "upper" else "[A-Za-z0-9]"
            pattern = (rf"^[^\n]*?(?<={word_end}[ \t]{{1,3}})(?P<level>{levels})"
                       r"[^A-Za-z0-9\n]{0,3}$")
        else:
            before = r"(?<=\S[ \t]+)" if line == "after-text" else _NO_LETTER_BEFORE
            pattern = (rf"{before}(?P<level>{levels})"
                       + (rf"{_BEFORE_FOLLOWING}(?={following})" if following
                          else rf"{listed}{_NO_LETTER_AFTER}"))
        compiled.add(pattern, fields, [])
        compiled.cores.append(core)
        compiler.anchor_sets.append(anchors)
        lengths.append(DEBRIS_LINE_LENGTH if line in ("debris", "boxed") else None
                       if line in ("anywhere", "after-text") or below else MAX_LINE_LENGTH)
        # A level in debris, at the end of a title or placed by a phrase is told from prose by
        # where it stands, not by the capitals around it.
        capitals.append(0.0 if line in ("debris", "boxed", "end") or following
                        else MIN_CAPITALS)
    # A line rule where every shape is one (the engine then searches short lines only); a
    # banner placed by what follows it is found from that phrase's words instead.
    if None not in lengths:
        compiled.max_line_length = max(length for length in lengths if length is not None)
        compiled.min_capitals = min(capitals)
    return compiled


def _following(compiler: PhraseCompiler, text: Any) -> tuple[str, Any, list[str] | None]:
    """The regex of a `followed_by` phrase (or of any of a list of them), the run of words the
    scan looks for and the anchor words; ("", None, None) where the shape has none. The phrase
    stands on the banner's line: no line break between its words."""
    if text is None:
        return "", None, None
    phrases = [text] if isinstance(text, str) else text
    if not isinstance(phrases, list) or not phrases or not all(
            isinstance(p, str) and p.strip() for p in phrases):
        raise PhraseError("banner: 'followed_by' and 'line_below' are a phrase, or a list of "
                          "phrases")
    compiler.one_line = True
    try:
        done = [compiler.compile(phrase, bounded=False) for phrase in phrases]
    finally:
        compiler.one_line = False
    # The phrases' runs and anchors are the shape's: handed back to be added with its pattern.
    cores = [compiler.cores.pop() for _ in phrases]
    anchor_sets = [compiler.anchor_sets.pop() for _ in phrases]
    anchors = None if None in anchor_sets else [w for words in anchor_sets if words
                                                 for w in words]
    return ("(?:" + "|".join(d.pattern for d in done) + ")",
            cores[0] if len(cores) == 1 else None, anchors)


def _alternation(compiler: PhraseCompiler, names: Any, key: str) -> str:
    """The alternation of the named vocabularies, or of single terms of them."""
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise PhraseError(f"banner: '{key}' is a list of vocabularies, or of terms of them")
    edits = min(2, compiler.policy.max_edits if compiler.cap is None else compiler.cap)
    vocabularies = [n for n in names if n in compiler.vocabularies]
    terms = [n for n in names if n not in compiler.vocabularies and n != "designation"]
    if terms:
        # A term is read from the vocabularies a banner reads by default first: SECRET is a
        # level, not the portion mark's SECRET with its spelling S.
        preferred = _DEFAULTS[key]
        ordered = sorted(compiler.vocabularies.values(),
                         key=lambda v: v.name not in preferred, reverse=True)
        owner = {term: vocabulary for vocabulary in ordered for term in vocabulary.names}
        unknown = [t for t in terms if t not in owner]
        if unknown:
            hint = did_you_mean(unknown[0], [*owner, *compiler.vocabularies])
            raise PhraseError(f"banner: '{key}' names '{unknown[0]}'{hint}, which is neither a "
                              f"vocabulary nor a term of one (vocabularies: "
                              f"{', '.join(sorted(compiler.vocabularies))})")
        chosen = Vocabulary.from_terms(key, [(canonical, spellings) for term in terms
                                             for canonical, spellings in owner[term].terms
                                             if canonical == term])
        return "|".join([*(compiler.vocabularies[n].pattern(edits) for n in vocabularies),
                         chosen.pattern(edits)])
    if not vocabularies:
        raise PhraseError(f"banner: '{key}' names vocabulary '{names[0]}', which no rule file "
                          f"defines (defined: {', '.join(sorted(compiler.vocabularies))})")
    return "|".join(compiler.vocabularies[n].pattern(edits) for n in vocabularies)
