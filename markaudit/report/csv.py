"""CSV: one row per finding, for a spreadsheet, pandas or a database import.

Read by reviewers who sort and filter findings in Excel or LibreOffice, and by scripts. RFC 4180
quoting (the csv module's, with CRLF row ends) and a header row. `csv-excel` writes the same rows
after a UTF-8 byte order mark, without which Excel reads UTF-8 as the local code page.
"""

from __future__ import annotations

import csv

from markaudit.core.model import DocumentReport
from markaudit.report.base import Reporter
from markaudit.report.locate import marking_texts, position
from markaudit.run.rollup import Rollup

HEADER = ("path", "page", "line", "column", "rule", "severity", "message", "marking_text",
          "fingerprint", "pages")
# Cells a spreadsheet would run as a formula (=, +, -, @; tab and CR per OWASP). Document text
# and file names are untrusted: an OCR'd "=HYPERLINK(...)" must open as text, not as a link.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str | int:
    """A value as a safe cell: numbers as they are, text starting like a formula quoted with '."""
    if value is None:
        return ""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class CsvReporter(Reporter):
    """Header first, then the rows of each document as it arrives."""

    def start(self) -> None:
        self._out = csv.writer(self.stream, lineterminator="\r\n")
        self._out.writerow(HEADER)

    def document(self, document: DocumentReport) -> None:
        # An unreadable document has its markaudit.not-audited finding: a row like any other.
        for finding in document.findings:
            line, column = position(finding)
            self._out.writerow([cell(v) for v in (
                document.path, finding.page, line, column, finding.rule, finding.severity,
                finding.message, marking_texts(finding), finding.fingerprint,
                # every page of a finding that stands for many (see markaudit.report.grouping)
                " ".join(map(str, finding.pages)) or finding.page)])

    def finish(self, rollup: Rollup) -> None:
        self.stream.flush()


class ExcelCsvReporter(CsvReporter):
    """The same rows after a UTF-8 byte order mark, for Excel."""

    def start(self) -> None:
        self.stream.write("\ufeff")
        super().start()
