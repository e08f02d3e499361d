"""The example pack of docs/writing-rules.md validates, passes its own test, and finds its
marking in an audit, through the command line as the tutorial runs it."""

from __future__ import annotations

import json

from markaudit.engine.detect import detect
from markaudit.engine.rules import load_rules
from markaudit.read import document_from_text
from tests.conftest import ROOT, run_markaudit

PACK = ROOT / "examples" / "uk-wartime"
DOCUMENT = PACK / "cabinet-paper-1943.txt"
US_COPY = PACK / "us-copy-1944.txt"


def test_the_example_pack_validates():
    result = run_markaudit("rules", "validate", str(PACK))
    assert result.returncode == 0, result.stderr
    assert "no problem found" in result.stdout


def test_the_example_pack_passes_its_expectation():
    result = run_markaudit("rules", "test", str(PACK), "--no-default-rules", "--rules", str(PACK))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_an_audit_with_the_pack_finds_the_british_gradings():
    result = run_markaudit("audit", str(DOCUMENT), "--rules", str(PACK), "-f", "json",
                           "--no-cache")
    assert result.returncode == 0, result.stderr
    [document] = json.loads(result.stdout)["documents"]
    gradings = [(m["page"], m["zone"], m["value"], m["confidence"] < 1)
                for m in document["markings"] if m["rule"] == "uk.grading"]
    assert gradings == [(1, "top", "MOST SECRET", False), (1, "bottom", "MOST SECRET", False),
                        (2, "top", "MOST SECRET", True),  # "MOST SEGRET", read with OCR tolerance
                        (2, "bottom", "MOST SECRET", False), (3, "bottom", "MOST SECRET", False)]
    assert {m["rule"] for m in document["markings"]} >= {
        "uk.property-notice", "uk.lock-and-key", "uk.copy-number", "uk.paper-reference"}
    assert [(f["rule"], f["page"]) for f in document["findings"]
            if f["rule"].startswith("uk.")] == [("uk.grading-every-page", 3)]


def us_copy_markings(*rules: str) -> list[tuple[str, str, dict[str, object]]]:
    result = run_markaudit("audit", str(US_COPY), *rules, "-f", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    [document] = json.loads(result.stdout)["documents"]
    return [(m["rule"], m["value"], m["fields"]) for m in document["markings"]]


def test_the_tutorials_three_cases_are_found_with_the_pack_and_not_without_it():
    """A year slot, a stamp of four lines, and a caveat added to the shipped banners' list."""
    found = us_copy_markings("--rules", str(PACK))
    assert found == [
        ("banner.classification", "TOP SECRET -- BIGOT", {"level": "TOP SECRET",
                                                          "caveats": ["BIGOT"]}),
        ("release.sanitized-copy-year", "Sanitized copy for release 1998", {"year": 1998}),
        ("release.marsh-library", "Reviewed for release, case 2015-0772-M",
         {"case": "2015-0772-M", "date": "2020-11-09", "issuer": "Marsh Library"}),
        ("banner.classification", "TOP SECRET -- BIGOT", {"level": "TOP SECRET",
                                                          "caveats": ["BIGOT"]})]
    without = us_copy_markings()
    assert not [m for m in without if m[0].startswith("release.") or "BIGOT" in m[1]]


def test_without_the_pack_no_british_grading_is_found():
    result = run_markaudit("audit", str(DOCUMENT), "-f", "json", "--no-cache")
    [document] = json.loads(result.stdout)["documents"]
    assert not [m for m in document["markings"] if m["kind"] == "grading"]


def test_the_example_rules_match_their_examples():
    rules = load_rules([PACK])
    for rule in rules.markings:
        for expected, texts in rule.examples.items():
            for text in texts:
                found = detect(document_from_text(text), rules)
                assert bool(found) == (expected == "match"), (rule.id, text)


def test_the_schema_beside_the_pack_is_the_current_one():
    result = run_markaudit("rules", "schema")
    assert (PACK / "markaudit-rules.schema.json").read_text(encoding="utf-8") == result.stdout
