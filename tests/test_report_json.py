"""The JSON report is a public interface: its shape is asserted key by key."""

from __future__ import annotations

import json

import markaudit
from markaudit.report import render
from tests.conftest import SEED

DOCUMENT_KEYS = {"path", "pages", "encoding", "classification", "parts", "markings", "findings",
                 "errors"}
MARKING_KEYS = {"rule", "kind", "text", "value", "page", "line", "column", "zone", "confidence",
                "fields"}
FINDING_KEYS = {"rule", "severity", "message", "page", "line", "fingerprint", "markings"}
KINDS = {"banner", "portion", "release", "desensitization", "transmittal", "downgrading",
         "authority", "exemption", "page-number", "control-number", "document-date",
         "document-start", "copy-control", "withdrawal"}
ISSUERS = {"JFK-ACT", "CIA", "FBI", "STATE", "NSA", "LIBRARY", "NARA", "DOD", "OTHER"}


def _seed_report() -> dict:
    return json.loads(render(markaudit.audit_paths([SEED]), "json"))


def test_top_level_shape():
    report = _seed_report()
    assert set(report) == {"tool", "documents", "summary", "rollup"}
    assert report["tool"] == {"name": "markaudit", "version": markaudit.__version__}
    assert report["summary"]["documents"] == len(report["documents"]) == 1


def test_document_shape_and_classification():
    document = _seed_report()["documents"][0]
    assert set(document) == DOCUMENT_KEYS
    assert document["pages"] == 2
    assert document["encoding"] == "utf-8"
    assert document["classification"] == {"level": "TOP SECRET", "caveats": ["EYES ONLY"]}
    assert document["errors"] == []


def test_every_marking_has_the_documented_fields():
    for marking in _seed_report()["documents"][0]["markings"]:
        assert set(marking) == MARKING_KEYS
        assert marking["kind"] in KINDS
        assert marking["zone"] in {"top", "bottom", "body"}
        assert 0.0 <= marking["confidence"] <= 1.0
        if "date" in marking["fields"]:
            assert len(marking["fields"]["date"]) == 10 and marking["fields"]["date"][4] == "-"
        if marking["kind"] == "release":
            assert marking["fields"]["issuer"] in ISSUERS


def test_banner_marking_as_documented():
    markings = _seed_report()["documents"][0]["markings"]
    banner = next(m for m in markings if m["kind"] == "banner")
    assert banner["text"] == banner["value"] == "TOP SECRET -- EYES ONLY"
    assert banner["fields"] == {"level": "TOP SECRET", "caveats": ["EYES ONLY"]}
    assert (banner["page"], banner["line"], banner["zone"]) == (1, 29, "bottom")


def test_finding_shape_and_page_level_finding_has_null_line():
    (finding,) = _seed_report()["documents"][0]["findings"]
    assert set(finding) == FINDING_KEYS
    assert finding["severity"] == "warning"
    assert finding["page"] == 1 and finding["line"] is None
    assert len(finding["fingerprint"]) >= 16


def test_fingerprint_survives_lines_moving(tmp_path):
    moved = tmp_path / "moved.txt"
    moved.write_text("\n\n\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    before = _seed_report()["documents"][0]["findings"][0]
    after = json.loads(render(markaudit.audit_paths([moved]), "json"))["documents"][0]
    assert after["findings"][0]["fingerprint"] == before["fingerprint"]


def test_unreadable_document_has_errors_and_no_markings(tmp_path):
    report = json.loads(render(markaudit.audit_paths([tmp_path / "gone.txt"]), "json"))
    document = report["documents"][0]
    assert document["errors"] == ["no such file"]
    assert document["classification"] is None and document["markings"] == []
    assert report["summary"]["pages"] == 0


def test_classification_is_null_when_nothing_is_marked():
    report = markaudit.audit_text("A note about lunch.\n")
    assert report.documents[0].classification is None


def test_classification_is_the_highest_level_with_all_caveats():
    text = "SECRET/NOFORN\n\n" + "Plain words of the memorandum go on and on here. " * 3 + (
        "\n\nTOP SECRET -- EYES ONLY\n")
    classification = markaudit.audit_text(text).documents[0].classification
    assert classification is not None
    assert classification.level == "TOP SECRET"
    assert set(classification.caveats) == {"NOFORN", "EYES ONLY"}


def test_api_audit_text_finds_ocr_damaged_banner_with_lower_confidence():
    report = markaudit.audit_text("T0P SECRFT\n\nSome text.\n")
    banner = next(m for m in report.documents[0].markings if m.kind == "banner")
    assert banner.value == "TOP SECRET"
    assert banner.text == "T0P SECRFT"
    assert banner.confidence < 1.0
