"""The command line: argument parsing and wiring only.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings, 2 a usage
or configuration error or an input that could not be read.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit import __version__
from markaudit.collect import DEFAULT_EXTENSIONS
from markaudit.model import SEVERITY_RANK

if TYPE_CHECKING:
    from markaudit.run import Target

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
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
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
    extensions: Annotated[str, typer.Option(
        "--extensions", help="File extensions to audit in folders, comma-separated.")
    ] = ",".join(DEFAULT_EXTENSIONS),
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Worker processes; 0 means one per core.")] = 0,
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
) -> None:
    """Audit documents: find markings, check them, report."""
    from markaudit.batch import Settings, default_jobs
    from markaudit.cache import default_dir
    from markaudit.collect import Selection, collect, parse_extensions
    from markaudit.report.base import RunInfo
    from markaudit.report.console import summary_line
    from markaudit.run import run

    targets = _targets(formats or [], outputs or [])
    ruleset = _load(rules, no_default_rules)
    if not ruleset.markings:
        typer.echo("markaudit: no marking rules loaded (add --rules PATH)", err=True)
        raise typer.Exit(EXIT_ERROR)
    selection = Selection(parse_extensions(extensions), include or (), exclude or ())
    sources = list(collect(paths, selection))
    if not sources:
        typer.echo(f"markaudit: no documents to audit in {', '.join(paths)} (extensions: "
                   f"{', '.join(selection.extensions)})", err=True)
        raise typer.Exit(EXIT_ERROR)
    settings = Settings(
        rule_paths=tuple(str(p) for p in ruleset.sources), split_parts=not no_split,
        cache_dir=None if no_cache else str(cache_dir or default_dir()))
    to_terminal = any(t.path is None for t in targets) and sys.stdout.isatty()
    info = RunInfo(version=__version__, rules=ruleset, show_markings=show_markings,
                   color=to_terminal and "NO_COLOR" not in os.environ,
                   width=_console_width() if to_terminal else 120, statistics_only=statistics)
    try:
        rollup = run(sources, ruleset, settings, targets, info, jobs=jobs or default_jobs(),
                     group_by_folder=group_by is GroupBy.folder,
                     progress=len(sources) > 1 and sys.stderr.isatty())
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
               if SEVERITY_RANK[s] >= SEVERITY_RANK[fail_on.value]]
    raise typer.Exit(EXIT_FINDINGS if any(rollup.total.severities[s] for s in failing)
                     else EXIT_CLEAN)


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

RulesOption = Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
    "--rules", "-r", help="Add a rule file or a folder of them (repeatable).")]
NoDefaultOption = Annotated[bool, typer.Option(
    "--no-default-rules", help="Do not load the shipped rule pack.")]


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


@rules_app.command("test")
def rules_test(
    paths: Annotated[list[Path], typer.Argument(
        help="Expectation files (NAME.expect.yaml) or folders holding them.")],
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
) -> None:
    """Run documents against their expectation files; print every miss and extra."""
    from markaudit.audit import audit_file
    from markaudit.expect import compare, load_expectation

    ruleset = _load(rules, no_default_rules)
    files = [f for p in paths for f in (sorted(p.rglob("*.expect.yaml")) if p.is_dir() else [p])]
    if not files:
        typer.echo("markaudit: no expectation files (NAME.expect.yaml) found", err=True)
        raise typer.Exit(EXIT_ERROR)
    failed = 0
    for file in files:
        try:
            expectation = load_expectation(file)
        except ValueError as error:
            typer.echo(f"markaudit: {error}", err=True)
            raise typer.Exit(EXIT_ERROR) from None
        problems = compare(expectation, audit_file(expectation.document, ruleset))
        failed += bool(problems)
        typer.echo(f"{'FAIL' if problems else 'ok'}  {file}")
        for problem in problems:
            typer.echo(f"      {problem}")
    typer.echo(f"{len(files) - failed} passed, {failed} failed")
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


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
