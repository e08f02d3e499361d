"""The command line: argument parsing and wiring only.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings, 2 a usage
or configuration error or an input that could not be read.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from markaudit import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DOCUMENT_SUFFIXES = (".txt", ".md")

app = typer.Typer(
    name="markaudit",
    help="Audit classification and declassification markings in archival document text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # usage errors as plain one-line messages, like ruff's
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    console = "console"
    json = "json"


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


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders walked for .txt and .md documents, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()))
        else:
            files.append(path)
    return files


def _stdout_is_colour_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _console_width() -> int | None:
    """The terminal's width; a generous fixed width for pipes and files."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 120


@app.command()
def audit(
    paths: Annotated[list[Path], typer.Argument(
        help="Documents to audit (.txt, .md); folders are searched for them.",
        show_default=False)],
    rules: Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
        "--rules", "-r", help="Add a rule file or a folder of them (repeatable).")] = None,
    no_default_rules: Annotated[bool, typer.Option(
        "--no-default-rules", help="Do not load the shipped rule pack.")] = False,
    output_format: Annotated[Format, typer.Option(
        "--format", "-f", help="Report format.")] = Format.console,
    output: Annotated[Optional[Path], typer.Option(  # noqa: UP045
        "--output", "-o", help="Write the report to this file (atomically).")] = None,
    fail_on: Annotated[FailOn, typer.Option(
        "--fail-on", help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
    show_markings: Annotated[bool, typer.Option(
        "--show-markings", help="List every marking found (console format).")] = False,
    no_split: Annotated[bool, typer.Option(
        "--no-split", help="Check each file as one document, not as the sub-documents "
        "(cover forms, memos, attachments) it compiles.")] = False,
) -> None:
    """Audit documents: find markings, check them, report."""
    from markaudit.audit import audit_paths
    from markaudit.report import render
    from markaudit.report.output import write_atomic

    ruleset = _load(rules, no_default_rules)
    if not ruleset.markings:
        typer.echo("markaudit: no marking rules loaded (add --rules PATH)", err=True)
        raise typer.Exit(EXIT_ERROR)
    report = audit_paths(expand_paths(paths), ruleset, split_parts=not no_split)
    color = output is None and _stdout_is_colour_terminal()
    text = render(report, output_format.value, show_markings=show_markings, color=color,
                  width=_console_width() if output is None else 120)
    if output is not None:
        try:
            write_atomic(output, text)
        except OSError as error:
            typer.echo(f"markaudit: {output}: cannot write report: {error.strerror or error}",
                       err=True)
            raise typer.Exit(EXIT_ERROR) from None
        from markaudit.report.console import summary_line

        typer.echo(f"{summary_line(report)}; report written to {output}", err=True)
    else:
        sys.stdout.write(text)
    for document in report.documents:
        for reason in document.errors:
            typer.echo(f"markaudit: {document.path}: {reason}", err=True)
    if report.has_errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if report.fails(fail_on.value) else EXIT_CLEAN)


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
