"""The report formats for CI, spreadsheets and reviewers, each parsed with a real parser.

SARIF against the official schema (read in place from ../shared/schemas/), JUnit with
xml.etree, CSV and the inventory with the csv module, GitHub workflow commands with a line
pattern, Markdown tables by their cell counts; on the seed and on a batch with an unreadable file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import markaudit
from markaudit.core.model import DocumentReport, Finding, Marking, Report
from markaudit.engine.rules import RuleSet, load_rules
from markaudit.report import FORMATS, render, reporter
from markaudit.report.base import RunInfo
from markaudit.run.audit import rule_paths
from tests.conftest import FIXTURES, SEED, SHARED

SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
SYNTHETIC = sorted((FIXTURES / "synthetic").glob("*.txt"))


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules(rule_paths())


@pytest.fixture(scope="module")
def seed_report(ruleset: RuleSet) -> Report:
    return markaudit.audit_paths([SEED], rules=ruleset)


@pytest.fixture(scope="module")
def unreadable(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("unreadable")
    binary = folder / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02 binary")
    return [folder / "missing.txt", binary]


@pytest.fixture(scope="module")
def batch(ruleset: RuleSet, unreadable: list[Path]) -> Report:
    return markaudit.audit_paths([SEED, *SYNTHETIC, *unreadable], rules=ruleset)


def _hostile_report() -> Report:
    """Findings whose text is what OCR and untrusted documents can hold."""
    marking = Marking(rule="banner.classification", kind="banner",
                      text='=HYPERLINK("http://x.example/?q=1","click")', value="SECRET",
                      page=1, line=3, column=5, zone="top", confidence=0.75)
    findings = (
        Finding(rule="banner.consistent", severity="warning", page=1, line=3,
                message='banner says "SECRET, NOFORN" where\nthe rest | says `TOP` <script>',
                markings=(marking,)),
        Finding(rule="test.control", severity="error", page=2, line=None,
                message="form\x0cfeed, NUL\x00 and \x1b escape; # not a heading; @someone #12"),
        Finding(rule="test.formula", severity="info", message="-2- +1 @SUM(A1)"),
    )
    return Report(documents=(DocumentReport(path="odd, name: 50%.txt", pages=2,
                                            findings=findings),), version="0.1.0")


def _finding_count(report: Report) -> int:
    """Every finding, an unreadable document's markaudit.not-audited among them."""
    return len(report.findings)


def _readable_finding_count(report: Report) -> int:
    """The findings of the documents that were read (JUnit and Markdown say "not audited" of
    the others in a form of their own)."""
    return sum(len(d.findings) for d in report.documents if not d.errors)


def _unreadable_count(report: Report) -> int:
    return sum(1 for d in report.documents if d.errors)


def test_every_format_is_registered():
    for fmt in ("sarif", "junit", "github", "csv", "csv-excel", "inventory", "markdown"):
        assert fmt in FORMATS


@pytest.mark.parametrize("fmt", ["sarif", "github", "csv", "inventory"])
def test_streaming_formats_write_each_document_as_it_arrives(fmt, seed_report, ruleset):
    stream = io.StringIO()
    writer = reporter(fmt, stream, RunInfo(version="0.1.0", rules=ruleset))
    writer.start()
    before = stream.tell()
    writer.document(seed_report.documents[0])
    assert stream.tell() > before
    assert ("TOP SECRET" if fmt == "inventory" else "banner.every-page") in stream.getvalue()


# --- SARIF -----------------------------------------------------------------------------------

def _sarif(report: Report, ruleset: RuleSet | None) -> dict:
    return json.loads(render(report, "sarif", rules=ruleset))


def _validate(sarif: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"no SARIF schema at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(sarif)]
    assert errors == []


@pytest.mark.parametrize("which", ["seed", "batch"])
def test_sarif_is_valid_and_has_one_result_per_finding(which, seed_report, batch, ruleset):
    report = seed_report if which == "seed" else batch
    sarif = _sarif(report, ruleset)
    _validate(sarif)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == _finding_count(report) > 0
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["markaudit/v1"]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    levels = {r["level"] for r in run["results"]}
    assert levels <= {"error", "warning", "note"}
    if which == "batch":
        assert {"error", "warning", "note"} <= levels


def test_sarif_describes_every_check_and_the_timeout_rule(seed_report, ruleset):
    rules = _sarif(seed_report, ruleset)["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert set(by_id) == {c.id for c in ruleset.checks} | {
        "markaudit.rule-timeout", "markaudit.page-timeout", "markaudit.document-timeout",
        "markaudit.needs-ocr", "markaudit.not-audited"}
    every_page = next(c for c in ruleset.checks if c.id == "banner.every-page")
    assert by_id["banner.every-page"]["defaultConfiguration"]["level"] == "note"  # info
    assert by_id["banner.every-page"]["fullDescription"]["text"] == " ".join(
        every_page.description.split())
    assert by_id["markaudit.rule-timeout"]["defaultConfiguration"]["level"] == "error"


def test_sarif_seed_result_locates_the_finding(seed_report, ruleset):
    result = _sarif(seed_report, ruleset)["runs"][0]["results"][0]
    assert result["ruleId"] == "banner.every-page" and result["level"] == "warning"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == SEED.as_uri()
    assert result["properties"]["page"] == 1
    assert result["properties"]["classification"] == {"level": "TOP SECRET",
                                                      "caveats": ["EYES ONLY"]}


def test_sarif_unreadable_documents_are_not_audited_results(batch, ruleset, unreadable):
    sarif = _sarif(batch, ruleset)
    _validate(sarif)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "markaudit.not-audited"]
    assert [r["level"] for r in results] == ["error", "error"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == [p.as_uri() for p in unreadable]
    # Not also a notification: a SARIF viewer shows the file once, as an alert.
    assert sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []


def test_sarif_fingerprint_survives_lines_moving(tmp_path, ruleset):
    original = FIXTURES / "synthetic" / "contradictions.txt"
    moved = tmp_path / "contradictions.txt"
    moved.write_text("\n\n\n\n" + original.read_text(encoding="utf-8"), encoding="utf-8")
    before, after = (_sarif(markaudit.audit_paths([p], rules=ruleset), ruleset)["runs"][0]
                     for p in (original, moved))
    placed = 0
    for old, new in zip(before["results"], after["results"], strict=True):
        assert old["ruleId"] == new["ruleId"]
        assert old["partialFingerprints"] == new["partialFingerprints"]
        old_region = old["locations"][0]["physicalLocation"]["region"]
        new_region = new["locations"][0]["physicalLocation"]["region"]
        if "startColumn" in old_region:  # a finding placed on a marking's line
            assert new_region["startLine"] == old_region["startLine"] + 4
            assert new_region["startColumn"] == old_region["startColumn"]
            placed += 1
    assert placed >= 2


def test_sarif_relative_uri_is_percent_encoded(tmp_path, monkeypatch, ruleset):
    folder = tmp_path / "my docs"
    folder.mkdir()
    (folder / "memo #1.txt").write_bytes(SEED.read_bytes())
    monkeypatch.chdir(tmp_path)
    sarif = _sarif(markaudit.audit_paths(["my docs/memo #1.txt"], rules=ruleset), ruleset)
    _validate(sarif)
    artifact = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]
    assert artifact["uri"] == "my%20docs/memo%20%231.txt"


def test_sarif_without_a_rule_set_still_names_its_rules():
    sarif = _sarif(_hostile_report(), None)
    _validate(sarif)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rules[r["ruleIndex"]]["id"] for r in run["results"]] == [
        "banner.consistent", "test.control", "test.formula"]
    assert run["results"][0]["properties"]["confidence"] == 0.75


# --- JUnit -----------------------------------------------------------------------------------

def _junit(report: Report) -> ET.Element:
    return ET.fromstring(render(report, "junit"))


@pytest.mark.parametrize("which", ["seed", "batch"])
def test_junit_counts_match_the_audit(which, seed_report, batch):
    report = seed_report if which == "seed" else batch
    root = _junit(report)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [d.path for d in report.documents]
    failing = sum(1 for d in report.documents if not d.errors for f in d.findings
                  if f.severity != "info")
    assert len(suite.findall("testcase/failure")) == failing
    assert len(suite.findall("testcase/error")) == _unreadable_count(report)
    for element in (root, suite):
        assert int(element.get("tests")) == len(report.documents)
        assert int(element.get("failures")) == failing
        assert int(element.get("errors")) == _unreadable_count(report)


def test_junit_failures_name_their_rule_and_info_stays_out(batch):
    suite = _junit(batch).find("testsuite")
    for case, document in zip(suite.findall("testcase"), batch.documents, strict=True):
        rules = [f.get("type") for f in case.findall("failure")]
        assert rules == [f.rule for f in document.findings
                         if f.severity != "info" and not document.errors]
        if document.findings and not document.errors:
            out = case.find("system-out").text
            assert all(f.message in out for f in document.findings)


def test_junit_survives_control_characters_and_markup():
    root = _junit(_hostile_report())
    failures = root.findall("testsuite/testcase/failure")
    assert [f.get("type") for f in failures] == ["banner.consistent", "test.control"]
    assert "<script>" in failures[0].get("message")
    assert "feed, NUL" in failures[1].get("message")
    assert "\x0c" not in failures[1].get("message")


# --- GitHub ----------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) file=([^,:]+)(?:,line=(\d+))?(?:,col=(\d+))?"
                     r",title=([^,:]+)::([^\r\n]*)$")


def _unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


@pytest.mark.parametrize("which", ["seed", "batch"])
def test_github_one_command_per_finding(which, seed_report, batch):
    report = seed_report if which == "seed" else batch
    lines = render(report, "github").splitlines()
    matches = [COMMAND.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    assert len(lines) == _finding_count(report)  # one for each unreadable document among them
    kinds = {"error": "error", "warning": "warning", "info": "notice"}
    expected = [kinds[f.severity] for d in report.documents for f in d.findings]
    got = [m.group(1) for m in matches if m.group(5) != "markaudit.unreadable"]
    assert got == expected


def test_github_escapes_data_and_properties():
    # splitlines() also splits at form feeds and line separators: a reader of the log might too
    lines = render(_hostile_report(), "github").splitlines()
    assert len(lines) == 3
    match = COMMAND.match(lines[0])
    assert match
    assert _unescape(match.group(2)) == "odd, name: 50%.txt"
    assert (match.group(3), match.group(4)) == ("3", "5")
    assert _unescape(match.group(6)) == _hostile_report().findings[0].message
    assert "\ufffd" in lines[1] and "\x1b" not in lines[1]


# --- CSV -------------------------------------------------------------------------------------

def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("which", ["seed", "batch"])
def test_csv_one_row_per_finding(which, seed_report, batch):
    report = seed_report if which == "seed" else batch
    rows = _rows(render(report, "csv"))
    assert len(rows) == _finding_count(report)  # one for each unreadable document among them
    findings = [(d.path, f) for d in report.documents for f in d.findings]
    readable = [r for r in rows if r["rule"] != "markaudit.unreadable"]
    for row, (path, finding) in zip(readable, findings, strict=True):
        assert (row["path"], row["rule"], row["severity"], row["fingerprint"]) == (
            path, finding.rule, finding.severity, finding.fingerprint)
    if which == "seed":
        assert rows[0]["page"] == "1" and rows[0]["rule"] == "banner.every-page"


def test_csv_round_trips_commas_quotes_and_newlines():
    report = _hostile_report()
    rows = _rows(render(report, "csv"))
    assert rows[0]["message"] == report.findings[0].message
    assert rows[0]["path"] == "odd, name: 50%.txt"
    assert (rows[0]["line"], rows[0]["column"]) == ("3", "5")


def test_csv_neutralises_formulas():
    rows = _rows(render(_hostile_report(), "csv"))
    assert rows[0]["marking_text"] == "'" + '=HYPERLINK("http://x.example/?q=1","click")'
    assert rows[2]["message"] == "'-2- +1 @SUM(A1)"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows
                   for value in row.values())


def test_csv_excel_has_a_bom_and_the_same_rows(batch):
    excel = render(batch, "csv-excel")
    assert excel.startswith("\ufeff")
    assert _rows(excel.encode("utf-8").decode("utf-8-sig")) == _rows(render(batch, "csv"))


# --- inventory -------------------------------------------------------------------------------

def test_inventory_seed_row(seed_report):
    (row,) = _rows(render(seed_report, "inventory"))
    assert (row["level"], row["caveats"], row["release_stamps"]) == (
        "TOP SECRET", "EYES ONLY", "STATE")
    assert row["document_date"].startswith("1962")
    assert (row["pages"], row["parts"], row["status"]) == ("2", "1", "audited")
    assert (row["errors"], row["warnings"], row["info"]) == ("0", "1", "0")


def test_inventory_one_row_per_document(batch):
    rows = _rows(render(batch, "inventory"))
    assert [r["path"] for r in rows] == [d.path for d in batch.documents]
    for severity, column in (("error", "errors"), ("warning", "warnings"), ("info", "info")):
        assert sum(int(r[column]) for r in rows) == batch.count(severity)
    statuses = [r["status"] for r in rows]
    assert statuses[:-2] == ["audited"] * (len(rows) - 2)
    assert statuses[-2] == "no such file" and "binary" in statuses[-1]
    crest = next(r for r in rows if r["path"].endswith("crest-memo.txt"))
    assert crest["release_stamps"] == "CIA 2004-06-23"  # one stamp repeated on every page


# --- Markdown --------------------------------------------------------------------------------

CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _tables(text: str) -> list[list[str]]:
    """Every table: its lines, header first."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables + ([current] if current else [])


def _check_tables(text: str) -> int:
    tables = _tables(text)
    for lines in tables:
        widths = {len(CELL_SEPARATOR.split(line)) for line in lines}
        assert len(widths) == 1, lines
    return len(tables)


@pytest.mark.parametrize("which", ["seed", "batch"])
def test_markdown_tables_keep_their_shape(which, seed_report, batch):
    report = seed_report if which == "seed" else batch
    text = render(report, "markdown")
    with_findings = sum(1 for d in report.documents if d.findings)
    assert _check_tables(text) >= with_findings + 1
    finding_rows = sum(len(t) - 2 for t in _tables(text) if t[0].startswith("| page "))
    assert finding_rows == _readable_finding_count(report)
    documents = len(report.documents)
    assert text.splitlines()[2].startswith(f"{documents} document{'s' if documents > 1 else ''},")


def test_markdown_escapes_untrusted_text():
    text = render(_hostile_report(), "markdown")
    assert _check_tables(text) == 3  # levels, checks, the document's findings
    (findings,) = [t for t in _tables(text) if t[0].startswith("| page ")]
    assert len(findings) == 2 + 3  # the newline in a message did not start a row
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\`TOP\\`" in text
    assert "@someone" not in text and "#12" not in text
    assert "| \\-2- +1 @\u200bSUM(A1) |" in text  # no list item, no mention
    assert "\x00" not in text and "\x1b" not in text
