"""The console report: per document its path, pages and classification, its findings, a summary.

Rendered with rich; colour only when the caller asks for it (a terminal without NO_COLOR).
Every piece of text from a document, a file name or a rule goes in as rich Text, never as markup
(a message quoting `[/]` would stop the run, `[link=...]` make a link), with its control
characters escaped (`report.terminal`), on a terminal and in a pipe alike.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, Group
from rich.text import Text

from markaudit.model import DocumentReport
from markaudit.report.base import Reporter, plural, summary_line
from markaudit.report.terminal import printable
from markaudit.rollup import Rollup

if TYPE_CHECKING:
    from rich.table import Table

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _cell(value: object) -> Text:
    """A table cell of untrusted text: plain, escaped."""
    return Text(printable(str(value)))


def _heading(document: DocumentReport) -> Text:
    heading = Text(printable(document.path), style="bold")
    if document.errors:
        return heading.append(f"  not audited: {printable('; '.join(document.errors))}",
                              style="red")
    level = "no classification marked"
    if document.classification:
        level = document.classification.level
        if document.classification.caveats:
            level += " -- " + "/".join(document.classification.caveats)
    heading.append(f"  {plural(document.pages, 'page')} · {printable(level)}", style="")
    if len(document.parts) > 1:
        spans = ", ".join(f"{p.first_page}-{p.last_page}" if p.last_page > p.first_page
                          else str(p.first_page) for p in document.parts)
        heading.append(f" · {len(document.parts)} sub-documents (pages {spans})", style="")
    return heading


def _table(**options: Any) -> Table:
    # Imported here: rich.table (with fractions and decimal) is for findings and roll-ups, and
    # the report of a clean document, as a pre-commit hook sees it, has neither.
    from rich import box
    from rich.table import Table

    return Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, **options)


def _findings_table(document: DocumentReport) -> Table:
    table = _table(expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("page:line", no_wrap=True, justify="right")
    table.add_column("message", overflow="fold")
    for finding in document.findings:
        where = f"{finding.page or '-'}:{finding.line or '-'}"
        table.add_row(Text(finding.severity, style=SEVERITY_STYLE[finding.severity]),
                      _cell(finding.rule), where, _cell(finding.message))
    return table


def _markings_table(document: DocumentReport) -> Table:
    table = _table(title_justify="left", title="markings", title_style="bold")
    for column in ("kind", "value", "page", "line", "zone", "confidence"):
        justify = "right" if column in ("page", "line", "confidence") else "left"
        table.add_column(column, justify=justify, overflow="fold")
    for marking in document.markings:
        table.add_row(_cell(marking.kind), _cell(marking.value), str(marking.page),
                      str(marking.line), _cell(marking.zone), f"{marking.confidence:.2f}")
    return table


def _titled(title: str, table: Table) -> Group:
    # A title of its own line: rich would wrap a table title to the width of a narrow table.
    return Group(Text(title, style="bold"), table)


def _counts_table(title: str, counts: Counter[str] | dict[str, int], label: str) -> Group:
    table = _table()
    table.add_column(label)
    table.add_column("count", justify="right")
    for name, count in (counts.most_common() if isinstance(counts, Counter)
                        else counts.items()):
        table.add_row(_cell(name), str(count))
    return _titled(title, table)


def _folders_table(rollup: Rollup) -> Group:
    table = _table()
    for column in ("folder", "documents", "pages", "errors", "warnings", "info", "not audited"):
        table.add_column(column, justify="left" if column == "folder" else "right")
    for name, counts in sorted(rollup.folders.items()):
        table.add_row(_cell(name), str(counts.documents), str(counts.pages),
                      *(str(counts.severities[s]) for s in ("error", "warning", "info")),
                      str(counts.not_audited))
    return _titled("by top-level folder", table)


def rollup_renderables(rollup: Rollup) -> list[Group]:
    """The roll-up tables: levels, release issuers, findings by check, worst documents."""
    total = rollup.total
    tables = [_counts_table("documents by overall level", total.levels, "level")]
    if total.issuers:
        tables.append(_counts_table("release stamps by issuer", total.issuers, "issuer"))
    if total.checks:
        tables.append(_counts_table("findings by check", total.checks, "check"))
    if rollup.most_errors:
        tables.append(_counts_table("documents with most errors", dict(rollup.most_errors),
                                    "document"))
    if rollup.group_by_folder and rollup.folders:
        tables.append(_folders_table(rollup))
    return tables


class ConsoleReporter(Reporter):
    """Per document its heading and findings as it is audited; the roll-up at the end."""

    def start(self) -> None:
        self._console = Console(
            file=_TrimmedLines(self.stream), force_terminal=self.run.color,
            color_system="auto" if self.run.color else None, width=self.run.width or 120,
            highlight=False, soft_wrap=False)

    def document(self, document: DocumentReport) -> None:
        if self.run.statistics_only:
            return
        console = self._console
        console.print(_heading(document))
        if document.findings:
            console.print(_findings_table(document))
        elif not document.errors:
            # Text, not a string: a string goes through markup and emoji codes, whose table
            # rich would import for this one line.
            console.print(Text("  no findings"))
        if self.run.show_markings and document.markings:
            console.print(_markings_table(document))
        console.print()

    def finish(self, rollup: Rollup) -> None:
        # One document needs no roll-up: its own report says it all.
        if rollup.total.documents > 1 or self.run.statistics_only:
            for table in rollup_renderables(rollup):
                self._console.print(table)
                self._console.print()
        self._console.print(Text(summary_line(rollup), style="bold"))
        self.stream.flush()


class _TrimmedLines(io.TextIOBase):
    """A stream that drops trailing blanks: rich pads table cells, which only gets in diff's way."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self._stream.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending.rstrip())
            self._pending = ""
        self._stream.flush()
