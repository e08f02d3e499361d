"""The JSON Schema of rule files, for editors: completion and checks as a user types.

Built from the same declarations the loader validates against (the file, marking and check keys,
each check type's OPTIONS), so the schema cannot drift from what markaudit accepts. The loader
stays the authority: it also checks what a schema cannot (regexes compile, ids exist, word lists
are defined) and reports `file:line`. Export it with `markaudit rules schema`, then name it in a
rule file's first line:

    # yaml-language-server: $schema=markaudit-rules.schema.json
"""

from __future__ import annotations

from typing import Any

from markaudit.checks import CHECK_TYPES
from markaudit.checks.base import CONDITION_KEYS, Option
from markaudit.engine.kinds import KINDS
from markaudit.engine.kinds.banner import LINES
from markaudit.engine.ocr import POLICY_KEYS
from markaudit.engine.rules import ZONES
from markaudit.model import SEVERITIES

SCHEMA_ID = "https://markaudit.invalid/schemas/rules.schema.json"

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_TEXT_OR_TEXTS = {"anyOf": [_TEXT, _TEXTS]}
_ZONES = {"type": "array", "items": {"enum": list(ZONES)}, "uniqueItems": True}
_REGEX_NOTE = ("a regular expression of the `regex` module, case-insensitive unless "
               "`case_sensitive: true`; `{{name}}` inserts a word list")

_BANNER_SHAPE = {"type": "object", "additionalProperties": False, "properties": {
    "levels": _TEXT_OR_TEXTS, "caveats": _TEXT_OR_TEXTS, "line": {"enum": list(LINES)}}}

MARKING_PROPERTIES: dict[str, dict[str, Any]] = {
    "id": {**_TEXT, "description": "Unique across all rule files, e.g. `release.nara-nnd`."},
    "kind": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$", "description":
             "What the marking is: banner, portion, release, page-number, ... (your own kinds "
             "are allowed)."},
    "description": {**_TEXT, "description": "One line for `rules list`; more for `explain`."},
    "pattern": {**_TEXT, "description": f"What the marking looks like: {_REGEX_NOTE}."},
    "patterns": {**_TEXTS, "description": f"Several patterns, each {_REGEX_NOTE}."},
    "phrase": {**_TEXT_OR_TEXTS, "description": "The marking's words in order, with {slots} "
               "for what varies and [optional words]; no regex (`rules explain phrase`)."},
    "phrases": {**_TEXTS, "description": "Several phrases (the older spelling of a list of "
                "phrases)."},
    "slots": {"type": "object", "description": KINDS["phrase"].keys["slots"],
              "additionalProperties": {"anyOf": [_TEXT, _TEXTS, {
                  "type": "object", "required": ["code"], "additionalProperties": False,
                  "properties": {"code": _TEXT}}]}},
    "stamp": {"type": "array", "minItems": 2, "description": KINDS["stamp"].keys["stamp"],
              "items": {"anyOf": [_TEXT, {"type": "object", "required": ["optional"],
                                          "additionalProperties": False,
                                          "properties": {"optional": _TEXT}}]}},
    "gap_lines": {"type": "integer", "minimum": 0, "maximum": 5,
                  "description": KINDS["stamp"].keys["gap_lines"]},
    "banner": {"anyOf": [_BANNER_SHAPE, {"type": "array", "items": _BANNER_SHAPE}],
               "description": KINDS["banner"].keys["banner"]},
    "words": {**_TEXT_OR_TEXTS, "description": KINDS["words"].keys["words"]},
    "line": {"enum": ["anywhere", "start", "whole"], "description": KINDS["words"].keys["line"]},
    "field": {"type": "string", "pattern": r"^[A-Za-z_]\w*$",
              "description": KINDS["words"].keys["field"]},
    "anchors": {**_TEXTS, "description": "Words one of which every match contains: pages "
                "without any are skipped (keeps fuzzy patterns fast)."},
    "ocr_edits": {"type": "integer", "minimum": 0, "maximum": 5, "description":
                  "OCR errors tolerated in each word list of a pattern; on a declarative rule, "
                  "a tighter cap than the pack's OCR policy."},
    "case_sensitive": {"type": "boolean", "description": "Match letter case exactly."},
    "zones": {**_ZONES, "description": "Where on a page the marking may stand."},
    "pages": {"enum": ["all", "first"], "description": "On every page, or the first only."},
    "fields": {"type": "object", "description": "field: parser (text, upper, int, number, "
               "level, caveats, date, term:NAME, terms:NAME), or {group, parse}.",
               "additionalProperties": {"anyOf": [_TEXT, {
                   "type": "object", "properties": {"group": _TEXT, "parse": _TEXT},
                   "additionalProperties": False}]}},
    "set": {"type": "object", "description": "Fixed fields, e.g. {issuer: NARA}."},
    "value": {**_TEXT, "description": "The canonical value, from fields: \"{level} -- "
              "{caveats}\"."},
    "exclude": {**_TEXT_OR_TEXTS, "description": "Regexes: a match whose line matches one is "
                "dropped."},
    "not_near": {"type": "array", "description": "A regex found within some lines drops the "
                 "match (a form's caption).", "items": {
                     "type": "object", "required": ["pattern"], "additionalProperties": False,
                     "properties": {"pattern": _TEXT,
                                    "before": {"type": "integer", "minimum": 0},
                                    "after": {"type": "integer", "minimum": 0}}}},
    "form_lists": {"type": "object", "description": "Several different values close together "
                   "are a printed form's check boxes, not markings.",
                   "additionalProperties": False,
                   "required": ["field", "distinct", "within_lines"],
                   "properties": {"field": _TEXT, "distinct": {"type": "integer", "minimum": 2},
                                  "within_lines": {"type": "integer", "minimum": 1}}},
    "min_confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "Drop matches less sure than this."},
    "max_confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "A loose heuristic is never surer than this."},
    "max_line_length": {"type": "integer", "minimum": 1, "description":
                        "Search line by line, only lines this short (banners)."},
    "min_capitals": {"type": "number", "minimum": 0, "maximum": 1, "description":
                     "With max_line_length: only lines with this share of capitals."},
    "line_ends_with": {"type": "string", "minLength": 1, "description":
                       "With max_line_length: only lines that end with this (a pattern; "
                       "word lists allowed), checked from the line's end."},
    "examples": {"type": "object", "description": "Texts the rule must and must not match, "
                 "run by the test suite.", "additionalProperties": False,
                 "properties": {"match": _TEXTS, "no_match": _TEXTS}},
}

_CONDITION = {"type": "object", "minProperties": 1, "additionalProperties": False,
              "properties": {key: _TEXT_OR_TEXTS if key in ("marking", "caveat")
                             else {"anyOf": [{"type": "boolean"}, _TEXT, _TEXTS]}
                             if key == "classified" else _TEXT
                             for key in CONDITION_KEYS}}

OPTION_SCHEMAS: dict[str, dict[str, Any]] = {
    "markings": _TEXT_OR_TEXTS,
    "zones": _ZONES,
    "text": _TEXT,
    "integer": {"type": "integer", "minimum": 0},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"anyOf": [_TEXT, {"type": "integer"}]},
    "level": _TEXT,
    "condition": _CONDITION,
    "words": _TEXT_OR_TEXTS,
    "fields": {"type": "object", "minProperties": 1,
               "additionalProperties": {"type": ["string", "integer"]}},
    "regex": _TEXT,
}


def _option_schema(option: Option) -> dict[str, Any]:
    schema = dict(OPTION_SCHEMAS.get(option.kind, {}))
    if option.kind == "choice":
        schema = {"enum": list(option.choices)}
    schema["description"] = option.help
    return schema


def _check_schema() -> dict[str, Any]:
    common: dict[str, Any] = {
        "id": {**_TEXT, "description": "Unique across all rule files."},
        "type": {"enum": sorted(CHECK_TYPES), "description": "The check type "
                 "(`markaudit rules explain TYPE` documents each)."},
        "description": {**_TEXT, "description": "Why the check exists."},
        "severity": {"enum": list(SEVERITIES)},
        "message": {**_TEXT, "description": "With placeholders such as {page} and {line}."},
        "whole_file": {"type": "boolean", "description": "Run once on the file rather than on "
                       "each sub-document."},
    }
    per_type = []
    for name, module in sorted(CHECK_TYPES.items()):
        options = {key: _option_schema(option) for key, option in module.OPTIONS.items()}
        required = [key for key, option in module.OPTIONS.items() if option.required]
        per_type.append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {**common, **options}, "required": required,
                     "additionalProperties": False},
        })
    return {"type": "object", "required": ["id", "type"], "properties": common,
            "allOf": per_type}


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07, what the YAML language server reads) of one rule file."""
    marking = {"type": "object", "required": ["id", "kind"], "additionalProperties": False,
               "properties": MARKING_PROPERTIES,
               "oneOf": [{"required": [key]} for key in
                         ("pattern", "patterns", *KINDS, "phrases")]}
    properties: dict[str, Any] = {
        "description": {**_TEXT, "description": "What this file holds."},
        "ocr": {"type": "object", "description": "The pack's OCR policy, declared once: how "
                "many edits a run of words of a declarative rule may take.",
                "additionalProperties": False,
                "properties": {key: {"type": "integer", "minimum": 0, "maximum": 9,
                                     "description": text}
                               for key, text in POLICY_KEYS.items()}},
        "levels": {"type": "array", "description": "Classification levels, lowest first: a "
                   "name, or {name, aliases}.", "items": {"anyOf": [_TEXT, {
                       "type": "object", "required": ["name"], "additionalProperties": False,
                       "properties": {"name": _TEXT, "aliases": _TEXTS}}]}},
        "vocabularies": {"type": "object", "description": "Named word lists: a canonical term "
                         "and its other spellings.", "additionalProperties": {
                             "type": "object", "additionalProperties": _TEXTS}},
        "markings": {"type": "array", "items": marking, "description": "Marking rules."},
        "checks": {"type": "array", "items": _check_schema(), "description": "Checks."},
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "markaudit rule file",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
