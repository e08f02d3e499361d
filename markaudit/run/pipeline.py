"""One audit run from the command line: sources → batch → every report format at once.

Data flows one way: each document's report goes to the roll-up and to every reporter as soon
as it is audited, and is then dropped, so memory stays flat however large the batch. Report files
are written to temporary files and renamed into place at the end; after Ctrl-C they are finished
as partial reports, still whole. A report file that cannot be written (a full disk) is given up
alone: the others are written, and `UnwrittenReports` names it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from markaudit.core.files import AtomicFile
from markaudit.core.model import DocumentReport
from markaudit.engine.rules import RuleSet
from markaudit.report import reporter
from markaudit.report.base import Reporter, RunInfo
from markaudit.run.batch import audit_sources
from markaudit.run.rollup import Rollup
from markaudit.run.source import Result, Settings
from markaudit.run.sources import Source


@dataclass(frozen=True, slots=True)
class Target:
    """One report to write: a format and a file, or standard output when `path` is None."""

    format: str
    path: Path | None = None


class _Stdout:
    """Standard output looked up at each write: a progress bar may swap sys.stdout for a proxy
    that keeps the bar below the text, and the report must go through it."""

    def write(self, text: str) -> int:
        try:
            return sys.stdout.write(text)
        except UnicodeEncodeError:
            # A file name that is not valid in the output's encoding (bytes from another
            # system): shown escaped (`caf\udce9.txt`) rather than stopping the run.
            encoding = sys.stdout.encoding or "utf-8"
            return sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))

    def flush(self) -> None:
        sys.stdout.flush()


# An engine: audits the sources, yielding one result per source in their order.
Engine = Callable[[Sequence[Source], RuleSet, Settings], Iterator[Result]]


def run(sources: Sequence[Source], rules: RuleSet, settings: Settings, targets: Sequence[Target],
        info: RunInfo, *, jobs: int = 1, group_by_folder: bool = False,
        progress: bool = False,
        adjust: Callable[[DocumentReport], DocumentReport] | None = None,
        engine: Engine | None = None) -> Rollup:
    """Audit `sources`, writing every target; the roll-up says whether it was interrupted.

    `adjust` turns each document's report into what this run reports (the project's severities,
    baseline and ignores), after the cache and before the roll-up and the reporters. `engine`
    audits the documents (default: the local worker processes, `jobs` of them).
    """
    if engine is None:
        def engine(sources: Sequence[Source], rules: RuleSet, settings: Settings
                   ) -> Iterator[Result]:
            return audit_sources(sources, rules, settings, jobs)

    outputs: list[_Output] = []
    try:
        for target in targets:  # a file that cannot be made at all stops the run at once
            outputs.append(_Output(target, info))
    except OSError:
        for output in outputs:
            output.discard()
        raise
    if any(output.reporter.shows_text for output in outputs):
        settings = replace(settings, keep_documents=True)
    rollup = Rollup(group_by_folder=group_by_folder)
    started = time.perf_counter()
    try:
        for output in outputs:
            output.call(lambda each: each.start())
        with _progress_bar(len(sources), enabled=progress) as advance:
            try:
                for result in engine(sources, rules, settings):
                    if adjust is not None:
                        result = replace(result, report=adjust(result.report))
                    _deliver(result, rollup, outputs)
                    advance(result.report.pages, result.ocr_pages)
            except KeyboardInterrupt:
                rollup.partial = True
        rollup.seconds = time.perf_counter() - started
        for output in outputs:
            output.call(lambda each: each.finish(rollup))
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    for output in outputs:
        output.commit()
    failed = [output.error for output in outputs if output.error is not None]
    if failed:
        raise UnwrittenReports(failed, rollup)
    return rollup


class UnwrittenReports(Exception):
    """Report files that could not be written (a full disk, say); the others were written."""

    def __init__(self, errors: list[OSError], rollup: Rollup) -> None:
        super().__init__(", ".join(str(e.filename) for e in errors))
        self.errors = errors
        self.rollup = rollup


class _Output:
    """One target: its reporter, and its file. An error writing the file ends that report
    alone (its temporary file removed): the run goes on, and the other reports are written."""

    def __init__(self, target: Target, info: RunInfo) -> None:
        self.error: OSError | None = None
        self.file = AtomicFile(target.path) if target.path is not None else None
        stream = self.file.stream if self.file else _Stdout()
        self.reporter = reporter(target.format, stream, info)  # type: ignore[arg-type]

    def call(self, action: Callable[[Reporter], object]) -> None:
        if self.error is not None:
            return
        try:
            action(self.reporter)
        except OSError as error:
            if self.file is None:
                raise  # standard output: the command line says why
            self.error = error
            self.file.discard()

    def commit(self) -> None:
        if self.file is not None and self.error is None:
            try:
                self.file.commit()
            except OSError as error:
                self.error = error

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


def _deliver(result: Result, rollup: Rollup, outputs: Sequence[_Output]) -> None:
    rollup.add(result.report, result.source.folder)
    rollup.cached += result.cached
    for output in outputs:
        if result.document is not None and output.reporter.shows_text:
            output.call(lambda each: each.text(result.document))  # type: ignore[arg-type]
        output.call(lambda each: each.document(result.report))


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error (files, pages/s, pages OCR'd, time left), or nothing."""
    if not enabled:
        yield lambda pages, ocr_pages: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    pages_done = ocr_done = 0
    started = time.perf_counter()
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                  console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task("audit", total=total, rate="")

        def advance(pages: int, ocr_pages: int) -> None:
            nonlocal pages_done, ocr_done
            pages_done += pages
            ocr_done += ocr_pages
            rate = pages_done / max(time.perf_counter() - started, 1e-6)
            # OCR runs at about a page a second: a rate of pages would round to 0.
            ocr = f", {ocr_done:,} OCR'd" if ocr_done else ""
            bar.update(task, advance=1, rate=f"{rate:,.1f} pages/s{ocr}" if ocr_done else
                       f"{rate:,.0f} pages/s")

        yield advance

