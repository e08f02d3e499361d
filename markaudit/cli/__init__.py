"""The command line: argument parsing and wiring only, one module per command.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings (an input
that could not be read is one, markaudit.not-audited), 2 a usage, configuration or rule-file
error, 130 after Ctrl-C, 143 after SIGTERM.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

__all__ = ["app", "main"]

COMMANDS = ("audit", "baseline", "cache", "rules")


def _register(arguments: Sequence[str]) -> typer.Typer:
    """The application, with the command the arguments name, or with every command.

    Importing a command module registers its command. typer works out the options of every
    registered command on each run, so a run that names its command registers that one alone;
    help, a mistyped command and no command at all see them all.
    """
    named = arguments[0] if arguments and arguments[0] in COMMANDS else None
    for name in [named] if named else COMMANDS:
        importlib.import_module(f"markaudit.cli.{name}")
    from markaudit.cli.common import app

    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # `from markaudit.cli import app`: the whole application
        return _register(())
    raise AttributeError(f"module 'markaudit.cli' has no attribute {name!r}")


def main() -> None:
    """Entry point: never a traceback for a user's mistake, one line instead."""
    from markaudit.cli.common import EXIT_ERROR
    from markaudit.core.errors import MarkauditError

    app = _register(sys.argv[1:])
    try:
        app()
    except MarkauditError as error:
        from markaudit.report.terminal import printable

        # Escaped line by line: a rule file's problems are one per line, a path never breaks one.
        lines = str(error).split("\n")
        typer.echo("\n".join(printable(line) for line in [f"markaudit: {lines[0]}", *lines[1:]]),
                   err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt as stop:
        from markaudit.run.signals import EXIT_TERMINATED, Terminated

        terminated = isinstance(stop, Terminated)
        typer.echo(f"markaudit: {'terminated' if terminated else 'interrupted'}", err=True)
        sys.exit(EXIT_TERMINATED if terminated else 130)
    except Exception as error:  # the last guard before a user would see a traceback
        if os.environ.get("MARKAUDIT_DEBUG"):
            raise
        from markaudit.report.terminal import printable

        typer.echo(printable(f"markaudit: internal error: {type(error).__name__}: {error} ")
                   + "(set MARKAUDIT_DEBUG=1 for a traceback, and please report it)", err=True)
        sys.exit(EXIT_ERROR)
    finally:
        # The process ends here (click exits even on success). Frozen, the objects of the run
        # are not searched for cycles once more as the interpreter shuts down: 20 ms of a
        # one-file run (benchmarks/hook.py), for memory that is about to be returned anyway.
        gc.freeze()
