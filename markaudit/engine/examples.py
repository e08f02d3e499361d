"""A marking rule's `examples`, run: every `match` text must give a marking of the rule, no
`no_match` text may. `rules validate` reports each that fails at its place in the rule file.

Each example is searched on a page of its own, where it stands in a zone the rule reads: a
page this short is all margin (its first half top, its second bottom), so a rule that reads
only the bottom gets its example below lines of prose, and one that reads only the body
between them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from markaudit.engine.detect import detect
from markaudit.engine.rules import MarkingRule, RuleSet
from markaudit.read.text import document_from_text

PROSE = "The committee met again this morning to weigh the new proposal in full."
EXAMPLE_SECONDS = 5.0  # an example takes milliseconds; a runaway pattern is stopped


@dataclass(frozen=True, slots=True)
class FailedExample:
    rule: MarkingRule
    expected: str  # "match" or "no_match"
    text: str
    where: tuple[int, int | None] | None  # (line, column) in the rule's file
    found: tuple[str, ...] = ()  # what a no_match example wrongly gave

    @property
    def path(self) -> str:
        return self.rule.source.rpartition(":")[0]

    @property
    def message(self) -> str:
        shown = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        if self.expected == "match":
            return f"marking '{self.rule.id}': does not find its example {shown!r}"
        return (f"marking '{self.rule.id}': finds its no_match example {shown!r} "
                f"(as {', '.join(repr(f) for f in self.found)})")


def placed(rule: MarkingRule, text: str) -> str:
    """The example on a page where it stands in a zone the rule reads."""
    if "top" in rule.zones:
        return text
    prose = "\n".join([PROSE] * 8)
    if "bottom" in rule.zones:
        return f"{prose}\n{text}"
    return f"{prose}\n{text}\n{prose}"


def failed_examples(rules: RuleSet) -> Iterator[FailedExample]:
    """Every example of every marking rule that does not do what it says."""
    for rule in rules.markings:
        alone = dataclasses.replace(rules, markings=(rule,), checks=())
        for expected in ("match", "no_match"):
            places = rule.example_places.get(expected, ())
            for index, text in enumerate(rule.examples.get(expected, ())):
                page = document_from_text(placed(rule, text), layout=rules.layout)
                markings = detect(page, alone, time_limit=EXAMPLE_SECONDS)
                where = places[index] if index < len(places) else None
                if expected == "match" and not markings:
                    yield FailedExample(rule, expected, text, where)
                elif expected == "no_match" and markings:
                    yield FailedExample(rule, expected, text, where,
                                        tuple(m.text for m in markings))
