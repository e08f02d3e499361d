"""What the commands share: the application, exit codes, common options, loading the
rule pack and preparing a run from the paths, the configuration and the flags."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit.core.version import __version__

if TYPE_CHECKING:
    from markaudit.engine.rules import RuleSet
    from markaudit.project.config import Config
    from markaudit.project.policy import Policy
    from markaudit.run.source import Settings
    from markaudit.run.sources import Source


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


def stdout_is_colour_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def console_width() -> int | None:
    """The terminal's width; a generous fixed width for pipes and files."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 120


RulesOption = Annotated[Optional[list[Path]], typer.Option(  # noqa: UP045
    "--rules", "-r", help="Add a rule file or a folder of them (repeatable).")]
NoDefaultOption = Annotated[bool, typer.Option(
    "--no-default-rules", help="Do not load the shipped rule pack.")]
NoSplitOption = Annotated[bool, typer.Option(
    "--no-split", help="Check each file as one document, not as the sub-documents "
    "(cover forms, memos, attachments) it compiles.")]
CacheDirOption = Annotated[Optional[Path], typer.Option(  # noqa: UP045
    "--cache-dir", help="Cache folder [default: .markaudit_cache, or $MARKAUDIT_CACHE_DIR].",
    show_default=False)]


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
class Prepared:
    """What the audit and baseline commands share: rules, files, and the project's policy."""

    ruleset: RuleSet
    sources: list[Source]
    settings: Settings
    policy: Policy
    config: Config | None
    fail_on: str
    baseline: Path | None = None  # the configuration's; a command's --baseline flag wins


def prepare(paths: list[str], *, config_path: Path | None, isolated: bool,
             rules: list[Path] | None, no_default_rules: bool, include: list[str] | None,
             exclude: list[str] | None, extensions: str | None, no_split: bool,
             no_cache: bool, cache_dir: Path | None, select: str | None, ignore: str | None,
             input_kind: InputKind | None, min_confidence: float | None,
             fail_on: FailOn | None, follow_links: bool = False,
             force_exclude: bool | None = None) -> Prepared:
    from markaudit.project.config import discover, load
    from markaudit.project.policy import Policy
    from markaudit.project.settings import RunSettings
    from markaudit.run.cache import default_dir
    from markaudit.run.collect import collect, parse_extensions
    from markaudit.run.source import Settings
    from markaudit.run.sources import Selection

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
    cache_folder = None if no_cache else str(cache_dir or default_dir())
    ruleset = load_ruleset(extra_rules, no_default_rules or bool(config and
                                                           config.default_rules is False),
                           compiled_in=cache_folder)
    if not ruleset.markings:
        typer.echo("markaudit: no marking rules loaded (add --rules PATH)", err=True)
        raise typer.Exit(EXIT_ERROR)
    if config is not None:
        config.check_rule_ids([c.id for c in ruleset.checks])
    chosen = RunSettings.resolve(
        config,
        extensions=parse_extensions(extensions) if extensions is not None else None,
        include=tuple(include or ()), exclude=tuple(exclude or ()),
        force_exclude=force_exclude,
        select=_ids(select, "--select", ruleset) if select is not None else None,
        ignore=_ids(ignore, "--ignore", ruleset) if ignore is not None else None,
        min_confidence=min_confidence,
        input=input_kind.value if input_kind is not None else None,
        fail_on=fail_on.value if fail_on is not None else None)
    chosen_include, chosen_exclude = chosen.include, chosen.exclude
    selection = Selection(chosen.extensions, chosen_include, chosen_exclude)
    forced = chosen.force_exclude
    root = config.folder if config else Path.cwd()
    sources = list(collect(paths, selection, follow_links,
                           force_exclude_from=root if forced else None))
    if not sources and forced and all(Path(p).is_file() for p in paths):
        # Every file pre-commit named is excluded (a README.md): nothing to do, as ruff.
        raise typer.Exit(EXIT_CLEAN)
    if not sources:
        chosen = [f"extensions: {', '.join(selection.extensions)}"]
        chosen += [f"include: {', '.join(chosen_include)}"] if chosen_include else []
        chosen += [f"exclude: {', '.join(chosen_exclude)}"] if chosen_exclude else []
        from markaudit.report.terminal import printable

        typer.echo(printable(f"markaudit: no documents to audit in {', '.join(paths)} "
                             f"({'; '.join(chosen)})"), err=True)
        raise typer.Exit(EXIT_ERROR)
    settings = Settings(
        split_parts=not no_split,
        cache_dir=cache_folder)
    policy = Policy(
        select=chosen.select, ignore=chosen.ignore,
        severity=config.severity if config else {},
        per_file_ignores=config.per_file_ignores if config else {},
        root=root, min_confidence=chosen.min_confidence, input=chosen.input,
    ).bind(ruleset)
    return Prepared(ruleset, sources, settings, policy, config, chosen.fail_on, chosen.baseline)


def _ids(text: str, option: str, ruleset: RuleSet) -> tuple[str, ...]:
    from markaudit.project.config import unmatched

    ids = tuple(i.strip() for i in text.split(",") if i.strip())
    known = [c.id for c in ruleset.checks]
    for selector in ids:
        if (problem := unmatched(selector, known)) is not None:
            raise typer.BadParameter(problem, param_hint=f"'{option}'")
    return ids


def load_ruleset(rules: list[Path] | None, no_default_rules: bool,
                 compiled_in: str | None = None):
    """The rule pack, or exit 2 listing its problems; `compiled_in` keeps compiled patterns in
    the cache folder for the next run (see engine.compiled)."""
    from markaudit.core.errors import RuleFileError
    from markaudit.engine.rules import load_rules
    from markaudit.engine.scan import hyperscan_module
    from markaudit.report.terminal import printable
    from markaudit.run.audit import rule_paths

    try:
        hyperscan_module()  # once, here: a platform without it is one line, not one a file
        return load_rules(rule_paths(rules or [], default_rules=not no_default_rules),
                          compiled_in)
    except RuleFileError as error:
        for problem in error.problems:
            typer.echo(printable(f"markaudit: {problem}"), err=True)
        raise typer.Exit(EXIT_ERROR) from None
