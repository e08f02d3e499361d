"""phrase: words in order, with typed slots that become fields.

    - id: release.sanitized-copy
      kind: release
      phrase: SANITIZED COPY FOR RELEASE {year}
      set: {issuer: CIA}

Words match whatever their case, with any spacing, line break or stray punctuation between
them, and take the OCR edits the pack's policy allows (`ocr:` in a rule file). `{name}` is
a slot of type `name` (`date`, `year`, `number`, `name`, `text`, `rdp`, `jfk_record`,
`case_number`, or a vocabulary such as `level`); `{released:date}` names a slot apart from its
type. `[...]` is optional. A list of phrases matches any of them. `slots:` types a slot at
length: a list of words (`extent: [IN FULL, IN PART]`) or `{code: REGEX}`. `line: whole`
finds the phrase only where it is the whole line (a control number, a date line), `line:
start` only at the head of its line (a memo's heading), `line: end` only at the end of its
line, after other text (a stamp OCR ran into the line beside it, "DECEMBER 28,1995 RELEASE IN
FULL"); a few characters of OCR debris may stand at either end. `line: alone` is the whole
line with nothing but spaces beside it: a bare code or number in a margin ("CH-702",
"00820"), which debris allowed would find in every cable reference. `punctuation: required`
keeps the phrase's punctuation, standing alone or inside a word, as written, where it is what
tells the marking from prose ("Derived From:" against "derived from", "(b)(1)" against "item
b"). `one_line: true` keeps the phrase's words on one line, where a line break between them
would be the page's layout, not OCR's (a page number "- 2 -", not a dash, a "2" and a dash on
three lines). In YAML, put a phrase in quotes when it holds ': ' or starts with `{` or `[`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError

KEYS = {
    "phrase": "the words of the marking, with {slots}; or a list of such phrases",
    "slots": "the type of each slot the phrases name: a type, a list of words, {code: REGEX}",
    "line": "where on its line the phrase stands: anywhere (the default), start, end (after "
            "other text), whole, or alone (the whole line, only spaces beside it)",
    "punctuation": "optional (the default: OCR drops it), or required (as written)",
    "one_line": "true: no line break between the phrase's words (default false)",
}
LINES = ("anywhere", "start", "end", "whole", "alone")
PUNCTUATION = ("optional", "required")
# A few characters of OCR debris may stand beside a line's marking: "• 25X1", "-2-_".
LINE_START = r"^[^A-Za-z0-9\n]{0,3}"
LINE_END = r"[^A-Za-z0-9\n]{0,3}$"
# `line: end`: other text before the marking, a word's end then a space at least, on its line.
AFTER_TEXT = r"(?<=[^\s][ \t]+)"
# `line: alone`: nothing but spaces beside the marking.
ALONE_START = r"^[ \t]*"
ALONE_END = r"[ \t]*$"


def place_on_line(pattern: str, line: object, bounded_pattern: str) -> str:
    """The pattern where `line` puts it: anywhere (bounded by no letter), at the start of its
    line, at its end after other text, or as the whole line, a few characters of OCR debris
    allowed at either end (none but spaces where it stands `alone`)."""
    if line not in LINES:
        raise PhraseError(f"'line' is one of {', '.join(LINES)}")
    if line == "whole":
        return f"{LINE_START}{pattern}{LINE_END}"
    if line == "alone":
        return f"{ALONE_START}{pattern}{ALONE_END}"
    if line == "start":
        return f"{LINE_START}{pattern}"
    if line == "end":
        return f"{AFTER_TEXT}{bounded_pattern}{LINE_END}"
    return bounded_pattern


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    phrases = entry["phrase"]
    phrases = [phrases] if isinstance(phrases, str) else phrases
    if not isinstance(phrases, list) or not phrases or not all(
            isinstance(p, str) and p.strip() for p in phrases):
        raise PhraseError("'phrase' is text, or a list of texts")
    line = entry.get("line", "anywhere")
    punctuation = entry.get("punctuation", "optional")
    if punctuation not in PUNCTUATION:
        raise PhraseError(f"'punctuation' is one of {', '.join(PUNCTUATION)}")
    compiler.punctuation_required = punctuation == "required"
    one_line = entry.get("one_line", False)
    if not isinstance(one_line, bool):
        raise PhraseError("'one_line' is true or false")
    compiler.one_line = one_line
    compiled = Compiled()
    for index, text in enumerate(phrases):
        try:
            bare = compiler.compile(text, bounded=False)
            bounded = compiler.compile(text, bounded=True)
        except PhraseError as error:
            raise PhraseError(str(error), index if len(phrases) > 1 else None) from None
        compiled.add(place_on_line(bare.pattern, line, bounded.pattern), bare.fields,
                     bare.words)
        compiled.cores.append(compiler.cores[-1])
    return compiled
