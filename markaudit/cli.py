"""The command line: argument parsing and wiring only.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings, 2 a usage
or configuration error or an input that could not be read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit import __version__
from markaudit.collect import DEFAULT_EXTENSIONS
from markaudit.limits import DOCUMENT_TIMEOUT, MAX_DOCUMENT_MB
from markaudit.model import SEVERITY_RANK

if TYPE_CHECKING:
    from markaudit.batch import Settings
    from markaudit.collect import Source
    from markaudit.config import Config
    from markaudit.engine.rules import RuleSet
    from markaudit.expect import Expectation
    from markaudit.model import DocumentReport
    from markaudit.policy import Policy
    from markaudit.run import Engine, Target

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="markaudit",
    help="Audit classification and declassification markings in archival document text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # usage errors as plain one-line messages, like ruff's
    context_settings={"help_option_names": ["-h", "--help"]},
)


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"markaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option(  # noqa: UP045 - typer reads the annotation
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Audit classification and declassification markings in archival document text."""


def _stdout_is_colour_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _console_width() -> int | None:
    """The terminal's width; a generous fixed width for pipes and files."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 120


class EngineName(str, Enum):
    local = "local"
    dask = "dask"


class GroupBy(str, Enum):
    none = "none"
    folder = "folder"


def _default_format() -> str:
    # As ruff does: in GitHub Actions, findings become annotations on the pull request.
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "console"


def _targets(formats: list[str], outputs: list[Path]) -> list[Target]:
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


RulesOption = Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
    "--rules", "-r", help="Add a rule file or a folder of them (repeatable).")]
NoDefaultOption = Annotated[bool, typer.Option(
    "--no-default-rules", help="Do not load the shipped rule pack.")]


class InputKind(str, Enum):
    ocr = "ocr"
    transcription = "transcription"


ConfigOption = Annotated[Optional[Path], typer.Option(  # noqa: UP045
    "--config", help="Use this configuration file (markaudit.toml, .markaudit.yaml or "
    "pyproject.toml) instead of the one found nearest to the paths.", show_default=False)]
IsolatedOption = Annotated[bool, typer.Option(
    "--isolated", help="Ignore every configuration file.")]
SelectOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--select", help="Report only these checks: ids or prefixes, comma-separated "
    "(overrides `select` in the configuration).", show_default=False)]
IgnoreOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--ignore", help="Do not report these checks: ids or prefixes, comma-separated "
    "(overrides `ignore` in the configuration).", show_default=False)]
InputOption = Annotated[Optional[InputKind], typer.Option(  # noqa: UP045
    "--input", help="What the files are: ocr (default) or transcription, which must carry "
    "every banner and may be fixed.", show_default=False)]
MinConfidenceOption = Annotated[Optional[float], typer.Option(  # noqa: UP045
    "--min-confidence", min=0.0, max=1.0, help="Drop findings whose markings were all read "
    "below this confidence.", show_default=False)]


@dataclass
class _Prepared:
    """What the audit and baseline commands share: rules, files, and the project's policy."""

    ruleset: RuleSet
    sources: list[Source]
    settings: Settings
    policy: Policy
    config: Config | None
    fail_on: str


def _prepare(paths: list[str], *, config_path: Path | None, isolated: bool,
             rules: list[Path] | None, no_default_rules: bool, include: list[str] | None,
             exclude: list[str] | None, extensions: str | None, no_split: bool,
             no_cache: bool, cache_dir: Path | None, select: str | None, ignore: str | None,
             input_kind: InputKind | None, min_confidence: float | None,
             fail_on: FailOn | None) -> _Prepared:
    from markaudit.batch import Settings
    from markaudit.cache import default_dir
    from markaudit.collect import Selection, collect, parse_extensions
    from markaudit.config import discover, load
    from markaudit.policy import Policy

    if config_path is not None and isolated:
        raise typer.BadParameter("--config and --isolated cannot be used together",
                                 param_hint="'--isolated'")
    # A URL has no folder here to hold a configuration: look beside the local paths (or in the
    # working folder) only.
    local_paths = [p for p in paths if "://" not in p]
    found = (config_path if config_path is not None else None if isolated else
             discover(local_paths))
    config = load(found) if found is not None else None
    extra_rules = [*(config.rules if config else ()), *(rules or ())]
    ruleset = _load(extra_rules, no_default_rules or bool(config and
                                                           config.default_rules is False))
    if not ruleset.markings:
        typer.echo("markaudit: no marking rules loaded (add --rules PATH)", err=True)
        raise typer.Exit(EXIT_ERROR)
    if config is not None:
        config.check_rule_ids([c.id for c in ruleset.checks])
    chosen_extensions = (parse_extensions(extensions) if extensions is not None else
                         config.extensions if config and config.extensions else
                         DEFAULT_EXTENSIONS)
    selection = Selection(
        chosen_extensions,
        include if include else (config.include or () if config else ()),
        exclude if exclude else (config.exclude or () if config else ()))
    sources = list(collect(paths, selection))
    if not sources:
        typer.echo(f"markaudit: no documents to audit in {', '.join(paths)} (extensions: "
                   f"{', '.join(selection.extensions)})", err=True)
        raise typer.Exit(EXIT_ERROR)
    settings = Settings(
        rule_paths=tuple(str(p) for p in ruleset.sources), split_parts=not no_split,
        cache_dir=None if no_cache else str(cache_dir or default_dir()))
    policy = Policy(
        select=_ids(select, "--select", ruleset) if select is not None else
        (config.select if config else ()),
        ignore=_ids(ignore, "--ignore", ruleset) if ignore is not None else
        (config.ignore if config else ()),
        severity=config.severity if config else {},
        per_file_ignores=config.per_file_ignores if config else {},
        root=config.folder if config else Path.cwd(),
        min_confidence=min_confidence if min_confidence is not None else
        (config.min_confidence or 0.0 if config else 0.0),
        input=input_kind.value if input_kind is not None else
        (config.input or "ocr" if config else "ocr"),
    ).bind(ruleset)
    level = fail_on.value if fail_on is not None else \
        (config.fail_on if config and config.fail_on else "error")
    return _Prepared(ruleset, sources, settings, policy, config, level)


def _ids(text: str, option: str, ruleset: RuleSet) -> tuple[str, ...]:
    from markaudit.config import BUILTIN_RULES, matches

    ids = tuple(i.strip() for i in text.split(",") if i.strip())
    known = [*(c.id for c in ruleset.checks), *BUILTIN_RULES]
    for selector in ids:
        if not any(matches(selector, rule) for rule in known):
            raise typer.BadParameter(f"'{selector}' names no check (see: markaudit rules "
                                     "list)", param_hint=f"'{option}'")
    return ids


@app.command()
def audit(
    paths: Annotated[list[str], typer.Argument(
        help="Documents to audit, folders to search for them, or - for standard input.",
        show_default=False)],
    rules: Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
        "--rules", "-r", help="Add a rule file or a folder of them (repeatable).")] = None,
    no_default_rules: Annotated[bool, typer.Option(
        "--no-default-rules", help="Do not load the shipped rule pack.")] = False,
    formats: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--format", "-f", help="Report format (repeatable, each with its own --output): "
        "console, json, jsonl, sarif, junit, github, csv, inventory, markdown, html. "
        "Default: console (github in GitHub Actions).")] = None,
    outputs: Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write the report of the --format at the same place to this "
        "file, atomically (repeatable).")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(  # noqa: UP045
        "--fail-on", help="Exit 1 when a finding is at or above this severity "
        "[default: error, or fail-on in the configuration].", show_default=False)] = None,
    show_markings: Annotated[bool, typer.Option(
        "--show-markings", help="List every marking found (console format).")] = False,
    no_split: Annotated[bool, typer.Option(
        "--no-split", help="Check each file as one document, not as the sub-documents "
        "(cover forms, memos, attachments) it compiles.")] = False,
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
    cache_dir: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--cache-dir", help="Cache folder [default: .markaudit_cache, or "
        "$MARKAUDIT_CACHE_DIR].", show_default=False)] = None,
    statistics: Annotated[bool, typer.Option(
        "--statistics", help="Print only the roll-up: counts by level, issuer, check and "
        "document.")] = False,
    group_by: Annotated[GroupBy, typer.Option(
        "--group-by", help="Add to the roll-up the counts per top-level folder.")
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
    from markaudit.report.base import RunInfo
    from markaudit.report.console import summary_line
    from markaudit.run import run

    targets = _targets(formats or [], outputs or [])
    on_dask = engine is EngineName.dask or scheduler is not None
    if on_dask:
        from markaudit.dask_engine import require

        require()  # the missing extra named before anything is listed or read
    if (fix or diff) and any("://" in p for p in paths):
        typer.echo(f"markaudit: {'--diff' if diff else '--fix'} changes local files only, not "
                   "URLs", err=True)
        raise typer.Exit(EXIT_ERROR)
    prepared = _prepare(
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

    def adjust(report: DocumentReport) -> DocumentReport:
        graded = policy.grade(report)
        return policy.keep(accepted.apply(graded) if accepted is not None else graded)

    to_terminal = any(t.path is None for t in targets) and sys.stdout.isatty()
    info = RunInfo(version=__version__, rules=prepared.ruleset, show_markings=show_markings,
                   color=to_terminal and "NO_COLOR" not in os.environ,
                   width=_console_width() if to_terminal else 120, statistics_only=statistics)
    try:
        with _engine(on_dask, scheduler, jobs or default_jobs()) as chosen:
            rollup = run(prepared.sources, prepared.ruleset, prepared.settings, targets, info,
                         jobs=jobs or default_jobs(), group_by_folder=group_by is GroupBy.folder,
                         progress=len(prepared.sources) > 1 and sys.stderr.isatty(),
                         adjust=adjust, engine=chosen)
    except BrokenPipeError:
        raise  # the reader of standard output has gone (`| head`): typer ends quietly, exit 1
    except OSError as error:
        name = getattr(error, "filename", None) or "report"
        typer.echo(f"markaudit: {name}: cannot write report: {error.strerror or error}",
                   err=True)
        raise typer.Exit(EXIT_ERROR) from None
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


@contextmanager
def _engine(on_dask: bool, scheduler: str | None, workers: int) -> Iterator[Engine | None]:
    """The Dask engine, connected before any report starts; None for the local one."""
    if not on_dask:
        yield None
        return
    from markaudit.dask_engine import DaskEngine

    with DaskEngine(scheduler, workers) as dask:
        yield dask.audit


def _fix(prepared: _Prepared, show_only: bool) -> None:
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


baseline_app = typer.Typer(help="Record accepted findings, so that audits report only new ones.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(baseline_app, name="baseline")


def _baseline_command(paths: list[str], output: Path | None, update: bool, *,
                      rules: list[Path] | None, no_default_rules: bool, config_path: Path | None,
                      isolated: bool, select: str | None, ignore: str | None,
                      input_kind: InputKind | None, min_confidence: float | None,
                      no_split: bool) -> None:
    from markaudit.baseline import Baseline
    from markaudit.baseline import load as load_baseline
    from markaudit.batch import audit_sources, default_jobs

    prepared = _prepare(
        paths, config_path=config_path, isolated=isolated, rules=rules,
        no_default_rules=no_default_rules, include=None, exclude=None, extensions=None,
        no_split=no_split, no_cache=False, cache_dir=None, select=select, ignore=ignore,
        input_kind=input_kind, min_confidence=min_confidence, fail_on=None)
    target = output or (prepared.config.baseline if prepared.config else None)
    if target is None:
        typer.echo("markaudit: name the baseline file with -o FILE (or `baseline` in the "
                   "configuration)", err=True)
        raise typer.Exit(EXIT_ERROR)
    previous = load_baseline(target) if update else Baseline(target)
    policy = prepared.policy
    reports = (policy.keep(policy.grade(result.report)) for result in audit_sources(
        prepared.sources, prepared.ruleset, prepared.settings, default_jobs()))
    unreadable: list[tuple[str, str]] = []

    def readable(all_reports: Iterable[DocumentReport]) -> Iterator[DocumentReport]:
        for report in all_reports:
            unreadable.extend((report.path, reason) for reason in report.errors)
            yield report

    baseline, added, removed = previous.updated(readable(reports))
    try:
        baseline.save()
    except OSError as error:
        typer.echo(f"markaudit: {target}: cannot write baseline: {error.strerror or error}",
                   err=True)
        raise typer.Exit(EXIT_ERROR) from None
    for path, reason in unreadable:
        typer.echo(f"markaudit: {path}: {reason}", err=True)
    count = len(baseline.entries)
    typer.echo(f"{count} entr{'y' if count == 1 else 'ies'} in {target} ({added} added, "
               f"{removed} removed)", err=True)
    raise typer.Exit(EXIT_ERROR if unreadable else EXIT_CLEAN)


BaselinePaths = Annotated[list[str], typer.Argument(
    help="Documents or folders to audit.", show_default=False)]
BaselineOutput = Annotated[Optional[Path], typer.Option(  # noqa: UP045
    "--baseline", "--output", "-o", help="The baseline file (.yaml, or .json) [default: "
    "`baseline` in the configuration].", show_default=False)]


@baseline_app.command("create")
def baseline_create(
    paths: BaselinePaths, output: BaselineOutput = None,
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
    config_path: ConfigOption = None, isolated: IsolatedOption = False,
    select: SelectOption = None, ignore: IgnoreOption = None, input_kind: InputOption = None,
    min_confidence: MinConfidenceOption = None,
    no_split: Annotated[bool, typer.Option("--no-split", help="As for audit.")] = False,
) -> None:
    """Accept every finding the audit of PATHS reports now: write them to the baseline."""
    _baseline_command(paths, output, False, rules=rules, no_default_rules=no_default_rules,
                      config_path=config_path, isolated=isolated, select=select, ignore=ignore,
                      input_kind=input_kind, min_confidence=min_confidence, no_split=no_split)


@baseline_app.command("update")
def baseline_update(
    paths: BaselinePaths, output: BaselineOutput = None,
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
    config_path: ConfigOption = None, isolated: IsolatedOption = False,
    select: SelectOption = None, ignore: IgnoreOption = None, input_kind: InputOption = None,
    min_confidence: MinConfidenceOption = None,
    no_split: Annotated[bool, typer.Option("--no-split", help="As for audit.")] = False,
) -> None:
    """Bring the baseline up to date with PATHS: add new findings, drop fixed ones, keep notes.

    Entries of documents not among PATHS are kept as they are.
    """
    _baseline_command(paths, output, True, rules=rules, no_default_rules=no_default_rules,
                      config_path=config_path, isolated=isolated, select=select, ignore=ignore,
                      input_kind=input_kind, min_confidence=min_confidence, no_split=no_split)


cache_app = typer.Typer(help="Manage the content cache.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(cache_app, name="cache")


@cache_app.command("clean")
def cache_clean(
    cache_dir: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--cache-dir", help="Cache folder [default: .markaudit_cache, or "
        "$MARKAUDIT_CACHE_DIR].", show_default=False)] = None,
) -> None:
    """Remove the cache folder."""
    from markaudit.cache import clean, default_dir

    folder = cache_dir or default_dir()
    typer.echo(f"removed {folder}" if clean(folder) else f"no cache at {folder}")


rules_app = typer.Typer(help="List, explain, validate and test rule packs.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")



def _load(rules: list[Path] | None, no_default_rules: bool):
    from markaudit.audit import rule_paths
    from markaudit.engine.rules import load_rules
    from markaudit.errors import RuleFileError

    try:
        return load_rules(rule_paths(rules or [], default_rules=not no_default_rules))
    except RuleFileError as error:
        for problem in error.problems:
            typer.echo(f"markaudit: {problem}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


@rules_app.command("list")
def rules_list(rules: RulesOption = None, no_default_rules: NoDefaultOption = False) -> None:
    """Every marking and check of the active rule files."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from markaudit.explain import rule_rows

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("id", "kind / type", "severity", "description", "file"):
        table.add_column(column, overflow="fold")
    for row in rule_rows(_load(rules, no_default_rules)):
        table.add_row(*row)
    Console(color_system="auto" if _stdout_is_colour_terminal() else None,
            width=_console_width(), highlight=False).print(table)


@rules_app.command("explain")
def rules_explain(
    name: Annotated[str, typer.Argument(help="A marking or check id, or a check type.")],
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
) -> None:
    """The documentation of a rule or a check type, its patterns or options, its examples."""
    from markaudit.explain import explain

    text = explain(_load(rules, no_default_rules), name)
    if text is None:
        typer.echo(f"markaudit: no rule or check type named '{name}' "
                   "(see: markaudit rules list)", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(text)


@rules_app.command("validate")
def rules_validate(
    paths: Annotated[list[Path], typer.Argument(help="Rule files or folders to check.")],
    no_default_rules: NoDefaultOption = False,
) -> None:
    """Report every problem in the rule files at once; exit 2 if there is any."""
    ruleset = _load(paths, no_default_rules)
    typer.echo(f"{len(ruleset.markings)} markings and {len(ruleset.checks)} checks in "
               f"{len(ruleset.sources)} files: no problem found")


@rules_app.command("schema")
def rules_schema(
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write the schema to this file, atomically, instead of "
        "printing it.", show_default=False)] = None,
) -> None:
    """Print the JSON Schema of rule files, for editors (the YAML language server)."""
    import json

    from markaudit.report.output import write_atomic
    from markaudit.schema import rule_file_schema

    text = json.dumps(rule_file_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as error:
        typer.echo(f"markaudit: {output}: cannot write the schema: {error.strerror or error}",
                   err=True)
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(f"schema written to {output}", err=True)


@rules_app.command("test")
def rules_test(
    paths: Annotated[list[Path], typer.Argument(
        help="Expectation files (NAME.expect.yaml) or folders holding them.")],
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
    update: Annotated[bool, typer.Option(
        "--update", help="Rewrite each expectation file from what the audit finds now "
        "(markings and findings), for you to review with git diff; exit 0.")] = False,
) -> None:
    """Run documents against their expectation files; print every miss and extra."""
    from markaudit.audit import audit_file
    from markaudit.expect import compare, load_expectation

    ruleset = _load(rules, no_default_rules)
    files = [f for p in paths for f in (sorted(p.rglob("*.expect.yaml")) if p.is_dir() else [p])]
    if not files:
        typer.echo("markaudit: no expectation files (NAME.expect.yaml) found", err=True)
        raise typer.Exit(EXIT_ERROR)
    expectations = []
    for file in files:
        try:
            expectations.append(load_expectation(file))
        except ValueError as error:
            typer.echo(f"markaudit: {error}", err=True)
            raise typer.Exit(EXIT_ERROR) from None
    if update:
        _update_expectations(expectations, ruleset)
    failed = 0
    for file, expectation in zip(files, expectations, strict=True):
        problems = compare(expectation, audit_file(expectation.document, ruleset))
        failed += bool(problems)
        typer.echo(f"{'FAIL' if problems else 'ok'}  {file}")
        for problem in problems:
            typer.echo(f"      {problem}")
    typer.echo(f"{len(files) - failed} passed, {failed} failed")
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _update_expectations(expectations: list[Expectation], ruleset: RuleSet) -> None:
    """`rules test --update`: write each file anew from the audit, atomically; name those
    that changed; exit 0 (2 if a document could not be read or a file written)."""
    from markaudit.audit import audit_file
    from markaudit.expect import update_file

    changed = errors = 0
    for expectation in expectations:
        report = audit_file(expectation.document, ruleset)
        if report.errors:
            typer.echo(f"markaudit: {expectation.path}: document not audited, file left as "
                       f"it was: {'; '.join(report.errors)}", err=True)
            errors += 1
            continue
        try:
            updated = update_file(expectation, report)
        except OSError as error:
            typer.echo(f"markaudit: {expectation.path}: cannot write: "
                       f"{error.strerror or error}", err=True)
            errors += 1
            continue
        changed += updated
        typer.echo(f"{'updated' if updated else 'unchanged':9}  {expectation.path}")
    typer.echo(f"{changed} of {len(expectations)} expectation files updated; review the "
               "changes (git diff) before you commit them")
    raise typer.Exit(EXIT_ERROR if errors else EXIT_CLEAN)


def main() -> None:
    """Entry point: never a traceback for a user's mistake, one line instead."""
    from markaudit.errors import MarkauditError

    try:
        app()
    except MarkauditError as error:
        typer.echo(f"markaudit: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        typer.echo("markaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # the last guard before a user would see a traceback
        if os.environ.get("MARKAUDIT_DEBUG"):
            raise
        typer.echo(f"markaudit: internal error: {type(error).__name__}: {error} "
                   "(set MARKAUDIT_DEBUG=1 for a traceback, and please report it)", err=True)
        sys.exit(EXIT_ERROR)
