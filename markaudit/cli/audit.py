"""`markaudit audit`: audit documents, write every report asked for, exit as ruff does.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings (a document
that could not be read is one: markaudit.not-audited), 2 a usage, configuration or rule-file
error; 130 after Ctrl-C, 143 after SIGTERM.
"""

# No `from __future__ import annotations` here: typer reads the annotations of `audit` on every
# run, and evaluating 35 of them from strings took two thirds of the time typer spends building
# the command. Names imported for type checking only are quoted.

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    CacheDirOption,
    ConfigOption,
    FailOn,
    IgnoreOption,
    InputOption,
    IsolatedOption,
    MinConfidenceOption,
    NoDefaultOption,
    NoSplitOption,
    Prepared,
    RulesOption,
    SelectOption,
    app,
    console_width,
    prepare,
)
from markaudit.cli.ocr import OcrMode, ocr_options
from markaudit.core.limits import DOCUMENT_TIMEOUT, MAX_DOCUMENT_LINES, MAX_DOCUMENT_MB
from markaudit.core.model import SEVERITY_RANK
from markaudit.core.version import __version__
from markaudit.read.ocr import DEFAULT_DPI, NOT_INSTALLED, install_hint
from markaudit.report.base import plural
from markaudit.report.terminal import printable
from markaudit.run.sources import DEFAULT_EXTENSIONS

if TYPE_CHECKING:
    from markaudit.core.model import DocumentReport
    from markaudit.report.pictures import Pictures
    from markaudit.run.pipeline import Engine, Target


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class HtmlImages(str, Enum):
    embed = "embed"
    beside = "beside"
    none = "none"


def _pictures(mode: HtmlImages, targets: "list[Target]") -> "Pictures":
    """Where the html report puts the pictures of scanned pages: `beside` needs its file."""
    from markaudit.report.pictures import Pictures

    report = next((t.path for t in targets if t.format == "html"), None)
    if mode is not HtmlImages.beside:
        return Pictures(mode.value)
    if report is None:
        raise typer.BadParameter("beside needs the html report written to a file (--output)",
                                 param_hint="'--html-images'")
    folder = f"{report.stem}-pages"
    return Pictures("beside", report.parent / folder, link_base=f"{folder}/")


class GroupBy(str, Enum):
    none = "none"
    folder = "folder"


def _default_format() -> str:
    # As ruff does: in GitHub Actions, findings become annotations on the pull request.
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "console"


def _targets(formats: list[str], outputs: list[Path]) -> "list[Target]":
    """Pair each --format with the --output at the same place; one may go to standard output."""
    from markaudit.report import FORMATS
    from markaudit.run.pipeline import Target

    for name in formats:
        if name not in FORMATS:
            raise typer.BadParameter(f"'{name}' is not one of {', '.join(FORMATS)}",
                                     param_hint="'--format'")
    if len(outputs) > max(len(formats), 1):
        raise typer.BadParameter("more --output files than --format options; give a format "
                                 "for each file", param_hint="'--output'")
    names = formats or [_default_format()]
    targets = [Target(name, outputs[i] if i < len(outputs) else None)
               for i, name in enumerate(names)]
    if sum(t.path is None for t in targets) > 1:
        raise typer.BadParameter("only one format can go to standard output; give an --output "
                                 "file to the others", param_hint="'--format'")
    return targets


@app.command()
def audit(
    paths: Annotated[list[str], typer.Argument(
        help="Documents to audit, folders to search for them, or - for standard input.",
        show_default=False)],
    rules: RulesOption = None,
    no_default_rules: NoDefaultOption = False,
    formats: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--format", "-f", help="Report format (repeatable, each with its own --output): "
        "console, json, jsonl, sarif, junit, github, csv, csv-excel, inventory, markdown, "
        "html. "
        "Default: console (github in GitHub Actions).")] = None,
    outputs: Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write the report of the --format at the same place to this "
        "file, atomically (repeatable).")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(  # noqa: UP045
        "--fail-on", help="Exit 1 when a finding is at or above this severity "
        "[default: error, or fail-on in the configuration].", show_default=False)] = None,
    severities: Annotated[Optional[list[FailOn]], typer.Option(  # noqa: UP045
        "--severity", help="Report only findings of this severity (repeatable), as semgrep's "
        "--severity. Default: every severity; the console then counts info findings instead "
        "of listing them: name info to list them.", show_default=False)] = None,
    show_markings: Annotated[bool, typer.Option(
        "--show-markings", help="List every marking found (console format).")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Console: every message in full and the roll-up as tables "
        "(a batch otherwise gives each finding one line, its page lists shortened).")] = False,
    no_split: NoSplitOption = False,
    include: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--include", help="In folders, audit only files matching this gitignore-style "
        "pattern (repeatable).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--exclude", help="In folders, skip files and folders matching this gitignore-style "
        "pattern (repeatable).")] = None,
    follow_links: Annotated[bool, typer.Option(
        "--follow-links", help="In folders, follow symlinks that lead outside the folder "
        "(by default they are listed as not audited).")] = False,
    force_exclude: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        "--force-exclude/--no-force-exclude", help="Apply --exclude and `exclude` in the "
        "configuration to files named on the command line too, as ruff's option does (the "
        "pre-commit hook turns it on) [default: off, or force-exclude in the configuration].",
        show_default=False)] = None,
    extensions: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--extensions", help="File extensions to audit in folders, comma-separated "
        f"[default: {','.join(DEFAULT_EXTENSIONS)}].", show_default=False)] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Worker processes; 0 means one per core (with --engine "
        "dask and no --scheduler: the local cluster's workers).")] = 0,
    engine: Annotated[EngineName, typer.Option(
        "--engine", help="Where documents are audited: local worker processes, or the workers "
        "of a Dask cluster (pip install 'markaudit[dask]').")] = EngineName.local,
    scheduler: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--scheduler", help="Address of a Dask scheduler (tcp://host:8786); implies --engine "
        "dask. Default: a local cluster on this machine's cores.", show_default=False)] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.0, help="Seconds reading one document may take (past it, the "
        "file is listed as not audited), and then its search; where the search runs out, the "
        "markings found so far are reported with a markaudit.document-timeout warning. "
        "0: no limit.")] = DOCUMENT_TIMEOUT,
    max_size: Annotated[float, typer.Option(
        "--max-size", min=0.0, help="Megabytes a file may hold to be audited (and a text "
        f"file at most {MAX_DOCUMENT_LINES:,} lines); a larger one is reported as not audited. "
        "0: no limit.")] = MAX_DOCUMENT_MB,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Audit every file again; neither read nor write the cache.")] = False,
    cache_dir: CacheDirOption = None,
    statistics: Annotated[bool, typer.Option(
        "--statistics", help="Console and html reports: only the roll-up (counts by level, "
        "issuer, check and document); the other formats still hold every document.")] = False,
    group_by: Annotated[GroupBy, typer.Option(
        "--group-by", help="Add to the roll-up the counts per top-level folder (below each "
        "folder given).")
    ] = GroupBy.none,
    config_path: ConfigOption = None,
    isolated: IsolatedOption = False,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    input_kind: InputOption = None,
    min_confidence: MinConfidenceOption = None,
    baseline_path: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--baseline", help="Report only findings not accepted in this baseline file "
        "(see: markaudit baseline create).", show_default=False)] = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Transcriptions only: correct banners and stamps typed differently "
        "from the form of the document's other pages, then report.")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Transcriptions only: print the fixes --fix would make as a unified "
        "diff, change nothing; exit 1 if there are any.")] = False,
    ocr: Annotated[Optional[OcrMode], typer.Option(  # noqa: UP045
        "--ocr", help="Read page images (PNG, JPEG, TIFF) and PDF pages with Tesseract: auto "
        "reads pages without text, always every page (over a bad text layer too), never "
        "none [default: auto where Tesseract is installed, else never].",
        show_default=False)] = None,
    ocr_lang: Annotated[str, typer.Option(
        "--ocr-lang", help="Tesseract's language(s) for OCR, as its -l option: eng, "
        "eng+fra.")] = "eng",
    html_images: Annotated[HtmlImages, typer.Option(
        "--html-images", help="Html report: the pictures of scanned pages, embedded in the "
        "report, written beside it (in a folder named after it: report-pages/), or none.")
    ] = HtmlImages.embed,
    ocr_dpi: Annotated[int, typer.Option(
        "--ocr-dpi", min=72, max=1200, help="Resolution PDF pages are rendered at for OCR "
        "(image files are read at their own).")] = DEFAULT_DPI,
) -> None:
    """Audit documents: find markings, check them, report."""
    from markaudit.report.base import RunInfo, summary_line
    from markaudit.run.batch import default_jobs
    from markaudit.run.pipeline import UnwrittenReports, run

    targets = _targets(formats or [], outputs or [])
    on_dask = engine is EngineName.dask or scheduler is not None
    if on_dask:
        from markaudit.run.dask_engine import require

        require()  # the missing extra named before anything is listed or read
    if (fix or diff) and any("://" in p for p in paths):
        typer.echo(f"markaudit: {'--diff' if diff else '--fix'} changes local files only, not "
                   "URLs", err=True)
        raise typer.Exit(EXIT_ERROR)
    prepared = prepare(
        paths, config_path=config_path, isolated=isolated, rules=rules,
        no_default_rules=no_default_rules, include=include, exclude=exclude,
        extensions=extensions, no_split=no_split, no_cache=no_cache, cache_dir=cache_dir,
        select=select, ignore=ignore, input_kind=input_kind, min_confidence=min_confidence,
        fail_on=fail_on, follow_links=follow_links, force_exclude=force_exclude)
    # Limits that keep one pathological file from holding a run (docs/guarantees.md).
    prepared.settings = replace(
        prepared.settings, time_limit=timeout or None,
        max_bytes=round(max_size * 1_000_000) if max_size else None,
        max_lines=prepared.settings.max_lines if max_size else None)
    if scheduler is not None and cache_dir is None and not os.environ.get("MARKAUDIT_CACHE_DIR"):
        # The workers of a remote cluster do not see this machine's folders: a cache there only
        # when the user names one they all reach.
        prepared.settings = replace(prepared.settings, cache_dir=None)
    elif prepared.settings.cache_dir is not None:
        prepared.settings = replace(prepared.settings,
                                    cache_dir=os.path.abspath(prepared.settings.cache_dir))
    prepared.settings = replace(prepared.settings, ocr=ocr_options(
        prepared, ocr, ocr_lang, ocr_dpi))
    if fix or diff:
        _fix(prepared, show_only=diff)
    # Configuration and baseline errors surface here, before anything is read: main() prints
    # them as one line.
    baseline_file = baseline_path or prepared.baseline
    accepted = None
    if baseline_file is not None:
        from markaudit.project.baseline import load as load_baseline

        accepted = load_baseline(baseline_file)
    policy = prepared.policy
    if severities:
        policy.severities = tuple(dict.fromkeys(s.value for s in severities))
    from markaudit.report.grouping import group_findings

    def adjust(report: "DocumentReport") -> "DocumentReport":
        graded = policy.grade(report)
        # Grouped last: the baseline and the ignores see one finding per page.
        return group_findings(policy.word(policy.keep(
            accepted.apply(graded) if accepted is not None else graded)))

    to_terminal = any(t.path is None for t in targets) and sys.stdout.isatty()
    info = RunInfo(version=__version__, rules=prepared.ruleset, show_markings=show_markings,
                   color=to_terminal and "NO_COLOR" not in os.environ,
                   width=console_width() if to_terminal else 120, statistics_only=statistics,
                   verbose=verbose,
                   ocr=prepared.settings.ocr, pictures=_pictures(html_images, targets),
                   list_info="info" in policy.severities, documents=len(prepared.sources))
    from markaudit.run.signals import sigterm_as_interrupt

    try:
        with sigterm_as_interrupt() as stop, _engine(on_dask, scheduler,
                                                     jobs or default_jobs()) as chosen:
            rollup = run(prepared.sources, prepared.ruleset, prepared.settings, targets, info,
                         jobs=jobs or default_jobs(), group_by_folder=group_by is GroupBy.folder,
                         progress=len(prepared.sources) > 1 and sys.stderr.isatty(),
                         adjust=adjust, engine=chosen)
    except BrokenPipeError:
        raise  # the reader of standard output has gone (`| head`): typer ends quietly, exit 1
    except OSError as error:
        _cannot_write(error)
        raise typer.Exit(EXIT_ERROR) from None
    except UnwrittenReports as unwritten:  # the other reports were written: say so too
        for error in unwritten.errors:
            _cannot_write(error)
        failed = {str(e.filename) for e in unwritten.errors}
        written = [str(t.path) for t in targets if t.path is not None and str(t.path) not in failed]
        if written:
            typer.echo(printable(f"{summary_line(unwritten.rollup)}; report written to "
                                 f"{', '.join(written)}"), err=True)
        raise typer.Exit(EXIT_ERROR) from None
    from markaudit.engine.compiled import save as save_compiled

    save_compiled()  # the prefilter pieces and word-list finders this run compiled, for the next
    written = [str(t.path) for t in targets if t.path is not None]
    if written:
        # The summary once: the console on standard output has printed it already.
        console_shown = any(t.format == "console" and t.path is None for t in targets)
        summary = "" if console_shown else f"{summary_line(rollup)}; "
        typer.echo(printable(f"{summary}report written to {', '.join(written)}"),
                   err=True)
    if rollup.partial:
        typer.echo(f"markaudit: {'terminated' if stop.terminated else 'interrupted'}; the report "
                   "covers the documents audited so far", err=True)
        raise typer.Exit(stop.exit_code())  # 143 after SIGTERM, 130 after Ctrl-C
    without_tesseract = 0
    for path, reason in rollup.unreadable:
        if NOT_INSTALLED in reason:
            without_tesseract += 1  # said once below, with the command that installs it
            continue
        # A file name holding a newline or an ESC must not forge a line or drive the terminal.
        typer.echo(printable(f"markaudit: {path}: {reason}"), err=True)
    if without_tesseract:
        typer.echo(f"markaudit: {plural(without_tesseract, 'document')} not audited: "
                   f"{NOT_INSTALLED}; install it with: {install_hint()}", err=True)
    # An unreadable document is a finding (markaudit.not-audited, an error by default), so it
    # fails the run with exit 1 as ruff's E902 does; exit 2 is for usage and configuration.
    failing = [s for s in ("error", "warning", "info")
               if SEVERITY_RANK[s] >= SEVERITY_RANK[prepared.fail_on]]
    raise typer.Exit(EXIT_FINDINGS if any(rollup.total.severities[s] for s in failing)
                     else EXIT_CLEAN)


def _cannot_write(error: OSError) -> None:
    name = getattr(error, "filename", None) or "report"
    # A file name holding a newline or an ESC must not forge a line or drive the terminal.
    typer.echo(printable(f"markaudit: {name}: cannot write report: {error.strerror or error}"),
               err=True)


@contextmanager
def _engine(on_dask: bool, scheduler: str | None, workers: int) -> "Iterator[Engine | None]":
    """The Dask engine, connected before any report starts; None for the local one."""
    if not on_dask:
        yield None
        return
    from markaudit.run.dask_engine import DaskEngine

    with DaskEngine(scheduler, workers) as dask:
        yield dask.audit


def _fix(prepared: Prepared, show_only: bool) -> None:
    """--fix and --diff: correct transcriptions before the audit, or show the corrections."""
    from markaudit.project.fix import fix_file, summary, unified_diff, write_fixed
    from markaudit.run.source import audit_source
    from markaudit.run.sources import STDIN

    option = "--diff" if show_only else "--fix"
    if not prepared.policy.transcription:
        typer.echo(f"markaudit: {option} changes transcriptions only, and these files are "
                   "OCR text (the evidence of what a scan shows); set input = "
                   "\"transcription\" in the configuration or pass --input transcription",
                   err=True)
        raise typer.Exit(EXIT_ERROR)
    if any(s.path == STDIN for s in prepared.sources):
        typer.echo(f"markaudit: {option} needs files, not standard input", err=True)
        raise typer.Exit(EXIT_ERROR)
    fixed = []
    for source in prepared.sources:
        if source.refused is not None:
            continue  # never followed, never changed: the audit below lists it
        # The run's own settings (size and time limits, a URL read as the run reads it); no
        # cache: a file about to be corrected is read afresh.
        report = audit_source(source, None, prepared.ruleset, prepared.settings, None).report
        if report.errors:
            continue  # the audit below reports why it could not be read
        change = fix_file(source.path, report)
        if change is None:
            continue
        fixed.append(change)
        if show_only:
            typer.echo(unified_diff(change.path, change.before, change.after), nl=False)
        else:
            try:
                write_fixed(change)
            except OSError as error:
                typer.echo(f"markaudit: {source.path}: cannot write the fix: "
                           f"{error.strerror or error}", err=True)
                raise typer.Exit(EXIT_ERROR) from None
    if show_only:
        typer.echo(f"{summary(fixed).replace('fixed', 'would fix', 1)}", err=True)
        raise typer.Exit(EXIT_FINDINGS if fixed else EXIT_CLEAN)
    if fixed:
        typer.echo(summary(fixed), err=True)
