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
  severity: warning
```

`withdrawn` names markings that stand in for withheld pages (a NARA withdrawal notice, the
FBI's deleted page sheet): a gap with one of them between its two numbers is explained, and
not reported.

With `running: false` only each `N of M` is checked, N ≤ M: "Copy No. 5 of 4" is a misread
or a mistyped copy number.

Placeholders: `{number}`, `{previous}`, `{expected}`, `{problem}` (a phrase such as
"pages 3 to 4 are missing").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, marking_ids

OPTIONS = {
    "marking": Option("markings", "the page-number rule id(s)", required=True),
    "field": Option("text", "the field holding the number", default="number"),
    "total": Option("text", "the field holding the total (`of M`)", default="total"),
    "running": Option("boolean", "the numbers run on from one marking to the next (page "
                      "numbers); false to check only N against M (Copy No. 1 of 4)",
                      default=True),
    "withdrawn": Option("markings", "markings that stand in for withheld pages: a gap with "
                        "one of them between its two numbers is not reported", default=None),
}
MESSAGE = "page number {number} after {previous}: {problem}"
PLACEHOLDERS = ("number", "previous", "expected", "problem")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    numbered = [m for m in context.select(marking_ids(options["marking"]))
                if isinstance(m.fields.get(options["field"]), int)]
    notices = context.select(marking_ids(options["withdrawn"])) if options["withdrawn"] else ()
    previous = None
    totals: dict[int, Any] = {}
    for marking in numbered:
        number = marking.fields[options["field"]]
        total = marking.fields.get(options["total"])
        if isinstance(total, int):
            if number > total:
                yield _violation(marking, number, previous,
                                 f"number {number} of only {total}")
            totals.setdefault(total, marking)
        if previous is not None and options["running"]:
            if number == previous.fields[options["field"]]:
                problem = f"page {number} appears twice"
            elif number < previous.fields[options["field"]]:
                problem = "the numbers run backwards"
            elif number > previous.fields[options["field"]] + 1 and any(
                    previous.line < notice.line < marking.line for notice in notices):
                problem = ""  # the pages between were withheld, and a notice says so
            elif number > previous.fields[options["field"]] + 1:
                first, last = previous.fields[options["field"]] + 1, number - 1
                problem = (f"page {first} is missing" if first == last else
                           f"pages {first} to {last} are missing")
            else:
                problem = ""
            if problem:
                yield _violation(marking, number, previous, problem)
        previous = marking
    if len(totals) > 1 and options["running"]:
        first, *others = sorted(totals.items(), key=lambda item: item[1].line)
        for total, marking in others:
            yield _violation(marking, marking.fields[options["field"]], None,
                             f"says {total} pages where page {first[1].fields[options['field']]} "
                             f"says {first[0]}")


def _violation(marking: Any, number: int, previous: Any, problem: str) -> Violation:
    before = previous.fields.get("number") if previous is not None else "the start"
    return Violation(page=marking.page, line=marking.line, markings=(marking,),
                     details={"number": number, "previous": before,
                              "expected": before + 1 if isinstance(before, int) else 1,
                              "problem": problem})
