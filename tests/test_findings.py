"""Findings an archivist can act on (issue 20, part A): one finding for a cause repeated on many
pages, severity first, an unreadable document as a finding, identical findings counted."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from markaudit.core.model import SEVERITY_RANK, DocumentReport, Finding, Marking
from markaudit.engine.rules import load_rules
from markaudit.read import read_document
from markaudit.report.base import RunInfo
from markaudit.report.grouping import group_findings
from markaudit.report.html import HtmlReporter
from markaudit.run.audit import rule_paths
from markaudit.run.rollup import Rollup
from markaudit.run.source import audit_paths
from tests.conftest import ROOT, SEED, run_markaudit

JFK = ROOT.parent / "shared" / "corpus" / "jfk"
BODY = "The committee met on the question and agreed to report in the morning.\n"


def _pages(*pages: str) -> str:
    return "\f".join(pages)


# Page 1 carries its banners; pages 2 to 5 carry none (info: OCR may have lost them); page 6
# keeps its top banner only (warning: the bottom one is missing, not OCR's loss).
GROUPED = _pages(f"SECRET\n\n{BODY}\nSECRET\n", *[f"{BODY}\n"] * 4,
                 f"SECRET\n\n{BODY}\n{BODY}\n{BODY}\n{BODY}\n")


def _json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_markaudit("audit", *args, "-f", "json", "--no-cache", cwd=cwd)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_one_finding_per_document_and_check_names_each_cause_and_its_pages(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(GROUPED, encoding="utf-8")
    _, report = _json(str(memo), "--select", "banner.every-page")
    [finding] = report["documents"][0]["findings"]
    # the worst cause first and the severity of the finding; the clause about OCR said once
    assert finding["message"] == (
        "page 6: no classification banner at the bottom; pages 2\u20135: no classification "
        "banner at the top and bottom (4 pages); OCR may have lost it, check the scan")
    assert finding["severity"] == "warning"
    assert (finding["page"], finding["pages"]) == (2, [2, 3, 4, 5, 6])
    assert [(c["severity"], c["pages"]) for c in finding["causes"]] == [
        ("warning", [6]), ("info", [2, 3, 4, 5])]
    assert finding["causes"][1]["message"] == (
        "pages 2\u20135: no classification banner at the top and bottom (4 pages); "
        "OCR may have lost it, check the scan")


def _missing(page: int, zone: str, severity: str = "info") -> Finding:
    return Finding(rule="banner.every-page", severity=severity,  # type: ignore[arg-type]
                   message=f"page {page}: no classification banner at the {zone}; OCR may "
                   "have lost it, check the scan", page=page)


def test_the_same_words_at_two_severities_are_said_once_and_kept_apart_in_the_data():
    report = DocumentReport(path="memo.txt", findings=(
        _missing(2, "top"), _missing(2, "bottom"), _missing(3, "top", "warning"),
        _missing(3, "bottom", "warning"), _missing(4, "top")))
    [finding] = group_findings(report).findings
    assert finding.message == (
        "pages 2, 3: no classification banner at the top and bottom (2 pages); page 4: no "
        "classification banner at the top; OCR may have lost it, check the scan")
    assert [(c.severity, c.pages) for c in finding.causes] == [
        ("warning", (3,)), ("info", (2,)), ("info", (4,))]


def test_findings_of_lines_on_one_page_stay_apart_those_of_a_page_join():
    lines = tuple(Finding(rule="portion.above-banner", severity="error", message="(TS) above",
                          page=1, line=line) for line in (5, 9))
    assert group_findings(DocumentReport(path="memo.txt", findings=lines)).findings == lines
    [joined] = group_findings(DocumentReport(path="memo.txt", findings=(
        _missing(1, "top"), _missing(1, "bottom")))).findings
    assert joined.message.startswith("page 1: no classification banner at the top and bottom;")


def test_severity_filter_and_ignore_work_on_the_pages_before_grouping(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(GROUPED, encoding="utf-8")
    _, report = _json(str(memo), "--select", "banner.every-page", "--severity", "info")
    [finding] = report["documents"][0]["findings"]
    assert (finding["severity"], finding["pages"]) == ("info", [2, 3, 4, 5])
    _, report = _json(str(memo), "--select", "banner.every-page", "--severity", "warning")
    [finding] = report["documents"][0]["findings"]
    assert (finding["severity"], finding["page"], finding.get("pages")) == ("warning", 6, None)


def test_csv_and_sarif_carry_every_page_of_a_grouped_finding(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(GROUPED, encoding="utf-8")
    sarif = json.loads(run_markaudit("audit", str(memo), "-f", "sarif", "--no-cache",
                                     "--select", "banner.every-page").stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["properties"]["pages"] == [2, 3, 4, 5, 6]
    assert [c["pages"] for c in result["properties"]["causes"]] == [[6], [2, 3, 4, 5]]
    rows = list(csv.DictReader(io.StringIO(run_markaudit(
        "audit", str(memo), "-f", "csv", "--no-cache", "--select", "banner.every-page").stdout)))
    assert [row["pages"] for row in rows] == ["2 3 4 5 6"]


def test_sarif_points_a_page_finding_at_the_first_line_of_its_page(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(GROUPED, encoding="utf-8")
    lines = GROUPED.split("\n")
    first_of_page = {}
    page = 1
    for number, text in enumerate(lines, 1):
        page += text.count("\f")  # a form feed starts its line's page
        first_of_page.setdefault(page, number)
    for severity, page in (("warning", 6), ("info", 2)):
        sarif = json.loads(run_markaudit("audit", str(memo), "-f", "sarif", "--no-cache",
                                         "--select", "banner.every-page",
                                         "--severity", severity).stdout)
        [result] = sarif["runs"][0]["results"]
        assert result["properties"]["page"] == page
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == (
            first_of_page[page])
    assert first_of_page[6] > 1


@pytest.mark.skipif(not JFK.is_dir(), reason="needs ../shared/corpus/jfk")
def test_grouping_on_the_jfk_folder_cuts_banner_findings_and_keeps_every_page():
    documents = sorted(JFK.glob("*.txt"))[:40]
    report = audit_paths(documents)
    per_page = [(d.path, f.severity, f.page) for d in report.documents for f in d.findings
                if f.rule == "banner.every-page"]
    grouped = [(d.path, f) for d in report.documents for f in group_findings(d).findings
               if f.rule == "banner.every-page"]
    # one per document (the whole folder: 956 findings of pages, 89 documents)
    assert len({path for path, _ in grouped}) == len(grouped)
    assert len(grouped) * 5 <= len(per_page)
    # every page, at the severity it had, in the causes' data
    assert {(path, cause.severity, page) for path, f in grouped
            for cause in (f.causes or [f]) for page in (cause.pages or (cause.page,))
            } == set(per_page)
    for _, finding in grouped:
        assert finding.severity == max((c.severity for c in finding.causes or [finding]),
                                       key=SEVERITY_RANK.__getitem__)


def test_a_baseline_of_pages_still_accepts_them_once_grouped(tmp_path: Path):
    (tmp_path / "memo.txt").write_text(GROUPED, encoding="utf-8")
    created = run_markaudit("baseline", "create", "memo.txt", "-o", "baseline.yaml",
                            cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    # one entry per page and zone, as before grouping
    assert created.stderr.startswith("10 entries")
    code, report = _json("memo.txt", "--baseline", "baseline.yaml", cwd=tmp_path)
    assert report["documents"][0]["findings"] == []
    assert code == 0


# --- a second identical violation ------------------------------------------------------------

TWICE = "SECRET\n\nMEMORANDUM FOR THE RECORD\n\n(TS) The plan.\n\n(U) Other.\n\n{more}SECRET\n"


def test_a_second_identical_violation_on_a_baselined_page_is_reported(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(TWICE.format(more=""), encoding="utf-8")
    created = run_markaudit("baseline", "create", "memo.txt", "-o", "baseline.yaml",
                            cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    code, _ = _json("memo.txt", "--baseline", "baseline.yaml", cwd=tmp_path)
    assert code == 0
    memo.write_text(TWICE.format(more="(TS) The plan.\n\n"), encoding="utf-8")
    code, report = _json("memo.txt", "--baseline", "baseline.yaml", cwd=tmp_path)
    assert code == 1
    [finding] = report["documents"][0]["findings"]
    assert (finding["rule"], finding["line"]) == ("portion.above-banner", 9)


def test_identical_findings_have_fingerprints_of_their_own_the_first_unchanged(tmp_path: Path):
    once, twice = tmp_path / "once.txt", tmp_path / "twice.txt"
    once.write_text(TWICE.format(more=""), encoding="utf-8")
    twice.write_text(TWICE.format(more="(TS) The plan.\n\n"), encoding="utf-8")
    _, report = _json(str(once), str(twice), "--select", "portion")
    [first], both = (d["findings"] for d in report["documents"])
    assert both[0]["fingerprint"] == first["fingerprint"]
    assert len({f["fingerprint"] for f in both}) == 2


# --- an unreadable document ------------------------------------------------------------------

def test_an_unreadable_document_is_an_error_finding_and_exit_1(tmp_path: Path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"SECRET\n\x00rest\n")
    code, report = _json(str(binary), str(SEED))
    assert code == 1
    [finding] = report["documents"][0]["findings"]
    assert (finding["rule"], finding["severity"]) == ("markaudit.not-audited", "error")
    assert "NUL byte" in finding["message"]
    assert report["documents"][1]["pages"] == 2  # the batch went on


def test_not_audited_can_be_ignored_like_any_other_finding(tmp_path: Path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"SECRET\n\x00rest\n")
    code, report = _json(str(binary), str(SEED), "--ignore", "markaudit.not-audited")
    assert report["documents"][0]["findings"] == []
    assert code == 0  # the seed alone has warnings only


def test_an_image_says_it_needs_ocr_and_how(tmp_path: Path):
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    # With OCR on, an image is read by Tesseract (tests/test_ocr.py); with it off, it says why.
    result = run_markaudit("audit", str(image), "--no-cache", "--ocr", "never")
    assert result.returncode == 1
    assert "a PNG image: needs OCR (--ocr never)" in result.stderr


# --- severity first --------------------------------------------------------------------------

def test_the_console_lists_errors_first_and_counts_info(tmp_path: Path):
    (tmp_path / "a-warnings.txt").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "b-error.txt").write_text(TWICE.format(more=""), encoding="utf-8")
    result = run_markaudit("audit", ".", "--no-cache", cwd=tmp_path)
    out = result.stdout
    # the document with an error leads, though it comes second
    assert out.index("b-error.txt") < out.index("a-warnings.txt")
    assert re.search(r"^  error +portion.above-banner", out, re.M)
    assert not re.search(r"^ *info ", out, re.M)  # counted, not listed
    assert "info findings not listed (--severity info lists them)" in out
    assert "documents with errors (1)" in out
    listed = run_markaudit("audit", ".", "--no-cache", "--severity", "info", cwd=tmp_path)
    assert re.search(r"^  info +banner.every-page", listed.stdout, re.M)
    assert not re.search(r"^ *(warning|error) ", listed.stdout, re.M)


def test_a_batch_gives_each_finding_one_line_and_verbose_the_whole_message(tmp_path: Path):
    # 30 pages: banners lost on every other page, so that the list of pages is long
    pages = [f"SECRET\n\n{BODY}\nSECRET\n" if n % 2 else f"{BODY}\n" for n in range(1, 31)]
    (tmp_path / "long.txt").write_text(_pages(*pages), encoding="utf-8")
    (tmp_path / "memo.txt").write_text(GROUPED, encoding="utf-8")
    out = run_markaudit("audit", ".", "--no-cache", "--severity", "info", cwd=tmp_path).stdout
    [row] = [line for line in out.splitlines() if "banner.every-page" in line and
             "2:-" in line and "pages 2, 4, 6 and 12 more" in line]
    assert len(row) <= 120 and row.endswith("\u2026")  # a pipe's width
    listing = out[:out.index("documents by overall level")].strip("\n")
    assert "./memo.txt" in listing and "\n\n" not in listing  # no blank line between
    assert "messages cut to one line (--verbose prints them in full)" in out
    full = run_markaudit("audit", ".", "--no-cache", "--severity", "info", "--verbose",
                         cwd=tmp_path).stdout
    assert "\u2026" not in full and "cut to one line" not in full
    assert "pages 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30: no" in " ".join(
        full.split())


def test_severity_filters_every_format_and_the_exit_code(tmp_path: Path):
    (tmp_path / "memo.txt").write_text(TWICE.format(more=""), encoding="utf-8")
    code, report = _json("memo.txt", "--severity", "warning", "--severity", "info",
                         cwd=tmp_path)
    assert {f["severity"] for f in report["documents"][0]["findings"]} == {"info"}
    assert code == 0  # the error was filtered out, as semgrep's --severity does
    bad = run_markaudit("audit", "memo.txt", "--severity", "fatal", cwd=tmp_path)
    assert bad.returncode == 2


def test_html_opens_on_documents_that_need_attention_and_sorts_by_severity(tmp_path: Path):
    (tmp_path / "a-warnings.txt").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "b-error.txt").write_text(TWICE.format(more=""), encoding="utf-8")
    page = run_markaudit("audit", ".", "--no-cache", "-f", "html", cwd=tmp_path).stdout
    attention = page[page.index('<div id="attention">'):]
    assert attention.index("b-error.txt") < attention.index("a-warnings.txt")
    documents = page[page.index('<section id="documents">'):page.index('<section id="findings">')]
    assert documents.index("b-error.txt") < documents.index("a-warnings.txt")
    table = page[page.index('<table id="findings-table">'):]
    severities = [s for s in ("error", "warning", "info") for _ in
                  range(table.count(f'data-severity="{s}"'))]
    order = [table[i:].split('"', 2)[1] for i in range(len(table))
             if table.startswith('data-severity="', i)]
    assert order == severities


def _html_page(document: DocumentReport, memo: Path) -> str:
    """The HTML report of one document, handed its text as a run hands it."""
    stream = io.StringIO()
    reporter = HtmlReporter(stream, RunInfo(version="test", rules=load_rules(rule_paths())))
    reporter.start()
    reporter.text(read_document(memo))
    reporter.document(document)
    reporter.finish(Rollup())
    return stream.getvalue()


def test_html_tooltips_have_no_control_pictures_and_keep_messages_apart(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text("SECRET\n\n(TS) The plan.\n\nSECRET\n", encoding="utf-8")
    on_line_3 = [Finding(rule=rule, severity="error", message=message, page=1, line=3)
                 for rule, message in (("portion.above-banner", "first message\n"),
                                       ("test.other", "second message"))]
    document = DocumentReport(path=str(memo), pages=1, findings=tuple(on_line_3),
                              page_lines=(1,))
    page = _html_page(document, memo)
    titles = [part.split('"', 1)[0] for part in page.split(' title="')[1:]]
    # a rule's description (folded YAML) and a message ending in a newline leave no residue
    assert titles and not any("\u240a" in t or "\u240d" in t for t in titles)
    assert "error: first message&#10;error: second message" in titles


def test_html_flags_the_line_of_every_marking_of_a_finding_of_many_pages(tmp_path: Path):
    memo = tmp_path / "memo.txt"
    memo.write_text(_pages("SECRET\n\nBody.\n", "CONFIDENTIAL\n\nBody.\n",
                           "CONFIDENTIAL\n\nBody.\n"), encoding="utf-8")
    banners = [Marking(rule="banner.classification", kind="banner", text="CONFIDENTIAL",
                       value="CONFIDENTIAL", page=page, line=line, column=1, zone="top",
                       confidence=1.0)
               for page, line in ((2, 4), (3, 7))]
    disagree = [Finding(rule="banner.consistent", severity="warning", page=m.page, line=m.line,
                        message="banner says CONFIDENTIAL where the rest says SECRET",
                        markings=(m,)) for m in banners]
    document = group_findings(DocumentReport(path=str(memo), pages=3, findings=tuple(disagree),
                                             page_lines=(1, 4, 7)))
    assert len(document.findings) == 1
    flagged = re.findall(r'class="l flag-warning" id="[^"]*-p(\d+)-l(\d+)"',
                         _html_page(document, memo))
    assert sorted(flagged) == [("2", "4"), ("3", "7")]


def test_the_summary_prints_once_with_the_console_and_a_report_file(tmp_path: Path):
    result = run_markaudit("audit", str(SEED), "-f", "console", "-f", "json", "-o",
                           str(tmp_path / "report.json"), "--no-cache")
    summary = "1 document, 2 pages: 0 errors, 1 warning, 0 info"
    assert (result.stdout + result.stderr).count(summary) == 1
    assert f"report written to {tmp_path / 'report.json'}" in result.stderr
