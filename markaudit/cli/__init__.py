"""The command line: argument parsing and wiring only, one module per command.

Exit codes follow ruff and semgrep: 0 no finding at or above `--fail-on`, 1 findings, 2 a usage
or configuration error or an input that could not be read, 130 after Ctrl-C.
"""

from __future__ import annotations

import os
import sys

import typer

# Importing a command module registers its command on the application.
from markaudit.cli import audit, baseline, cache, rules  # noqa: F401
from markaudit.cli.common import EXIT_ERROR, app

__all__ = ["app", "main"]


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
