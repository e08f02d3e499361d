"""sequence: numbered pages run on without a gap or a repeat, and `of N` totals agree.

Typed page numbers (`-2-`, `Page 3 of 5`) let a reviewer see that no page is missing from a
scan or a transcription. The check reads the numbers in reading order and reports a number that
skips ahead (pages missing, often withdrawn), repeats (a page scanned twice) or runs backwards,
and a `Page N of M` whose M differs from another's or is smaller than N.

```yaml
- id: page-number.sequence
  type: sequence
  marking: page-number.*
  field: number        # the running number
  total: total         # the field holding "of M", if any
  zones: [top, bottom] # where a page's number stands (the default)
  severity: warning
```

The numbers are read against the pages they stand on. A number that skips ahead over pages
that are there (`PAGE TWO` on page 2, `PAGE FIVE` on page 5: the numbers of pages 3 and 4 were
lost to OCR) misses no page; only the numbers the pages between cannot hold are missing. Two
numbers on one page are its head and foot, or pages OCR ran together, where how many pages lie
between them cannot be told: neither is compared with the other. A number that repeats or
goes back far enough later that the numbering could have started again at 1 on a page between
(a second copy of a cable, an attachment numbered on its own) begins a new run, not a page
scanned twice.

A number counts only with evidence that it is one, since a résumé's "Age 35" or an index's
"Page 7." reads like one. Its place: a page's number stands in its top or bottom zone (`zones`),
alone there (a zone holding several numbers is a list or an index), or is part of a form that
says what it is (`Page 2 of 5`). Its sequence: another number of its form (its rule: a typist
keeps to one) stands before it on an earlier page, or after it on a later page; a number that
only repeats itself (35, 35, 35 on every copy of a résumé) runs with nothing, and a lone "Page
10" heading a comment on page 10 of a report runs with none of the memo's "-2-".

`withdrawn` names markings that stand in for withheld pages (a NARA withdrawal notice, the
FBI's deleted page sheet): a gap with one of them between its two numbers is explained, and
not reported.

With `running: false` only each `N of M` is checked, N ≤ M: "Copy No. 5 of 4" is a misread
or a mistyped copy number.

Placeholders: `{number}`, `{previous}`, `{expected}`, `{problem}` (a phrase such as
"pages 3 to 4 are missing").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, marking_ids
from markaudit.core.model import Marking

OPTIONS = {
    "marking": Option("markings", "the page-number rule id(s)", required=True),
    "field": Option("text", "the field holding the number", default="number"),
    "total": Option("text", "the field holding the total (`of M`)", default="total"),
    "running": Option("boolean", "the numbers run on from one marking to the next (page "
                      "numbers); false to check only N against M (Copy No. 1 of 4)",
                      default=True),
    "withdrawn": Option("markings", "markings that stand in for withheld pages: a gap with "
                        "one of them between its two numbers is not reported", default=None),
    "zones": Option("zones", "the zones where a running number counts as its page's number",
                    default=["top", "bottom"]),
}
MESSAGE = "page number {number} after {previous}: {problem}"
PLACEHOLDERS = ("number", "previous", "expected", "problem")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    field = options["field"]
    numbered = [m for m in context.select(marking_ids(options["marking"]))
                if isinstance(m.fields.get(field), int)]
    notices = context.select(marking_ids(options["withdrawn"])) if options["withdrawn"] else ()
    if not options["running"]:
        yield from _numbers(numbered, field, options, notices)
        return
    yield from _numbers(_with_evidence(numbered, field, options), field, options, notices)


def _with_evidence(numbered: list[Marking], field: str,
                   options: Mapping[str, Any]) -> list[Marking]:
    """The numbers that stand where a page's number does, and run with another number."""
    def explicit(marking: Marking) -> bool:  # "Page 2 of 5" says what it is wherever it is
        return isinstance(marking.fields.get(options["total"]), int)

    placed = [m for m in numbered if explicit(m) or m.zone in options["zones"]]
    in_zone: dict[tuple[int, str], set[int]] = {}
    for marking in placed:
        in_zone.setdefault((marking.page, marking.zone), set()).add(marking.fields[field])
    placed = [m for m in placed
              if explicit(m) or len(in_zone[(m.page, m.zone)]) == 1]
    return [m for m in placed if explicit(m) or any(
        other.rule == m.rule and (
            (other.page < m.page and other.fields[field] < m.fields[field])
            or (other.page > m.page and other.fields[field] > m.fields[field]))
        for other in placed)]


def _numbers(numbered: list[Marking], field: str, options: Mapping[str, Any],
             notices: Sequence[Marking]) -> Iterator[Violation]:
    """The problems of one numbering, read in order."""
    def before(previous: Marking | None) -> int | str:
        return previous.fields[field] if previous is not None else "the start"

    previous = None
    totals: dict[int, Any] = {}
    for marking in numbered:
        number = marking.fields[field]
        total = marking.fields.get(options["total"])
        if isinstance(total, int):
            if number > total:
                yield _violation(marking, number, before(previous),
                                 f"number {number} of only {total}")
            totals.setdefault(total, marking)
        if previous is not None and options["running"]:
            problem = _problem(previous.fields[field], number, marking.page - previous.page)
            if problem and number > previous.fields[field] and any(
                    previous.line < notice.line < marking.line for notice in notices):
                problem = ""  # the pages between were withheld, and a notice says so
            if problem:
                yield _violation(marking, number, before(previous), problem)
        previous = marking
    if len(totals) > 1 and options["running"]:
        first, *others = sorted(totals.items(), key=lambda item: item[1].line)
        for total, marking in others:
            yield _violation(marking, marking.fields[field], "the start",
                             f"says {total} pages where page {first[1].fields[field]} "
                             f"says {first[0]}")


def _problem(before: int, number: int, pages: int) -> str:
    """What is wrong with `number` coming `pages` pages after the page numbered `before`."""
    if pages <= 0:
        return ""  # one page: its head and foot, or pages run together; nothing to count
    if number <= before:
        if pages >= number:
            return ""  # room for a new run from 1 on a page between: a copy, an attachment
        return f"page {number} appears twice" if number == before else "the numbers run backwards"
    missing = number - before - pages
    if missing <= 0:
        return ""
    first, last = before + 1, number - 1
    if missing < last - first + 1:
        return f"{missing} of pages {first} to {last} {'is' if missing == 1 else 'are'} missing"
    return f"page {first} is missing" if first == last else f"pages {first} to {last} are missing"


def _violation(marking: Marking, number: int, before: int | str, problem: str) -> Violation:
    return Violation(page=marking.page, line=marking.line, markings=(marking,),
                     details={"number": number, "previous": before,
                              "expected": before + 1 if isinstance(before, int) else 1,
                              "problem": problem})
