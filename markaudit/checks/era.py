"""era: a marking used outside the years its authority was in force.

Markings belong to the executive orders that created them: GROUP downgrading notes to E.O. 10964
(20 Sep 1961 to 1 Jun 1972), `SECURITY INFORMATION` to 1951-53, a US `RESTRICTED` level to before
15 Dec 1953, `OADR` to E.O. 12356 (1982-95), E.O. 13526 citations to 2009 and after. A marking
dated, or on a document dated, outside those years is an anachronism: a misdated document, an
OCR-damaged date, or a marking that is not what it seems.

```yaml
- id: era.group-notes
  type: era
  marking: downgrading.group
  from: 1961-09-20
  until: 1972-06-01
  date: document      # compare the document's date, or `marking` for the marking's own date
  severity: warning
```

`where` narrows the markings by their fields (regular expressions; a list field matches when
any item does): `where: {order: "^13526$"}` for E.O. 13526 citations, `where: {level:
RESTRICTED}` for RESTRICTED banners.

Markings without the date compared are skipped. Placeholders: `{kind}`, `{text}`, `{date}`,
`{from}`, `{until}`, `{relation}` ("before" or "after").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import (
    CheckContext,
    Option,
    Violation,
    as_date,
    marking_ids,
    matches_where,
)

OPTIONS = {
    "marking": Option("markings", "the marking rule id(s) bound to an era", required=True),
    "from": Option("date", "the first day the marking was in use", default=None),
    "until": Option("date", "the last day the marking was in use", default=None),
    "date": Option("choice", "which date to compare", default="document",
                   choices=("document", "marking")),
    "where": Option("fields", "only markings whose fields match these regexes", default=None),
}
MESSAGE = "{text!r} dated {date} is {relation} its era ({from} to {until})"
PLACEHOLDERS = ("kind", "text", "date", "from", "until", "relation")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    start = dt.date.fromisoformat(options["from"]) if options["from"] else None
    end = dt.date.fromisoformat(options["until"]) if options["until"] else None
    document_date = context.document_date
    for marking in context.select(marking_ids(options["marking"])):
        if not matches_where(marking, options["where"]):
            continue
        date = (as_date(marking.fields.get("date")) if options["date"] == "marking"
                else document_date)
        if date is None:
            continue
        relation = ("before" if start and date < start else
                    "after" if end and date > end else None)
        if relation:
            yield Violation(page=marking.page, line=marking.line, markings=(marking,),
                            details={"kind": marking.kind, "text": " ".join(marking.text.split()),
                                     "date": date.isoformat(), "relation": relation,
                                     "from": options["from"] or "the beginning",
                                     "until": options["until"] or "now"})
