"""`markaudit audit`: audit documents, write every report asked for, exit as ruff does.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings, 2 a usage
or configuration error or an input that could not be read; 130 after Ctrl-C.
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

from markaudit import __version__
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
from markaudit.collect import DEFAULT_EXTENSIONS
from markaudit.limits import DOCUMENT_TIMEOUT, MAX_DOCUMENT_MB
from markaudit.model import SEVERITY_RANK

if TYPE_CHECKING:
    from markaudit.model import DocumentReport
    from markaudit.run import Engine, Target


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class GroupBy(str, Enum):
    none = "none"
    folder = "folder"


def _default_format() -> str:
    # As ruff does: in GitHub Actions, findings become annotations on the pull request.
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "console"


def _targets(formats: list[str], outputs: list[Path]) -> "list[Target]":
    """Pair each --format with the --output at the same place; one may go to standard output."""
    from markaudit.report import FORMATS
    from markaudit.run import Target

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
    show_markings: Annotated[bool, typer.Option(
        "--show-markings", help="List every marking found (console format).")] = False,
    no_split: NoSplitOption = False,
    include: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--include", help="In folders, audit only files matching this gitignore-style "
        "pattern (repeatable).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--exclude", help="In folders, skip files and folders matching this gitignore-style "
        "pattern (repeatable).")] = None,
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
        "--timeout", min=0.0, help="Seconds the search of one document may take; where it "
        "runs out, the markings found so far are reported with a "
        "markaudit.document-timeout warning. 0: no limit.")] = DOCUMENT_TIMEOUT,
    max_size: Annotated[float, typer.Option(
        "--max-size", min=0.0, help="Megabytes a file may hold to be audited; a larger one "
        "is reported as not audited. 0: no limit.")] = MAX_DOCUMENT_MB,
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
) -> None:
    """Audit documents: find markings, check them, report."""
    from markaudit.batch import default_jobs
    from markaudit.report.base import RunInfo, summary_line
    from markaudit.run import UnwrittenReports, run

    targets = _targets(formats or [], outputs or [])
    on_dask = engine is EngineName.dask or scheduler is not None
    if on_dask:
        from markaudit.dask_engine import require

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
        fail_on=fail_on)
    # Limits that keep one pathological file from holding a run (see README, Guarantees).
    prepared.settings = replace(
        prepared.settings, time_limit=timeout or None,
        max_bytes=round(max_size * 1_000_000) if max_size else None)
    if scheduler is not None and cache_dir is None and not os.environ.get("MARKAUDIT_CACHE_DIR"):
        # The workers of a remote cluster do not see this machine's folders: a cache there only
        # when the user names one they all reach.
        prepared.settings = replace(prepared.settings, cache_dir=None)
    elif prepared.settings.cache_dir is not None:
        prepared.settings = replace(prepared.settings,
                                    cache_dir=os.path.abspath(prepared.settings.cache_dir))
    if fix or diff:
        _fix(prepared, show_only=diff)
    # Configuration and baseline errors surface here, before anything is read: main() prints
    # them as one line.
    baseline_file = baseline_path or (prepared.config.baseline if prepared.config else None)
    accepted = None
    if baseline_file is not None:
        from markaudit.baseline import load as load_baseline

        accepted = load_baseline(baseline_file)
    policy = prepared.policy

    def adjust(report: "DocumentReport") -> "DocumentReport":
        graded = policy.grade(report)
        return policy.keep(accepted.apply(graded) if accepted is not None else graded)

    to_terminal = any(t.path is None for t in targets) and sys.stdout.isatty()
    info = RunInfo(version=__version__, rules=prepared.ruleset, show_markings=show_markings,
                   color=to_terminal and "NO_COLOR" not in os.environ,
                   width=console_width() if to_terminal else 120, statistics_only=statistics)
    try:
        with _engine(on_dask, scheduler, jobs or default_jobs()) as chosen:
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
            typer.echo(f"{summary_line(unwritten.rollup)}; report written to "
                       f"{', '.join(written)}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    from markaudit.engine.compiled import save as save_compiled

    save_compiled()  # the prefilter pieces and word-list finders this run compiled, for the next
    written = [str(t.path) for t in targets if t.path is not None]
    if written:
        typer.echo(f"{summary_line(rollup)}; report written to {', '.join(written)}", err=True)
    if rollup.partial:
        typer.echo("markaudit: interrupted; the report covers the documents audited so far",
                   err=True)
        raise typer.Exit(130)
    for path, reason in rollup.unreadable:
        typer.echo(f"markaudit: {path}: {reason}", err=True)
    if rollup.total.not_audited:
        raise typer.Exit(EXIT_ERROR)
    failing = [s for s in ("error", "warning", "info")
               if SEVERITY_RANK[s] >= SEVERITY_RANK[prepared.fail_on]]
    raise typer.Exit(EXIT_FINDINGS if any(rollup.total.severities[s] for s in failing)
                     else EXIT_CLEAN)


def _cannot_write(error: OSError) -> None:
    name = getattr(error, "filename", None) or "report"
    typer.echo(f"markaudit: {name}: cannot write report: {error.strerror or error}", err=True)


@contextmanager
def _engine(on_dask: bool, scheduler: str | None, workers: int) -> "Iterator[Engine | None]":
    """The Dask engine, connected before any report starts; None for the local one."""
    if not on_dask:
        yield None
        return
    from markaudit.dask_engine import DaskEngine

    with DaskEngine(scheduler, workers) as dask:
        yield dask.audit


def _fix(prepared: Prepared, show_only: bool) -> None:
    """--fix and --diff: correct transcriptions before the audit, or show the corrections."""
    from markaudit.audit import audit_file
    from markaudit.collect import STDIN
    from markaudit.fix import fix_file, summary, unified_diff, write_fixed

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
        report = audit_file(source.path, prepared.ruleset, prepared.settings.split_parts)
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
