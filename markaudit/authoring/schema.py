"""The JSON Schema of rule files, for editors: completion and checks as a user types.

Built from the same declarations the loader validates against (the file, marking and check keys,
each check type's OPTIONS), so the schema cannot drift from what markaudit accepts. The loader
stays the authority: it also checks what a schema cannot (regexes compile, ids exist, word lists
are defined) and reports `file:line`. Export it with `markaudit rules schema`, then name it in a
rule file's first line:

    # yaml-language-server: $schema=markaudit-rules.schema.json
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markaudit.checks import CHECK_TYPES
from markaudit.checks.base import CONDITION_KEYS, Option
from markaudit.engine.kinds import KINDS
from markaudit.engine.spec import CHECK_KEYS, FILE_KEYS, MARKING_KEYS, ZONES, Key

SCHEMA_ID = "https://markaudit.invalid/schemas/rules.schema.json"

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_TEXT_OR_TEXTS = {"anyOf": [_TEXT, _TEXTS]}
_ZONES = {"type": "array", "items": {"enum": list(ZONES)}, "uniqueItems": True}


def _properties(table: Mapping[str, Key]) -> dict[str, dict[str, Any]]:
    return {name: {**key.schema, "description": key.doc} for name, key in table.items()}


MARKING_PROPERTIES = _properties(MARKING_KEYS)

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
    common: dict[str, Any] = _properties(CHECK_KEYS)
    common["type"] = {**common["type"], "enum": sorted(CHECK_TYPES)}
    common["type"].pop("type", None)
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
    properties = _properties(FILE_KEYS)
    properties["markings"] = {**properties["markings"], "items": marking}
    properties["checks"] = {**properties["checks"], "items": _check_schema()}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "markaudit rule file",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
