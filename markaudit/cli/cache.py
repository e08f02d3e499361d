"""`markaudit cache clean`: remove the content cache."""

from __future__ import annotations

import typer

from markaudit.cli.common import CacheDirOption, app

cache_app = typer.Typer(help="Manage the content cache.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(cache_app, name="cache")


@cache_app.command("clean")
def cache_clean(
    cache_dir: CacheDirOption = None,
) -> None:
    """Remove the cache folder."""
    from markaudit.run.cache import clean, default_dir

    folder = cache_dir or default_dir()
    typer.echo(f"removed {folder}" if clean(folder) else f"no cache at {folder}")
