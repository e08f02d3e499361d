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

import regex
from rich.console import Console, Group
from rich.text import Text

from markaudit.core.model import SEVERITY_RANK, DocumentReport, Finding
from markaudit.report.base import Reporter, plural, summary_line
from markaudit.report.grouping import page_list
from markaudit.report.terminal import printable
from markaudit.run.rollup import Rollup

if TYPE_CHECKING:
    from rich.table import Table

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _cell(value: object) -> Text:
    """A table cell of untrusted text: plain, escaped."""
    return Text(printable(str(value)))


def _heading(document: DocumentReport, brief: bool = False) -> Text:
    """The document's path, pages and level; its sub-documents too unless `brief`."""
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
    if len(document.parts) > 1 and not brief:
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
        table.add_row(Text(finding.severity, style=SEVERITY_STYLE[finding.severity]),
                      _cell(finding.rule), _where(finding), _cell(finding.message))
    return table


def _where(finding: Finding) -> str:
    return f"{finding.page or '-'}:{finding.line or '-'}"


ELLIPSIS = "\u2026"


def _one_line_rows(findings: Sequence[Finding], width: int) -> list[Text]:
    """The findings of a document in a batch, a line each, in the columns of the table: page
    lists shortened, the message cut at the width (`--verbose` and the other formats have it
    in full)."""
    rule_width = max(len(printable(f.rule)) for f in findings)
    where_width = max(len(_where(f)) for f in findings)
    rows = []
    for finding in findings:
        row = Text("  ").append(f"{finding.severity:<7}", style=SEVERITY_STYLE[finding.severity])
        row.append(f"  {printable(finding.rule):<{rule_width}}  {_where(finding):>{where_width}}"
                   f"  {printable(short_page_lists(finding.message))}")
        rows.append(_cut(row, width))
    return rows


def _cut(text: Text, width: int) -> Text:
    """The text on one line of `width`, cut with an ellipsis where it is longer."""
    if len(text) > width:
        text.truncate(width - 1)
        text.append(ELLIPSIS)
    return text


_PAGE_LIST = regex.compile(r"\b(?P<word>pages?) (?P<list>\d+(?:(?:, |\u2013)\d+)+)")
SHOWN_SPANS = 3  # of a long list of pages, the first spans shown on a line of its own


def short_page_lists(message: str) -> str:
    """The message with each list of pages as ranges, a long one cut after its first spans:
    "page 4, 5, 6, 7, 9" -> "pages 4\u20137, 9"; "pages 2\u20135, 7, 9, 11, 13" ->
    "pages 2\u20135, 7, 9 and 2 more"."""
    def shortened(match: regex.Match[str]) -> str:
        pages: list[int] = []
        for span in match["list"].split(", "):
            first, _, last = span.partition("\u2013")
            pages.extend(range(int(first), int(last or first) + 1))
        spans = page_list(sorted(set(pages))).removeprefix("pages ").split(", ")
        if len(spans) <= SHOWN_SPANS + 1:
            return f"pages {', '.join(spans)}"
        hidden = sum(_span_pages(span) for span in spans[SHOWN_SPANS:])
        return f"pages {', '.join(spans[:SHOWN_SPANS])} and {hidden} more"
    return _PAGE_LIST.sub(shortened, message)


def _span_pages(span: str) -> int:
    first, _, last = span.partition("\u2013")
    return int(last or first) - int(first) + 1


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


def _counts_line(title: str, counts: Counter[str] | dict[str, int]) -> Text:
    pairs = counts.most_common() if isinstance(counts, Counter) else counts.items()
    return Text(f"{title}: " + ", ".join(f"{printable(name)} {count}" for name, count in pairs))


def rollup_renderables(rollup: Rollup, brief: bool = False) -> list[Group | Text]:
    """The roll-up: levels, release issuers, findings by check, the documents with errors; as
    tables, or a line each when `brief` (below a batch's list of findings, which it counts)."""
    total = rollup.total
    named: dict[str, int] = dict(rollup.most_errors)
    if (more := rollup.with_errors - len(named)) > 0:
        named[f"... and {plural(more, 'other document')}"] = more
    errors_title = f"documents with errors ({rollup.with_errors})"
    if brief:
        lines = [_counts_line("documents by overall level", total.levels)]
        if total.issuers:
            lines.append(_counts_line("release stamps by issuer", total.issuers))
        if total.checks:
            lines.append(_counts_line("findings by check", total.checks))
        if named:
            lines.append(Text(f"{errors_title}:"))
            lines += [Text(f"  {printable(name)}  {plural(count, 'error')}")
                      for name, count in named.items()]
        tables: list[Group | Text] = [Text("\n").join(lines)]
    else:
        tables = [_counts_table("documents by overall level", total.levels, "level")]
        if total.issuers:
            tables.append(_counts_table("release stamps by issuer", total.issuers, "issuer"))
        if total.checks:
            tables.append(_counts_table("findings by check", total.checks, "check"))
        if named:
            tables.append(_counts_table(errors_title, named, "document"))
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
        self._cut = False  # whether a message was cut to one line

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
        # A batch is read as a list, a line per document and per finding, so that it fits on
        # a few screens: the roll-up and the summary count what it leaves out.
        brief = not alone and not self.run.verbose
        heading = _heading(document, brief=brief)
        if unlisted and not brief:
            heading.append(f" · {plural(unlisted, 'info')} not listed", style="")
        console.print(_cut(heading, console.width) if brief else heading)
        if listed and brief:
            for row in _one_line_rows(listed, console.width):
                console.print(row)
                self._cut |= row.plain.endswith(ELLIPSIS)
        elif listed:
            # A batch leaves out the header of each document's table: it fits on fewer screens.
            console.print(_findings_table(listed, header=alone))
        elif not document.findings and not document.errors:
            # Text, not a string: a string goes through markup and emoji codes, whose table
            # rich would import for this one line.
            console.print(Text("  no findings"))
        if self.run.show_markings and document.markings:
            console.print(_markings_table(document))
        if not brief:
            console.print()

    def finish(self, rollup: Rollup) -> None:
        self._held.seek(0)
        shutil.copyfileobj(self._held, _TrimmedLines(self.stream))
        self._held.close()
        # One document needs no roll-up: its own report says it all.
        if rollup.total.documents > 1 or self.run.statistics_only:
            brief = not (self.run.verbose or self.run.statistics_only)
            if brief:  # the list of documents ends without a blank line of its own
                self._console.print()
            for table in rollup_renderables(rollup, brief=brief):
                self._console.print(table)
                self._console.print()
        if self._unlisted_info and not self.run.statistics_only:
            self._console.print(Text(f"{plural(self._unlisted_info, 'info')} finding"
                                     f"{'' if self._unlisted_info == 1 else 's'} not listed "
                                     "(--severity info lists them)"))
        if self._cut:
            self._console.print(Text("messages cut to one line (--verbose prints them in full)"))
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
