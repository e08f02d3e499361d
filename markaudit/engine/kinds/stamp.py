"""stamp: several phrases printed together, in order, within a few lines.

    - id: release.nara
      kind: release
      stamp:
        - DECLASSIFIED
        - Authority [NND] {authority:number}
        - optional: By {reviewer:name} NARA Date {date}
      set: {issuer: NARA}

Each line of the stamp is a phrase (see `phrase`); `optional:` marks a line the stamp may
lack (unfilled, or lost to OCR). Between two lines of the stamp stand blank lines and at most
`gap_lines` lines of other text (OCR debris, a handwritten mark; default 1); a few characters
of debris may stand before a line's words (a check box's mark).

Where every line is optional, any one of them found is the stamp, and the lines that follow
it in order are found with it, as one marking: a form's title over two lines, either of which
OCR may lose ("JFK Assassination System" / "Identification Form").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError

KEYS = {
    "stamp": "the stamp's lines in order, each a phrase or {optional: PHRASE}",
    "slots": "the type of each slot the lines name (see phrase)",
    "gap_lines": "how many lines of other text may stand between two lines (default 1)",
}


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    lines = entry["stamp"]
    gap_lines = entry.get("gap_lines", 1)
    if not isinstance(gap_lines, int) or isinstance(gap_lines, bool) or not 0 <= gap_lines <= 5:
        raise PhraseError("'gap_lines' is a whole number from 0 to 5")
    if not isinstance(lines, list) or len(lines) < 2:
        raise PhraseError("'stamp' is a list of two or more lines, each a phrase or "
                          "{optional: PHRASE}")
    # Whole lines of other text between two lines of the stamp, and a few characters of debris
    # before a line's words ("_.. I RELEASE IN FULL", "* RELEASE IN PART").
    lines_between = rf"(?:[^\n]{{0,60}}\n\s*){{0,{gap_lines}}}?" if gap_lines else ""
    gap = rf"\s*{lines_between}(?:[^\n]{{0,6}}?(?<=[^\w]))?"
    compiled = Compiled()
    parts: list[str] = []
    required = 0
    cores = []
    alone: list[tuple[str, Any]] = []  # each line's own pattern and core
    for index, line in enumerate(lines):
        optional = isinstance(line, Mapping)
        text = line.get("optional") if isinstance(line, Mapping) and set(line) == {
            "optional"} else line
        if isinstance(line, Mapping) and set(line) != {"optional"}:
            raise PhraseError("this line of the stamp reads as a mapping: a phrase that holds "
                              "': ' must be put in quotes (or write {name:type}, or type the "
                              "slot in 'slots:')", index)
        if not isinstance(text, str) or not text.strip():
            raise PhraseError("each line of 'stamp' is a phrase or {optional: PHRASE}", index)
        try:
            done = compiler.compile(text, bounded=False)
        except PhraseError as error:
            raise PhraseError(str(error), index) from None
        compiled.fields.extend(done.fields)
        compiled.words.extend(done.words)
        alone.append((done.pattern, compiler.cores[-1]))
        if not parts:
            parts.append(f"(?:{done.pattern}{gap})?" if optional else done.pattern)
        elif optional:
            parts.append(f"(?:{gap}{done.pattern})?")
        else:
            parts.append(f"{gap}{done.pattern}")
        required += not optional
        if not optional:
            cores.append(compiler.cores[-1])
    if not required:
        # Any line may begin the stamp: one pattern each, the later lines optional after it.
        for first, (pattern, core) in enumerate(alone):
            compiled.patterns.append(pattern + "".join(parts[first + 1:]))
            compiled.cores.append(core)
        return compiled
    compiled.patterns.append("".join(parts))
    # Every match holds every required line: the one with the most letters is looked for.
    compiled.cores.append(max(cores, key=lambda core: len("".join(core[0])) if core else -1))
    return compiled
