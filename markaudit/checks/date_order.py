"""date_order: a dated marking must not be earlier (or later) than a bound.

A release or transmittal stamp cannot predate the document it stands on; a JFK Act release
cannot predate the Act (1992-10-26); nothing can be dated in the future. An OCR-damaged date
often produces such an impossible order, so the message asks the reviewer to check the scan.

```yaml
- id: dates.stamp-after-document
  type: date_order
  marking: [release.*, transmittal.*]
  field: date             # the parsed date field to compare (default: date)
  not_before: document    # the document date, or a date such as 1992-10-26
  not_after: today        # today, or a date
  severity: error
```

Placeholders: `{kind}`, `{date}`, `{relation}` ("before" or "after"), `{bound}` (the date), and
`{bound_name}` (the bound described: "the document date 1962-10-27", "today 2026-11-25").
Markings without the date field, and documents without a date when the bound is `document`,
are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, as_date, marking_ids

OPTIONS = {
    "marking": Option("markings", "the dated marking rule id(s) to check", required=True),
    "field": Option("text", "the parsed date field to compare", default="date"),
    "not_before": Option("date", "`document`, or a date YYYY-MM-DD", default=None),
    "not_after": Option("date", "`today`, `document`, or a date YYYY-MM-DD", default=None),
    "min_confidence": Option("number", "only markings at least this sure are checked: an "
                             "error should not rest on an OCR guess", default=0.0),
}
MESSAGE = "{kind} dated {date} is {relation} {bound_name}; check the date on the scan"
PLACEHOLDERS = ("kind", "date", "relation", "bound", "bound_name")


def _bound(value: str | None, context: CheckContext) -> tuple[dt.date | None, str]:
    if value is None:
        return None, ""
    if value == "document":
        date = context.document_date
        return date, f"the document date {date}"
    if value == "today":
        return dt.date.today(), f"today {dt.date.today()}"
    return dt.date.fromisoformat(value), value


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    earliest, earliest_name = _bound(options["not_before"], context)
    latest, latest_name = _bound(options["not_after"], context)
    for marking in context.select(marking_ids(options["marking"]), options["min_confidence"]):
        date = as_date(marking.fields.get(options["field"]))
        if date is None:
            continue
        for bound, name, relation, broken in (
            (earliest, earliest_name, "before", lambda d, b: d < b),
            (latest, latest_name, "after", lambda d, b: d > b),
        ):
            if bound is not None and broken(date, bound):
                yield Violation(
                    page=marking.page, line=marking.line, markings=(marking,),
                    details={"kind": marking.kind, "date": date.isoformat(), "relation": relation,
                             "bound": bound.isoformat(), "bound_name": name},
                )
