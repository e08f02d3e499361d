"""Report formats: one module each, all fed the same documents and roll-up.

`FORMATS` maps a `--format` name to the module and class of its reporter, imported only when
used so that a run pays for the formats it asks for.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Mapping
from typing import TextIO

from markaudit.core.model import Document, Report
from markaudit.report.base import Reporter, RunInfo
from markaudit.run.rollup import Rollup

FORMATS: dict[str, tuple[str, str]] = {
    "console": ("markaudit.report.console", "ConsoleReporter"),
    "html": ("markaudit.report.html", "HtmlReporter"),
    "json": ("markaudit.report.json", "JsonReporter"),
    "jsonl": ("markaudit.report.json", "JsonLinesReporter"),
    "sarif": ("markaudit.report.sarif", "SarifReporter"),
    "junit": ("markaudit.report.junit", "JunitReporter"),
    "github": ("markaudit.report.github", "GithubReporter"),
    "csv": ("markaudit.report.csv", "CsvReporter"),
    "csv-excel": ("markaudit.report.csv", "ExcelCsvReporter"),
    "inventory": ("markaudit.report.inventory", "InventoryReporter"),
    "markdown": ("markaudit.report.markdown", "MarkdownReporter"),
}


def reporter(fmt: str, stream: TextIO, run: RunInfo) -> Reporter:
    """A reporter of format `fmt` writing to `stream`."""
    module, name = FORMATS[fmt]
    cls: type[Reporter] = getattr(importlib.import_module(module), name)
    return cls(stream, run)


def render(report: Report, fmt: str, *, rules: object = None, show_markings: bool = False,
           color: bool = False, width: int | None = None, group_by_folder: bool = False,
           documents: Mapping[str, Document] | None = None) -> str:
    """A whole report as text in format `fmt` (the Python API and tests; the CLI streams).

    `documents` (by path) gives the text of each document to a format that shows it (html), as
    the run hands over the documents it read; without it, such a format shows findings only.
    """
    buffer = io.StringIO()
    run = RunInfo(version=report.version, rules=rules, show_markings=show_markings,  # type: ignore[arg-type]
                  color=color, width=width)
    writer = reporter(fmt, buffer, run)
    rollup = Rollup(group_by_folder=group_by_folder)
    writer.start()
    for document in report.documents:
        rollup.add(document)
        if writer.shows_text and documents and document.path in documents:
            writer.text(documents[document.path])
        writer.document(document)
    writer.finish(rollup)
    return buffer.getvalue()
