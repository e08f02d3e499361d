"""What every check type shares: its options declared as data, and what it reads and yields.

A check type is a module with
- a docstring: its documentation (printed by `markaudit rules explain`);
- `OPTIONS`: the YAML keys it takes beyond `id`, `type`, `severity`, `message`, `description`;
- `MESSAGE`: the default message template, with the `{placeholders}` its violations fill;
- `run(options, context)`: yields a `Violation` for each problem.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markaudit.model import Document, Marking


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a check type: its value kind, whether it is required, its default."""

    kind: str  # markings | zones | text | integer | number | date | choice | boolean
    help: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem found by a check, before the rule's severity and message are applied."""

    page: int | None
    line: int | None
    markings: tuple[Marking, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check reads: the document's pages and the markings found in it."""

    document: Document
    markings: tuple[Marking, ...]
    levels: Sequence[str]

    def select(self, references: Iterable[str]) -> list[Marking]:
        """The markings whose rule id equals or matches (glob) one of `references`."""
        refs = list(references)
        return [m for m in self.markings if any(fnmatch.fnmatchcase(m.rule, r) for r in refs)]

    @property
    def document_date(self) -> dt.date | None:
        """The first document date found, if any."""
        for marking in self.markings:
            if marking.kind == "document-date" and marking.fields.get("date"):
                return dt.date.fromisoformat(marking.fields["date"])
        return None


Run = Callable[[Mapping[str, Any], CheckContext], Iterator[Violation]]


def marking_ids(value: str | Sequence[str]) -> list[str]:
    """An option of kind `markings` accepts one id (or glob) or a list of them."""
    return [value] if isinstance(value, str) else list(value)
