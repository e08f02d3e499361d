"""`markaudit baseline create|update`: accept today's findings, so audits report new ones."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    ConfigOption,
    IgnoreOption,
    InputKind,
    InputOption,
    IsolatedOption,
    MinConfidenceOption,
    NoDefaultOption,
    NoSplitOption,
    RulesOption,
    SelectOption,
    app,
    prepare,
)
from markaudit.cli.ocr import ocr_options
from markaudit.report.terminal import printable

if TYPE_CHECKING:
    from markaudit.core.model import DocumentReport


baseline_app = typer.Typer(help="Record accepted findings, so that audits report only new ones.",
                           no_args_is_help=True, rich_markup_mode=None)
app.add_typer(baseline_app, name="baseline")


def _baseline_command(paths: list[str], output: Path | None, update: bool, *,
                      rules: list[Path] | None, no_default_rules: bool, config_path: Path | None,
                      isolated: bool, select: str | None, ignore: str | None,
                      input_kind: InputKind | None, min_confidence: float | None,
                      no_split: bool) -> None:
    from markaudit.project.baseline import Baseline
    from markaudit.project.baseline import load as load_baseline
    from markaudit.run.batch import audit_sources, default_jobs

    prepared = prepare(
        paths, config_path=config_path, isolated=isolated, rules=rules,
        no_default_rules=no_default_rules, include=None, exclude=None, extensions=None,
        no_split=no_split, no_cache=False, cache_dir=None, select=select, ignore=ignore,
        input_kind=input_kind, min_confidence=min_confidence, fail_on=None)
    # Scans are read as `audit` reads them by default, so that the baseline holds their findings.
    prepared.settings = replace(prepared.settings, ocr=ocr_options(prepared))
    target = output or prepared.baseline
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
        typer.echo(printable(f"markaudit: {path}: {reason}"), err=True)
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
    no_split: NoSplitOption = False,
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
    no_split: NoSplitOption = False,
) -> None:
    """Bring the baseline up to date with PATHS: add new findings, drop fixed ones, keep notes.

    Entries of documents not among PATHS are kept as they are.
    """
    _baseline_command(paths, output, True, rules=rules, no_default_rules=no_default_rules,
                      config_path=config_path, isolated=isolated, select=select, ignore=ignore,
                      input_kind=input_kind, min_confidence=min_confidence, no_split=no_split)
