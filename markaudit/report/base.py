"""What every report format shares: a Reporter receives documents one at a time, then the roll-up.

Documents arrive in a stable order, each exactly once, and are not kept by the caller: a format
that can write as it goes (JSON lines, CSV, SARIF results) keeps memory flat over any batch. A
format that must see everything before it writes (an HTML page) keeps what it needs itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from markaudit.core.model import Document, DocumentReport
    from markaudit.engine.rules import RuleSet
    from markaudit.read.ocr import OcrOptions
    from markaudit.report.pictures import Pictures
    from markaudit.run.rollup import Rollup


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a reporter knows before the first document."""

    version: str
    rules: RuleSet | None = None  # the active rule pack, for formats that describe their rules
    show_markings: bool = False
    color: bool = False
    width: int | None = None
    statistics_only: bool = False  # print the roll-up and nothing per document
    ocr: OcrOptions | None = None  # how the scans were read: the html report crops their pictures
    pictures: Pictures | None = None  # where the html report puts page pictures (None: embed)
    list_info: bool = True  # the console lists info findings; otherwise it counts them
    documents: int = 0  # how many documents the run audits (0: not known)
    verbose: bool = False  # the console gives every message in full, the roll-up as tables


class Reporter:
    """One output format. Subclasses write to `self.stream`; the caller owns and closes it."""

    def __init__(self, stream: TextIO, run: RunInfo) -> None:
        self.stream = stream
        self.run = run

    def start(self) -> None:
        """Called once before the first document."""

    # A format that shows each document's text (the HTML report): the run then keeps the text
    # it audited and hands it over before the report, by `text`. Other formats never get it.
    shows_text: bool = False

    def text(self, document: Document) -> None:
        """Called, for a format that `shows_text`, with the document as the audit read it, just
        before `document` is called with its report (not for a document that was not read)."""

    def document(self, document: DocumentReport) -> None:
        """Called once per document, in report order."""

    def finish(self, rollup: Rollup) -> None:
        """Called once after the last document (also after an interrupted run: rollup.partial)."""


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`; `info` has no plural."""
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def summary_line(rollup: Rollup, strong: Callable[[str], str] = str) -> str:
    """`3 documents, 9 pages: 1 error, 2 warnings, 0 info`, the count of errors passed through
    `strong` (Markdown makes it bold), then what was not audited or interrupted."""
    total = rollup.total
    line = (f"{plural(total.documents, 'document')}, {plural(total.pages, 'page')}: "
            f"{strong(plural(total.severities['error'], 'error'))}, "
            f"{plural(total.severities['warning'], 'warning')}, "
            f"{plural(total.severities['info'], 'info')}")
    if total.not_audited:
        line += f"; {total.not_audited} not audited"
    if rollup.partial:
        line += " (interrupted: partial report)"
    return line
