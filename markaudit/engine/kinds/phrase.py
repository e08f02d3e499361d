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
three lines).

Where the phrases of one rule stand differently, a phrase of the list sets its own placement:

    phrase:
      - {phrase: "PAGE {number} [of {total}]", line: whole}
      - "Page {number} of {total}"
      - {phrase: IMPDET, ocr_edits: 0}     # alone, read exactly

Each of `line`, `punctuation`, `one_line`, `case_sensitive` and `ocr_edits` given there
replaces the rule's for that phrase; `ocr_edits` may only tighten the rule's. In YAML, put a
phrase in quotes when it holds ': ' or starts with `{` or `[`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler, PhraseError

KEYS = {
    "phrase": "the words of the marking, with {slots}; or a list of such phrases, each text or "
              "{phrase: TEXT} with its own line, punctuation, one_line, case_sensitive or "
              "ocr_edits",
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


# What one phrase of a list may set for itself, where its rule's placement does not fit it.
PLACEMENT_KEYS = ("line", "punctuation", "one_line", "ocr_edits", "case_sensitive")


def _placement(item: Any, entry: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """A phrase of the rule and its placement: the rule's, or what the item sets itself."""
    place = {key: entry.get(key) for key in PLACEMENT_KEYS}
    if isinstance(item, Mapping):
        unknown = sorted(set(item) - {"phrase", *PLACEMENT_KEYS})
        if unknown or not isinstance(item.get("phrase"), str):
            raise PhraseError("a phrase of the list is text, or {phrase: TEXT} with any of "
                              f"{', '.join(PLACEMENT_KEYS)}"
                              + (f" (unknown: {', '.join(map(str, unknown))})" if unknown
                                 else ""))
        place.update({key: item[key] for key in PLACEMENT_KEYS if key in item})
        item = item["phrase"]
    if not isinstance(item, str) or not item.strip():
        raise PhraseError("'phrase' is text, or a list of texts")
    if place["punctuation"] not in (None, *PUNCTUATION):
        raise PhraseError(f"'punctuation' is one of {', '.join(PUNCTUATION)}")
    for key in ("one_line", "case_sensitive"):
        if place[key] not in (None, True, False):
            raise PhraseError(f"'{key}' is true or false")
    edits = place["ocr_edits"]
    if edits is not None and (not isinstance(edits, int) or isinstance(edits, bool)
                              or edits < 0):
        raise PhraseError("'ocr_edits' is a whole number, 0 or more")
    return item, place


def compile_rule(entry: Mapping[str, Any], compiler: PhraseCompiler) -> Compiled:

    phrases = entry["phrase"]
    phrases = [phrases] if isinstance(phrases, str | Mapping) else phrases
    if not isinstance(phrases, list) or not phrases:
        raise PhraseError("'phrase' is text, or a list of texts")
    rule_cap, rule_case = compiler.cap, compiler.case_sensitive
    compiled = Compiled()
    for index, item in enumerate(phrases):
        item_index = index if len(phrases) > 1 else None
        try:
            text, place = _placement(item, entry)
        except PhraseError as error:
            raise PhraseError(str(error), item_index) from None
        compiler.punctuation_required = place["punctuation"] == "required"
        compiler.one_line = place["one_line"] is True
        # A phrase may tighten its rule's budget, never loosen it.
        caps = [c for c in (rule_cap, place["ocr_edits"]) if c is not None]
        compiler.cap = min(caps) if caps else None
        case = rule_case if place["case_sensitive"] is None else place["case_sensitive"]
        compiler.case_sensitive = case
        try:
            bare = compiler.compile(text, bounded=False)
            bounded = compiler.compile(text, bounded=True)
            placed = place_on_line(bare.pattern, place["line"] or "anywhere", bounded.pattern)
        except PhraseError as error:
            raise PhraseError(str(error), item_index) from None
        finally:
            compiler.cap, compiler.case_sensitive = rule_cap, rule_case
        if case != rule_case:  # the rule's patterns are compiled with its own case
            placed = f"(?{'-' if case else ''}i:{placed})"
        compiled.add(placed, bare.fields, bare.words)
        compiled.cores.append(compiler.cores[-1])
    return compiled
