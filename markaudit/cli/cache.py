"""`markaudit cache clean`: remove the content cache."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from markaudit.cli.common import (
    app,
)

if TYPE_CHECKING:
    pass


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
