"""The published JSON Schema of rule files accepts the shipped pack and catches typical mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from markaudit.authoring.schema import MARKING_PROPERTIES, rule_file_schema
from markaudit.checks import CHECK_TYPES
from markaudit.engine.rules import CHECK_KEYS, FILE_KEYS, MARKING_KEYS
from markaudit.engine.yamlfile import load
from tests.conftest import ROOT

SHIPPED = sorted((ROOT / "rules").rglob("*.yaml"))


def _errors(document: object) -> list[str]:
    validator = jsonschema.Draft7Validator(rule_file_schema())
    return [error.message for error in validator.iter_errors(document)]


def test_the_schema_is_a_valid_draft_7_schema():
    jsonschema.Draft7Validator.check_schema(rule_file_schema())


def test_the_schema_knows_every_key_the_loader_knows():
    schema = rule_file_schema()
    assert set(schema["properties"]) == set(FILE_KEYS)
    assert set(MARKING_PROPERTIES) == set(MARKING_KEYS)
    checks = schema["properties"]["checks"]["items"]
    assert set(checks["properties"]) == set(CHECK_KEYS)
    assert {branch["if"]["properties"]["type"]["const"] for branch in checks["allOf"]} == set(
        CHECK_TYPES)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_file_is_valid(path: Path):
    # Read as markaudit reads it (YAML 1.2), then as JSON sees it: dates are strings there.
    data = json.loads(json.dumps(load(path.read_text(encoding="utf-8")), default=str))
    assert _errors(data) == []


@pytest.mark.parametrize(("document", "complaint"), [
    ({"markings": [{"id": "x", "kind": "banner", "pattern": "A", "zone": ["top"]}]},
     "'zone' was unexpected"),
    ({"markings": [{"id": "x", "kind": "banner", "pattern": "A", "zones": ["header"]}]},
     "'header' is not one of"),
    ({"markings": [{"id": "x", "kind": "banner"}]}, "is not valid under any of the given"),
    ({"markings": [{"id": "x", "kind": "banner", "phrase": "A", "ocr_edits": 9}]},
     "9 is greater than the maximum of 5"),
    ({"checks": [{"id": "c", "type": "every_pages", "marking": "x"}]}, "'every_pages' is not one"),
    ({"checks": [{"id": "c", "type": "every_page"}]}, "'marking' is a required property"),
    ({"checks": [{"id": "c", "type": "every_page", "marking": "x", "severity": "fatal"}]},
     "'fatal' is not one of"),
    ({"checks": [{"id": "c", "type": "every_page", "marking": "x", "scope": "page"}]},
     "'scope' was unexpected"),
])
def test_typical_mistakes_are_caught_as_one_types(document: dict, complaint: str):
    assert any(complaint in error for error in _errors(document)), _errors(document)
