"""The console report: per document its path, pages and classification, its findings, a summary.

Rendered with rich; colour only when the caller asks for it (a terminal without NO_COLOR).
Every piece of text from a document, a file name or a rule goes in as rich Text, never as markup
(a message quoting `[/]` would stop the run, `[link=...]` make a link), with its control
characters escaped (`report.terminal`), on a terminal and in a pipe alike.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console, Group
from rich.text import Text

from markaudit.core.model import SEVERITY_RANK, DocumentReport, Finding
from markaudit.report.base import Reporter, plural, summary_line
from markaudit.report.terminal import printable
from markaudit.run.rollup import Rollup

if TYPE_CHECKING:
    from rich.table import Table

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _cell(value: object) -> Text:
    """A table cell of untrusted text: plain, escaped."""
    return Text(printable(str(value)))


def _heading(document: DocumentReport) -> Text:
    heading = Text(printable(document.path), style="bold")
    if document.errors:
        # Why, the markaudit.not-audited finding below says (unless the project ignores it).
        reason = "" if document.findings else f": {printable('; '.join(document.errors))}"
        return heading.append(f"  not audited{reason}", style="red")
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


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """Errors, then warnings, then info; in the order of the text within each."""
    return sorted(findings, key=lambda f: -SEVERITY_RANK[f.severity])


def _findings_table(findings: Sequence[Finding], header: bool = True) -> Table:
    table = _table(expand=False, show_header=header)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("page:line", no_wrap=True, justify="right")
    table.add_column("message", overflow="fold")
    for finding in findings:
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
        named = dict(rollup.most_errors)
        if (more := rollup.with_errors - len(named)) > 0:
            named[f"... and {plural(more, 'other document')}"] = more
        tables.append(_counts_table(f"documents with errors ({rollup.with_errors})", named,
                                    "document"))
    if rollup.group_by_folder and rollup.folders:
        tables.append(_folders_table(rollup))
    return tables


class ConsoleReporter(Reporter):
    """Documents with errors as they are audited, then those with warnings, then the roll-up.

    What is wrong comes first: a document whose worst finding is a warning is held back (in a
    spooled file, so that memory stays flat) and printed after every document with an error.
    Info findings are counted, not listed, unless the run asks for them (`--severity info`);
    in a batch, a document with nothing listed is left to the roll-up's counts.
    """

    def start(self) -> None:
        self._console = self._console_on(_TrimmedLines(self.stream))
        # Closed in finish(), which the run calls whatever happens to the documents.
        self._held = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=1 << 20, mode="w+", encoding="utf-8",
            errors="surrogateescape")
        self._held_console = self._console_on(self._held)
        self._unlisted_info = 0

    def _console_on(self, stream: TextIO) -> Console:
        return Console(
            file=stream, force_terminal=self.run.color,
            color_system="auto" if self.run.color else None, width=self.run.width or 120,
            highlight=False, soft_wrap=False)

    def document(self, document: DocumentReport) -> None:
        if self.run.statistics_only:
            return
        listed = worst_first([f for f in document.findings
                              if self.run.list_info or f.severity != "info"])
        unlisted = len(document.findings) - len(listed)
        self._unlisted_info += unlisted
        alone = self.run.documents == 1
        if not listed and not document.errors and not alone:
            return
        console = (self._console if alone or document.errors or
                   (listed and listed[0].severity == "error") else self._held_console)
        heading = _heading(document)
        if unlisted:
            heading.append(f" · {plural(unlisted, 'info')} not listed", style="")
        console.print(heading)
        if listed:
            # A batch leaves out the header of each document's table: it fits on fewer screens.
            console.print(_findings_table(listed, header=alone))
        elif not document.findings and not document.errors:
            # Text, not a string: a string goes through markup and emoji codes, whose table
            # rich would import for this one line.
            console.print(Text("  no findings"))
        if self.run.show_markings and document.markings:
            console.print(_markings_table(document))
        console.print()

    def finish(self, rollup: Rollup) -> None:
        self._held.seek(0)
        shutil.copyfileobj(self._held, _TrimmedLines(self.stream))
        self._held.close()
        # One document needs no roll-up: its own report says it all.
        if rollup.total.documents > 1 or self.run.statistics_only:
            for table in rollup_renderables(rollup):
                self._console.print(table)
                self._console.print()
        if self._unlisted_info and not self.run.statistics_only:
            self._console.print(Text(f"{plural(self._unlisted_info, 'info')} finding"
                                     f"{'' if self._unlisted_info == 1 else 's'} not listed "
                                     "(--severity info lists them)"))
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
