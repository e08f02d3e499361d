"""What every check type shares: its options declared as data, and what it reads and yields.

A check type is a module with
- a docstring: its documentation (printed by `markaudit rules explain`);
- `OPTIONS`: the YAML keys it takes beyond `id`, `type`, `severity`, `message`, `description`;
- `MESSAGE`: the default message template, with the `{placeholders}` its violations fill;
- `run(options, context)`: yields a `Violation` for each problem;
- optionally `TRANSCRIPTION_SEVERITY`: the severity its findings take on transcriptions (where
  OCR cannot be blamed), whatever the pack gives the check.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markaudit.core.model import Document, Marking
from markaudit.engine.compiled import compile_pattern


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a check type: its value kind, whether it is required, its default."""

    kind: str  # markings | zones | text | integer | number | date | choice | boolean | level
    #            | condition
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
    severity: str | None = None  # set by a check whose options raise or lower the rule's own


LEVEL_KINDS = ("banner", "portion")
"""The kinds of marking whose `level` field gives the document's level."""

SURE = 0.9
"""The confidence from which a level counts as read surely (the pack's checks comparing levels
ask for the same)."""

WEAK = 0.5
"""Below this confidence a level is a weak reading (a struck-through banner read past the OCR
policy): it names the document's level only where another reading of the same level agrees."""


def level_readings(markings: Iterable[Marking]) -> list[Marking]:
    """The banners and portion marks whose level counts for the document: every one read at
    `WEAK` or surer, and a weak one only where another reading gives the same level (several
    pages read with moderate confidence decide a level; one such page does not)."""
    readings = [m for m in markings if m.kind in LEVEL_KINDS and m.fields.get("level")]
    per_level = Counter(str(m.fields["level"]) for m in readings)
    return [m for m in readings
            if m.confidence >= WEAK or per_level[str(m.fields["level"])] >= 2]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check reads: the document's pages and the markings found in it."""

    document: Document
    markings: tuple[Marking, ...]
    levels: Sequence[str]

    def select(self, references: Iterable[str], min_confidence: float = 0.0) -> list[Marking]:
        """The markings whose rule id equals or matches (glob) one of `references`, read with
        at least `min_confidence` (a check's option of that name)."""
        refs = list(references)
        return [m for m in self.markings if m.confidence >= min_confidence
                and any(fnmatch.fnmatchcase(m.rule, r) for r in refs)]

    def rank(self, level: object) -> int | None:
        """A level's place on the lattice (UNCLASSIFIED lowest); None for non-levels."""
        return self.levels.index(level) if level in self.levels else None

    @property
    def level_rank(self) -> int | None:
        """The rank of the highest level marked by any banner or portion mark."""
        ranks = [r for m in level_readings(self.markings)
                 if (r := self.rank(m.fields.get("level"))) is not None]
        return max(ranks) if ranks else None

    def is_classified(self, evidence: Iterable[str] = ()) -> bool:
        """Whether the document is classified: a banner or portion mark gives a level above the
        lowest (UNCLASSIFIED); or none does, none reads the lowest surely (`SURE`), and one of
        the `evidence` markings (ids or globs: markings only a classified document carries, such
        as "Classified by") stands in it, as where OCR garbled every banner ("CONRICZNTEL").
        A document marked UNCLASSIFIED stays unclassified whatever authority lines it keeps (a
        downgraded document keeps its old block)."""
        level = self.level_rank
        if level is not None and level > 0:
            return True
        refs = list(evidence)
        if not refs or any(m.kind in LEVEL_KINDS and m.confidence >= SURE
                           and self.rank(m.fields.get("level")) == 0 for m in self.markings):
            return False
        return bool(self.select(refs))

    def holds(self, condition: Mapping[str, Any]) -> list[Marking] | None:
        """Whether a condition holds in the document: the markings that make it hold, or None.

        A condition is a mapping of any of: `marking` (ids or globs: some such marking exists),
        `caveat` (one of those markings carries it, or one of a list of caveats),
        `level_at_least` / `level_at_most` (the document's highest marked level; a document
        with no level marked satisfies neither), `classified` (true: a level above the lowest is
        marked; false: none is; marking ids or globs: as true, or, where no level says otherwise,
        one of these markings stands, see `is_classified`). Every key given must hold.
        """
        found: list[Marking] = []
        if "marking" in condition or "caveat" in condition:
            candidates = (self.select(marking_ids(condition["marking"]))
                          if "marking" in condition else list(self.markings))
            if "caveat" in condition:
                wanted = set(marking_ids(condition["caveat"]))
                candidates = [m for m in candidates
                              if wanted.intersection(m.fields.get("caveats", ()))]
            if not candidates:
                return None
            found = candidates
        level = self.level_rank
        for key, broken in (("level_at_least", lambda have, bound: have < bound),
                            ("level_at_most", lambda have, bound: have > bound)):
            if key in condition and (
                    level is None or broken(level, self.levels.index(condition[key]))):
                return None
        if "classified" in condition:
            wanted = condition["classified"]
            evidence = () if isinstance(wanted, bool) else marking_ids(wanted)
            if self.is_classified(evidence) is (wanted is False):
                return None
        return found

    @property
    def document_date(self) -> dt.date | None:
        """The first document date found, if any."""
        for marking in self.markings:
            if marking.kind == "document-date" and (date := as_date(marking.fields.get("date"))):
                return date
        return None


def as_date(value: object) -> dt.date | None:
    """A field's value as a date; None where it holds none.

    The `date` parser gives `YYYY-MM-DD`, but a rule may read a field named `date` with another
    parser (`text`): such a value is no date to compare, not a reason to stop the audit.
    """
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


CONDITION_KEYS = ("marking", "caveat", "level_at_least", "level_at_most", "classified")


def describe(condition: Mapping[str, Any]) -> str:
    """A condition in words, for messages."""
    parts = []
    if "marking" in condition:
        parts.append(" or ".join(marking_ids(condition["marking"])))
    if "caveat" in condition:
        parts.append(f"with caveat {' or '.join(marking_ids(condition['caveat']))}")
    if "level_at_least" in condition:
        parts.append(f"classified {condition['level_at_least']} or higher")
    if "level_at_most" in condition:
        parts.append(f"classified no higher than {condition['level_at_most']}")
    if condition.get("classified") is False:
        parts.append("no classified level")
    elif condition.get("classified") is True:
        parts.append("a classified level")
    elif "classified" in condition:
        parts.append(f"a classified level (or {' or '.join(condition['classified'])})")
    return " ".join(parts)


def field_text(marking: Marking, field: str) -> str | None:
    """What a check compares: the marking's `value`, or one parsed field as text (a list
    joined with `/`); None when the marking lacks it."""
    value = marking.value if field == "value" else marking.fields.get(field)
    if isinstance(value, list | tuple):
        value = "/".join(str(v) for v in value)
    return None if value in (None, "") else str(value)


def matches_where(marking: Marking, where: Mapping[str, str] | None) -> bool:
    """Whether every field named in `where` matches its regular expression (a list field:
    any of its items). `where` narrows a check to, say, E.O. 13526 citations."""
    for name, pattern in (where or {}).items():
        value = marking.fields.get(name)
        items = value if isinstance(value, list | tuple) else [value]
        search = compile_pattern(pattern).search
        if not any(item is not None and search(str(item)) for item in items):
            return False
    return True


def marking_ids(value: str | Sequence[str]) -> list[str]:
    """An option of kind `markings` accepts one id (or glob) or a list of them."""
    return [value] if isinstance(value, str) else list(value)
