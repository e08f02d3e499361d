"""The JSON report: a public interface, documented in docs/reports.md. Keep it stable.

Written as it goes: the documents array is streamed, the summary and roll-up come last.
"""

from __future__ import annotations

import json

from markaudit.core.model import SEVERITIES, DocumentReport
from markaudit.report.base import Reporter
from markaudit.run.rollup import Rollup


def indented(value: object, depth: int) -> str:
    """`value` as JSON indented by 2, nested `depth` levels deep."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth)


class JsonReporter(Reporter):
    _documents = 0

    def start(self) -> None:
        tool = {"name": "markaudit", "version": self.run.version}
        self.stream.write(f'{{\n  "tool": {indented(tool, 1)},\n  "documents": [')

    def document(self, document: DocumentReport) -> None:
        self.stream.write(("," if self._documents else "") + "\n    "
                          + indented(document.to_dict(), 2))
        self._documents += 1

    def finish(self, rollup: Rollup) -> None:
        summary = {
            "documents": rollup.total.documents,
            "pages": rollup.total.pages,
            "findings": {s: rollup.total.severities[s] for s in SEVERITIES},
            "partial": rollup.partial,
        }
        close = "\n  ]" if self._documents else "]"
        self.stream.write(f'{close},\n  "summary": {indented(summary, 1)},\n'
                          f'  "rollup": {indented(rollup.to_dict(), 1)}\n}}\n')


class JsonLinesReporter(Reporter):
    """One JSON object per line: each document as it is audited, then the roll-up.

    For batches too large to hold: `jq`, pandas and DuckDB read it line by line.
    """

    def document(self, document: DocumentReport) -> None:
        self.stream.write(json.dumps({"type": "document", **document.to_dict()},
                                     ensure_ascii=False) + "\n")

    def finish(self, rollup: Rollup) -> None:
        self.stream.write(json.dumps({"type": "rollup", "tool": {
            "name": "markaudit", "version": self.run.version}, **rollup.to_dict()},
            ensure_ascii=False) + "\n")
