"""The expectation comparison itself must catch misses and extras, or fixtures prove nothing."""

from __future__ import annotations

import pytest

from markaudit.authoring.expect import compare, load_expectation
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path
from markaudit.run.source import audit_file
from tests.conftest import FIXTURES

SEED_EXPECT = FIXTURES / "frus-1962-10-27-inr.expect.yaml"


@pytest.fixture(scope="module")
def seed_report():
    expectation = load_expectation(SEED_EXPECT)
    return audit_file(expectation.document, load_rules([default_rules_path()]))


def _write(tmp_path, text: str):
    target = tmp_path / "seed.expect.yaml"
    target.write_text(f"document: {FIXTURES / 'frus-1962-10-27-inr.txt'}\n" + text,
                      encoding="utf-8")
    return load_expectation(target)


def test_a_missing_marking_is_reported(tmp_path, seed_report):
    expectation = _write(tmp_path, "kinds: [banner]\nmarkings:\n"
                         "  - {rule: banner.classification, page: 1, line: 5}\n")
    problems = compare(expectation, seed_report)
    assert any(p.startswith("missing marking: rule='banner.classification', page=1, line=5")
               for p in problems)
    assert sum(p.startswith("unexpected marking") for p in problems) == 3


def test_a_wrong_field_is_a_miss(tmp_path, seed_report):
    expectation = _write(tmp_path, "kinds: [transmittal]\nmarkings:\n"
                         "  - {rule: transmittal.note, page: 1, fields: {date: '1962-10-28'}}\n")
    problems = compare(expectation, seed_report)
    assert problems and "1962-10-28" in problems[0] and "nearest" in problems[0]


def test_findings_and_pages_are_compared(tmp_path, seed_report):
    expectation = _write(tmp_path, "pages: 3\nfindings: []\n")
    problems = compare(expectation, seed_report)
    assert "pages: expected 3, found 2" in problems
    assert any(p.startswith("unexpected finding: rule='banner.every-page'") for p in problems)


def test_classification_is_compared(tmp_path, seed_report):
    expectation = _write(tmp_path, "classification: {level: SECRET}\n")
    assert compare(expectation, seed_report) == [
        "classification: expected {'level': 'SECRET'}, found "
        "{'level': 'TOP SECRET', 'caveats': ['EYES ONLY']}"]


def test_unknown_key_in_expectation_file_is_an_error(tmp_path):
    target = tmp_path / "x.expect.yaml"
    target.write_text("document: x.txt\nmarkngs: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key"):
        load_expectation(target)


def test_a_file_naming_its_reviewed_checks_compares_only_their_findings(tmp_path, seed_report):
    # The seed's one finding is banner.every-page on page 1 (its top banner is lost).
    other = _write(tmp_path, "checks: [page-number.sequence]\nfindings: []\n")
    assert compare(other, seed_report) == []
    reviewed = _write(tmp_path, "checks: [banner.every-page]\nfindings: []\n")
    assert [p.split(":")[0] for p in compare(reviewed, seed_report)] == ["unexpected finding"]
