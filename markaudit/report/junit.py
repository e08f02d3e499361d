"""JUnit XML: each document a test case, each finding at or above warning a failure.

Read by CI servers that collect test reports (Jenkins' JUnit plugin, GitLab's unit test
reports, Azure Pipelines): an audit shows up beside the test results, a document with findings
as a failed test named by its path, an unreadable document as an errored one.

The counts in <testsuite> open the file but are known only at the end, so the test cases are
written to a spooled temporary file (in memory while small, on disk past that) and copied out
after the counts: memory stays flat over any batch.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from xml.etree import ElementTree as ET

from markaudit.core.model import SEVERITY_RANK, DocumentReport, Finding
from markaudit.report.base import Reporter
from markaudit.report.locate import marking_texts, position
from markaudit.run.rollup import Rollup

SUITE = "markaudit"
FAILING = SEVERITY_RANK["warning"]
SPOOL_BYTES = 4 * 1024 * 1024
# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; OCR text has form feeds,
# NULs and worse, and one of them makes the whole report unparseable.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return ILLEGAL_XML.sub("\ufffd", text)


def _where(finding: Finding) -> str:
    line, column = position(finding)
    where = f"page {finding.page}" if finding.page is not None else "document"
    if line is not None:
        where += f", line {line}" + (f", column {column}" if column else "")
    return where


def _listing(finding: Finding) -> str:
    text = f"{finding.severity} {finding.rule} ({_where(finding)}): {finding.message}"
    if finding.markings:
        text += f"\n    marking: {marking_texts(finding)}"
    return text


def _testcase(document: DocumentReport) -> tuple[ET.Element, int]:
    """The test case of a document, and how many failures it holds."""
    case = ET.Element("testcase", {"classname": SUITE, "name": xml_text(document.path),
                                   "file": xml_text(document.path)})
    if document.errors:
        reason = "; ".join(document.errors)
        error = ET.SubElement(case, "error", {"type": "unreadable",
                                              "message": xml_text(f"not audited: {reason}")})
        error.text = xml_text(f"{document.path}: {reason}")
        return case, 0
    failures = 0
    for finding in document.findings:
        if SEVERITY_RANK[finding.severity] < FAILING:
            continue
        failure = ET.SubElement(case, "failure", {"type": finding.rule,
                                                  "message": xml_text(finding.message)})
        failure.text = xml_text(_listing(finding))
        failures += 1
    # Jenkins and Azure Pipelines show only the first <failure> of a test case, and info findings
    # (OCR noise, mostly) must not fail a test, so every finding, info included, is also listed in
    # <system-out>, which Jenkins shows on the test's page as its standard output.
    if document.findings:
        out = ET.SubElement(case, "system-out")
        out.text = xml_text("\n".join(_listing(f) for f in document.findings) + "\n")
    return case, failures


class JunitReporter(Reporter):
    """One <testsuite name="markaudit"> inside <testsuites>; counts written once all are known."""

    def start(self) -> None:
        self._cases = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed in finish)
            max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")
        self._tests = self._failures = self._errors = 0

    def document(self, document: DocumentReport) -> None:
        case, failures = _testcase(document)
        ET.indent(case, space="  ", level=2)
        self._cases.write("    " + ET.tostring(case, encoding="unicode").rstrip() + "\n")
        self._tests += 1
        self._failures += failures
        self._errors += bool(document.errors)

    def finish(self, rollup: Rollup) -> None:
        # `failures` counts <failure> elements (findings at or above warning), not failed
        # documents: it is the number a reader compares with the audit's own summary. Jenkins
        # and GitLab count test cases themselves from the elements.
        counts = (f'tests="{self._tests}" failures="{self._failures}" errors="{self._errors}"')
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                          f'<testsuites name="{SUITE}" {counts}>\n'
                          f'  <testsuite name="{SUITE}" {counts} skipped="0">\n')
        self._cases.seek(0)
        shutil.copyfileobj(self._cases, self.stream)
        self._cases.close()
        self.stream.write("  </testsuite>\n</testsuites>\n")
