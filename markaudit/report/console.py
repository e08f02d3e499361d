"""The console report: per document its path, pages and classification, its findings, a summary.

Rendered with rich; colour only when the caller asks for it (a terminal without NO_COLOR).
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from markaudit.model import DocumentReport, Report

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _heading(document: DocumentReport) -> Text:
    heading = Text(document.path, style="bold")
    if document.errors:
        return heading.append(f"  not audited: {'; '.join(document.errors)}", style="red")
    level = "no classification marked"
    if document.classification:
        level = document.classification.level
        if document.classification.caveats:
            level += " -- " + "/".join(document.classification.caveats)
    heading.append(f"  {_plural(document.pages, 'page')} · {level}", style="")
    if len(document.parts) > 1:
        spans = ", ".join(f"{p.first_page}-{p.last_page}" if p.last_page > p.first_page
                          else str(p.first_page) for p in document.parts)
        heading.append(f" · {len(document.parts)} sub-documents (pages {spans})", style="")
    return heading


def _findings_table(document: DocumentReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("page:line", no_wrap=True, justify="right")
    table.add_column("message", overflow="fold")
    for finding in document.findings:
        where = f"{finding.page or '-'}:{finding.line or '-'}"
        table.add_row(Text(finding.severity, style=SEVERITY_STYLE[finding.severity]),
                      finding.rule, where, finding.message)
    return table


def _markings_table(document: DocumentReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title_justify="left",
                  title="markings", title_style="bold")
    for column in ("kind", "value", "page", "line", "zone", "confidence"):
        justify = "right" if column in ("page", "line", "confidence") else "left"
        table.add_column(column, justify=justify, overflow="fold")
    for marking in document.markings:
        table.add_row(marking.kind, marking.value, str(marking.page), str(marking.line),
                      marking.zone, f"{marking.confidence:.2f}")
    return table


def summary_line(report: Report) -> str:
    counts = [_plural(report.count(s), s) for s in ("error", "warning")] + [
        f"{report.count('info')} info"]
    pages = sum(d.pages for d in report.documents)
    unreadable = sum(1 for d in report.documents if d.errors)
    line = (f"{_plural(len(report.documents), 'document')}, {_plural(pages, 'page')}: "
            f"{', '.join(counts)}")
    if unreadable:
        line += f"; {unreadable} not audited"
    return line


def render(report: Report, *, show_markings: bool = False, color: bool = False,
           width: int | None = None, **_: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, color_system="auto" if color else None,
                      width=width or 120, highlight=False, soft_wrap=False)
    for document in report.documents:
        console.print(_heading(document))
        if document.findings:
            console.print(_findings_table(document))
        elif not document.errors:
            console.print("  no findings")
        if show_markings and document.markings:
            console.print(_markings_table(document))
        console.print()
    console.print(Text(summary_line(report), style="bold"))
    # Table cells are padded to the table's width; trailing blanks only get in the way of diff.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
