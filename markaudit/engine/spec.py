"""The rule spec: every key a rule file, a marking and a check may hold, declared once.

Each key carries its documentation, its JSON-schema fragment and, for a key whose value is
judged alone, the check of that value. The loader (engine/rules.py) validates against these
tables, `markaudit rules schema` is built from them (markaudit/authoring/schema.py) and `markaudit
rules explain keys` prints them: a key added here is known to all three, and none can drift.
Keys whose value is judged against others (a pattern's groups and the fields that read them,
a check's markings) keep their validation in the loader, and their documentation here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markaudit.core.model import SEVERITIES
from markaudit.engine.kinds import KINDS
from markaudit.engine.kinds.banner import CASES as BANNER_CASES
from markaudit.engine.kinds.banner import LINES as BANNER_LINES
from markaudit.engine.kinds.phrase import LINES as PHRASE_LINES
from markaudit.engine.kinds.phrase import PUNCTUATION
from markaudit.engine.ocr import POLICY_KEYS

ZONES = ("top", "bottom", "body")
MAX_OCR_EDITS = 5  # the largest `ocr_edits` a marking may take
Check = Callable[[Any], "str | None"]


@dataclass(frozen=True, slots=True)
class Key:
    """One key: what it means, its JSON schema, and what is wrong with a value (or None)."""

    doc: str
    schema: Mapping[str, Any] = field(default_factory=dict)
    check: Check | None = None

    def problem(self, value: Any) -> str | None:
        return self.check(value) if self.check is not None else None


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(low: int, high: int | None, message: str) -> Check:
    return lambda v: None if _is_whole(v) and low <= v and (high is None or v <= high) \
        else message


def _fraction(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1
    return None if ok else "is a number from 0 to 1"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _zones(value: Any) -> str | None:
    ok = _texts(value) and value and not set(value) - set(ZONES)
    return None if ok else "is a list of top, bottom, body"


def _fixed_values(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(isinstance(v, str | int | float | bool)
                                         for v in value.values())
    return None if ok else "maps field names to fixed values"


def _examples(value: Any) -> str | None:
    ok = (isinstance(value, dict) and not set(value) - {"match", "no_match"}
          and all(_texts(v) for v in value.values()))
    return None if ok else "has 'match' and 'no_match' lists of text"


def _banner_word(value: Any) -> str | None:
    ok = (isinstance(value, str) and all(w.isalpha() and w.isascii() for w in value.split())
          and sum(map(str.isalpha, value)) >= 5)
    return None if ok else "is a level in letters and spaces, five letters at least"


def _foot_legend(value: Any) -> str | None:
    ok = isinstance(value, str) and sum(map(str.isalpha, value)) >= 12
    return None if ok else ("is the legend's text, twelve letters at least (a shorter one "
                            "would end pages at common words)")


def _form(value: Any) -> str | None:
    ok = (isinstance(value, dict) and set(value) == {"last_field", "dated_field"}
          and all(isinstance(v, str) and v.split() for v in value.values()))
    return None if ok else "is {last_field: NAME, dated_field: NAME}"


def _anchors(value: Any) -> str | None:
    ok = _texts(value) and value and all(a.strip() for a in value)
    return None if ok else "is a list of words, one of which every match contains"


_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_TEXT_OR_TEXTS = {"anyOf": [_TEXT, _TEXTS]}
_ZONES = {"type": "array", "items": {"enum": list(ZONES)}, "uniqueItems": True}
_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
_REGEX_NOTE = ("a regular expression of the `regex` module, case-insensitive unless "
               "`case_sensitive: true`; `{{name}}` inserts a word list")
_BANNER_SHAPE = {"type": "object", "additionalProperties": False, "properties": {
    "levels": _TEXT_OR_TEXTS, "caveats": _TEXT_OR_TEXTS, "line": {"enum": list(BANNER_LINES)},
    "case": {"enum": list(BANNER_CASES)}, "followed_by": _TEXT_OR_TEXTS,
    "line_below": _TEXT_OR_TEXTS}}

# A phrase of a list with its own placement (engine/kinds/phrase.py).
_PLACED_PHRASE = {"type": "object", "required": ["phrase"], "additionalProperties": False,
                  "properties": {"phrase": _TEXT, "line": {"enum": list(PHRASE_LINES)},
                                 "punctuation": {"enum": list(PUNCTUATION)},
                                 "one_line": {"type": "boolean"},
                                 "case_sensitive": {"type": "boolean"},
                                 "ocr_edits": {"type": "integer", "minimum": 0,
                                               "maximum": MAX_OCR_EDITS}}}

MARKING_KEYS: dict[str, Key] = {
    "id": Key("Unique across all rule files, e.g. `release.nara-nnd`.", _TEXT),
    "kind": Key("What the marking is: banner, portion, release, page-number, ... (your own "
                "kinds are allowed).", {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"}),
    "description": Key("One line for `rules list`; more for `explain`.", _TEXT),
    # The declarative kinds: what an archivist writes (engine/kinds/).
    "phrase": Key(KINDS["phrase"].keys["phrase"] + "; `rules explain phrase`", {"anyOf": [
        _TEXT, {"type": "array", "items": {"anyOf": [_TEXT, _PLACED_PHRASE]}}]}),
    "slots": Key(KINDS["phrase"].keys["slots"], {
        "type": "object", "additionalProperties": {"anyOf": [_TEXT, _TEXTS, {
            "type": "object", "required": ["code"], "additionalProperties": False,
            "properties": {"code": _TEXT}}]}}),
    "line": Key(KINDS["phrase"].keys["line"], {"enum": list(PHRASE_LINES)}),
    "punctuation": Key(KINDS["phrase"].keys["punctuation"], {"enum": list(PUNCTUATION)}),
    "one_line": Key(KINDS["phrase"].keys["one_line"], {"type": "boolean"}, _boolean),
    "stamp": Key(KINDS["stamp"].keys["stamp"] + "; `rules explain stamp`", {
        "type": "array", "minItems": 2, "items": {"anyOf": [_TEXT, {
            "type": "object", "required": ["optional"], "additionalProperties": False,
            "properties": {"optional": _TEXT}}]}}),
    "gap_lines": Key(KINDS["stamp"].keys["gap_lines"],
                     {"type": "integer", "minimum": 0, "maximum": 5}),
    "banner": Key(KINDS["banner"].keys["banner"] + "; `rules explain banner`",
                  {"anyOf": [_BANNER_SHAPE, {"type": "array", "items": _BANNER_SHAPE}]}),
    "words": Key(KINDS["words"].keys["words"] + "; `rules explain words`", _TEXT_OR_TEXTS),
    "field": Key(KINDS["words"].keys["field"], {"type": "string", "pattern": r"^[A-Za-z_]\w*$"}),
    # The expert's escape hatch.
    "pattern": Key(f"What the marking looks like: {_REGEX_NOTE}.", _TEXT),
    "patterns": Key(f"Several patterns, each {_REGEX_NOTE}.", _TEXTS),
    "phrases": Key("Several phrases (the older spelling of a list of phrases).", _TEXTS),
    "anchors": Key("Words one of which every match of a pattern contains: pages without any "
                   "are skipped (keeps fuzzy patterns fast).", _TEXTS, _anchors),
    "ocr_edits": Key("OCR errors tolerated in each word list of a pattern; on a declarative "
                     "rule, a tighter cap than the pack's OCR policy.",
                     {"type": "integer", "minimum": 0, "maximum": MAX_OCR_EDITS},
                     _whole(0, MAX_OCR_EDITS,
                            f"must be a whole number from 0 to {MAX_OCR_EDITS}")),
    "case_sensitive": Key("Match letter case exactly.", {"type": "boolean"}, _boolean),
    "zones": Key("Where on a page the marking may stand.", _ZONES, _zones),
    "pages": Key("On every page, or the first only.", {"enum": ["all", "first"]},
                 lambda v: None if v in ("all", "first") else "is 'all' or 'first'"),
    "fields": Key("field: parser (text, upper, int, number, level, caveats, date, term:NAME, "
                  "terms:NAME), or {group, parse}.", {
                      "type": "object", "additionalProperties": {"anyOf": [_TEXT, {
                          "type": "object", "properties": {"group": _TEXT, "parse": _TEXT},
                          "additionalProperties": False}]}}),
    "set": Key("Fixed fields, e.g. {issuer: NARA}.", {"type": "object"}, _fixed_values),
    "value": Key("The canonical value, from fields: \"{level} -- {caveats}\".", _TEXT),
    "exclude": Key("Regexes: a match whose line matches one is dropped.", _TEXT_OR_TEXTS),
    "not_near": Key("A regex found within some lines drops the match (a form's caption).", {
        "type": "array", "items": {
            "type": "object", "required": ["pattern"], "additionalProperties": False,
            "properties": {"pattern": _TEXT, "before": {"type": "integer", "minimum": 0},
                           "after": {"type": "integer", "minimum": 0}}}}),
    "form_lists": Key("Several different values close together are a printed form's check "
                      "boxes, not markings.", {
                          "type": "object", "additionalProperties": False,
                          "required": ["field", "distinct", "within_lines"],
                          "properties": {"field": _TEXT,
                                         "distinct": {"type": "integer", "minimum": 2},
                                         "within_lines": {"type": "integer", "minimum": 1}}}),
    "min_confidence": Key("Drop matches less sure than this.", _FRACTION, _fraction),
    "max_confidence": Key("A loose heuristic is never surer than this.", _FRACTION, _fraction),
    "max_line_length": Key("Search line by line, only lines this short (banners).",
                           {"type": "integer", "minimum": 1},
                           _whole(1, None, "is a whole number of characters")),
    "min_capitals": Key("With max_line_length: only lines with this share of capitals.",
                        _FRACTION, _fraction),
    "line_ends_with": Key("With max_line_length: only lines that end with this (a pattern; "
                          "word lists allowed), checked from the line's end.",
                          {"type": "string", "minLength": 1}),
    "examples": Key("Texts the rule must and must not match, run by `rules validate`.", {
        "type": "object", "additionalProperties": False,
        "properties": {"match": _TEXTS, "no_match": _TEXTS}}, _examples),
}
# The keys of each declarative kind, and those a declarative rule never needs: the engine
# works them out from the rule's words.
DECLARATIVE_KEYS = tuple(dict.fromkeys(k for kind in KINDS.values() for k in kind.keys))
WORKED_OUT_KEYS = ("anchors", "line_ends_with", "min_capitals")

CHECK_KEYS: dict[str, Key] = {
    "id": Key("Unique across all rule files.", _TEXT),
    "type": Key("The check type (`markaudit rules explain TYPE` documents each).", _TEXT),
    "description": Key("Why the check exists.", _TEXT),
    "severity": Key("How much a finding of this check matters.", {"enum": list(SEVERITIES)},
                    lambda v: None if v in SEVERITIES else f"is one of {', '.join(SEVERITIES)}"),
    "message": Key("With placeholders such as {page} and {line}.", _TEXT),
    "whole_file": Key("Run once on the file rather than on each sub-document.",
                      {"type": "boolean"}, _boolean),
}

# The keys of `page_layout:` (core/page_layout.py); each is a list, and each check judges one
# entry of it, so that a bad entry is reported at its own line.
LAYOUT_KEYS: dict[str, Key] = {
    "banner_words": Key("The levels a page's banner is made of, in capitals (`TOP SECRET`): "
                        "two banners with only margin lines between them, prose above and "
                        "below, are one page's foot and the next page's head. Read with one "
                        "OCR error in five letters of the last word; a level of several words "
                        "also run together (`TOPSECRET`).", _TEXT, _banner_word),
    "foot_legends": Key("The legend a printed form carries at the foot of every page "
                        "(`REPRODUCTION BY OTHER THAN THE ISSUING OFFICE`): where text goes on "
                        "below it, the next page starts. Read where printed in capitals, with "
                        "one OCR error in six letters.", _TEXT, _foot_legend),
    "forms": Key("A cover form filled in field by field: its last field and a field filled in "
                 "with a date a few lines above it (`{last_field: COMMENTS, dated_field: DATE "
                 "OF LAST REVIEW}`); where the record's text follows, its first page starts "
                 "below the last field's value.", {
                     "type": "object", "required": ["last_field", "dated_field"],
                     "additionalProperties": False,
                     "properties": {"last_field": _TEXT, "dated_field": _TEXT}}, _form),
}

FILE_KEYS: dict[str, Key] = {
    "description": Key("What this file holds.", _TEXT),
    "ocr": Key("The pack's OCR policy, declared once: how many edits a run of words of a "
               "declarative rule may take.", {
                   "type": "object", "additionalProperties": False,
                   "properties": {key: {"type": "object", "additionalProperties": _TEXT,
                                        "description": text} if key == "lookalikes" else
                                  {"type": "integer", "minimum": 0, "maximum": 9,
                                   "description": text}
                                  for key, text in POLICY_KEYS.items()}}),
    "levels": Key("Classification levels, lowest first: a name, or {name, aliases}.", {
        "type": "array", "items": {"anyOf": [_TEXT, {
            "type": "object", "required": ["name"], "additionalProperties": False,
            "properties": {"name": _TEXT, "aliases": _TEXTS}}]}}),
    "vocabularies": Key("Named word lists: a canonical term and its other spellings.", {
        "type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": _TEXTS}}),
    "page_layout": Key("Where pages of plain text break: the banner words, foot legends and "
                       "forms the page split reads. The lists the pack's files give are "
                       "joined, so a file of yours adds to the shipped rules/layout.yaml; a "
                       "list no file gives keeps its default (the same as that file's).", {
                           "type": "object", "additionalProperties": False,
                           "properties": {name: {"type": "array", "items": key.schema,
                                                 "description": key.doc}
                                          for name, key in LAYOUT_KEYS.items()}}),
    "markings": Key("Marking rules.", {"type": "array"}),
    "checks": Key("Checks.", {"type": "array"}),
}


def keys_reference() -> str:
    """Every key of a rule file, a marking and a check, with its documentation: the text of
    `markaudit rules explain keys`."""
    parts = []
    for title, table in (("rule file", FILE_KEYS), ("page_layout (each a list)", LAYOUT_KEYS),
                         ("marking", MARKING_KEYS),
                         ("check (and each check type's options: rules explain TYPE)",
                          CHECK_KEYS)):
        parts.append(f"Keys of a {title}:")
        parts += [f"  {name}: {key.doc}" for name, key in table.items()]
        parts.append("")
    return "\n".join(parts).rstrip()
