"""`markaudit rules list|explain|validate|schema|test`: work with rule packs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    NoDefaultOption,
    RulesOption,
    app,
    console_width,
    load_ruleset,
    stdout_is_colour_terminal,
)
from markaudit.core.hints import did_you_mean

if TYPE_CHECKING:
    from markaudit.authoring.expect import Expectation
    from markaudit.engine.rules import RuleSet


rules_app = typer.Typer(help="List, explain, validate and test rule packs.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list(
    text: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="Only rules whose id or description holds this text (any case).",
        show_default=False)] = None,
    kind: Annotated[Optional[list[str]], typer.Option(  # noqa: UP045
        "--kind", help="Only rules of this marking kind or check type, or 'pattern' for "
        "rules written as regular expressions (repeatable).", show_default=False)] = None,
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
) -> None:
    """Every marking and check of the active rule files: a table on a terminal, one
    tab-separated line per rule (id, kind, severity, description, file:line) in a pipe."""
    import sys

    from markaudit.authoring.explain import known_kinds, rule_rows

    ruleset = load_ruleset(rules, no_default_rules)
    kinds = kind or []
    for unknown in sorted(set(kinds) - known_kinds(ruleset)):
        hint = did_you_mean(unknown, known_kinds(ruleset), " (see: markaudit rules list)")
        typer.echo(f"markaudit: --kind '{unknown}': no marking kind or check type of that "
                   f"name{hint}", err=True)
        raise typer.Exit(EXIT_ERROR)
    rows = [row.cells() for row in rule_rows(ruleset, kinds, text or "")]
    if not rows:
        typer.echo("markaudit: no rule matches" if kinds or text else
                   "markaudit: no rules loaded (add --rules PATH)", err=True)
    elif not sys.stdout.isatty():  # one line per rule, for grep, cut and sort
        typer.echo("".join("\t".join(row) + "\n" for row in rows), nl=False)
    else:
        _print_table(rows)




def _print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in ("id", "kind / type", "severity", "description", "file"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(color_system="auto" if stdout_is_colour_terminal() else None,
            width=console_width(), highlight=False).print(table)


@rules_app.command("explain")
def rules_explain(
    name: Annotated[str, typer.Argument(
        help="A marking or check id, a check type, a marking kind (phrase, stamp, banner, "
        "words), a slot type (date, year, ...), keys, a built-in finding "
        "(markaudit.not-audited), or builtin for all of them.")],
    rules: RulesOption = None, no_default_rules: NoDefaultOption = False,
) -> None:
    """The documentation of a rule or a check type, its patterns or options, its examples."""
    from markaudit.authoring.explain import explain

    text = explain(load_ruleset(rules, no_default_rules), name)
    if text is None:
        typer.echo(f"markaudit: no rule, check type, marking kind or slot type named '{name}' "
                   "(see: markaudit rules list)", err=True)
        raise typer.Exit(EXIT_ERROR)
    typer.echo(text)


@rules_app.command("validate")
def rules_validate(
    paths: Annotated[list[Path], typer.Argument(help="Rule files or folders to check.")],
    no_default_rules: NoDefaultOption = False,
) -> None:
    """Report every problem in the rule files at once, and every example a rule fails;
    exit 2 if there is any."""
    from markaudit.core.errors import RuleProblem
    from markaudit.engine.examples import failed_examples

    ruleset = load_ruleset(paths, no_default_rules)
    failed = [RuleProblem(f.path, *(f.where or (None, None))[:1], f.message,
                          (f.where or (None, None))[1]) for f in failed_examples(ruleset)]
    for problem in failed:
        typer.echo(f"markaudit: {problem}", err=True)
    if failed:
        raise typer.Exit(EXIT_ERROR)
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

    from markaudit.authoring.schema import rule_file_schema
    from markaudit.core.files import write_atomic

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
    from markaudit.authoring.expect import compare, load_expectation, unknown_names
    from markaudit.run.source import audit_file

    ruleset = load_ruleset(rules, no_default_rules)
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
    kinds, ids = {m.kind for m in ruleset.markings}, {m.id for m in ruleset.markings}
    unknown = [p for e in expectations for p in unknown_names(e, kinds, ids)]
    for problem in unknown:
        typer.echo(f"markaudit: {problem}", err=True)
    if unknown:
        raise typer.Exit(EXIT_ERROR)
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
    from markaudit.authoring.expect import update_file
    from markaudit.run.source import audit_file

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
