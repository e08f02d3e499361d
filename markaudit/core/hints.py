"""The "did you mean" hint every error about a misspelt name ends with."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str], otherwise: str = "") -> str:
    """` (did you mean 'X'?)` for the known name nearest to `name`, or `otherwise` where none
    is near (difflib's ratio of 0.6, as Python's own suggestions)."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else otherwise
