"""What a loaded rule pack holds: its marking rules, its checks and its vocabularies.

The types the loader (engine/rules.py) builds and the engine, the checks and the reports read;
a pack read back from the cache (engine/packdata.py) is made of them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout
from markaudit.engine.fields import ParseContext
from markaudit.engine.ocr import DEFAULT_POLICY, OcrPolicy
from markaudit.engine.spec import ZONES
from markaudit.engine.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A structured field: which named group of the pattern feeds it, and how it is parsed."""

    name: str
    group: str
    parser: str
    parse: Callable[[str, ParseContext], Any]  # resolved from `parser`, the name kept


@dataclass(frozen=True, slots=True)
class MarkingRule:
    """A detector: what a marking looks like and what to extract from it."""

    id: str
    kind: str
    description: str
    patterns: tuple[str, ...]
    compiled: tuple[regex.Pattern[str], ...]
    source: str
    ocr_edits: int = 0
    zones: frozenset[str] = frozenset(ZONES)
    first_page_only: bool = False
    fields: tuple[FieldSpec, ...] = ()
    constants: Mapping[str, Any] = field(default_factory=dict)
    value: str | None = None
    exclude: tuple[regex.Pattern[str], ...] = ()
    min_confidence: float = 0.0
    max_confidence: float = 1.0  # a loose heuristic rule is never surer than this
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    anchors: tuple[str, ...] = ()  # upper case; a page with none of them is not searched
    max_line_length: int | None = None  # search line by line, only lines this short
    min_capitals: float = 0.0  # with max_line_length: only lines with this share of capitals
    # with max_line_length: only lines whose end this matches (searched backwards from the end)
    line_ends_with: regex.Pattern[str] | None = None
    not_near: tuple[NotNear, ...] = ()
    form_lists: FormLists | None = None
    # The declarative kind the rule is written in (phrase, stamp, banner, words), or "" for a
    # raw `pattern:`; and the literal words of a declarative rule, for the engine's scans.
    declared: str = ""
    written: tuple[str, ...] = ()  # the declarative rule as its author wrote it, line by line
    words: tuple[str, ...] = ()
    # The runs of words (and their OCR budgets) one of which every match holds: where the scan
    # (engine/scan.py) looks before the patterns run; empty where a rule is not scanned.
    scan_runs: tuple[tuple[tuple[str, ...], int], ...] = ()
    # Where each example stands in its rule file, for `rules validate` to point at.
    example_places: Mapping[str, tuple[tuple[int, int | None], ...]] = field(
        default_factory=dict)


@dataclass(frozen=True, slots=True)
class NotNear:
    """A match is dropped when `pattern` matches within `before` lines above it or `after`
    lines below it (a form's caption, a field label)."""

    pattern: regex.Pattern[str]
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class FormLists:
    """Markings of one rule that list `distinct` different values of `field` within `lines`
    lines are a printed form's options (a routing slip's levels), not markings."""

    field: str
    distinct: int
    lines: int


@dataclass(frozen=True, slots=True)
class CheckRule:
    """A consistency check of one of the check types."""

    id: str
    type: str
    description: str
    severity: str
    message: str
    options: Mapping[str, Any]
    source: str
    whole_file: bool = False  # run once on the file, not on each sub-document


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything the rule files define, validated and compiled."""

    vocabularies: Mapping[str, Vocabulary]
    markings: tuple[MarkingRule, ...]
    checks: tuple[CheckRule, ...]
    sources: tuple[str, ...]
    digest: str  # changes whenever any rule file changes
    ocr: OcrPolicy = DEFAULT_POLICY  # the pack's OCR policy
    # (name, text) of every file read, in order: what a worker elsewhere loads the pack from
    texts: tuple[tuple[str, str], ...] = ()
    layout: PageLayout = DEFAULT_LAYOUT  # the words and forms the page split reads

    @property
    def levels(self) -> list[str]:
        vocabulary = self.vocabularies.get("level")
        return vocabulary.names if vocabulary else []
