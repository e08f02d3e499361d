"""Every fixture's expectation file holds: the markings and findings its document must produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from markaudit.authoring.expect import compare, load_expectation
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import FIXTURES

# fixtures/corpus/ holds hand labels of real documents: scored for accuracy, not matched exactly.
EXPECTATIONS = sorted(p for p in FIXTURES.rglob("*.expect.yaml")
                      if "corpus" not in p.relative_to(FIXTURES).parts)


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def test_fixtures_exist():
    assert any(p.name == "frus-1962-10-27-inr.expect.yaml" for p in EXPECTATIONS)


@pytest.mark.parametrize("path", EXPECTATIONS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path: Path, pack):
    expectation = load_expectation(path)
    assert expectation.document.is_file(), f"{path}: document {expectation.document} is missing"
    problems = compare(expectation, audit_file(expectation.document, pack))
    assert not problems, "\n".join(problems)
