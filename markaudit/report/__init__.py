"""Reporters: a Report -> text in one format. A reporter never re-reads a document."""

from __future__ import annotations

from collections.abc import Callable

from markaudit.model import Report

FORMATS = ("console", "json")


def render(report: Report, fmt: str, *, show_markings: bool = False, color: bool = False,
           width: int | None = None) -> str:
    """The report as text in format `fmt`."""
    renderer: Callable[..., str]
    if fmt == "json":
        from markaudit.report.json import render as renderer
    else:
        from markaudit.report.console import render as renderer
    return renderer(report, show_markings=show_markings, color=color, width=width)
