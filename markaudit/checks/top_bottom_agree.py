"""top_bottom_agree: a page's top and bottom banners give the same level.

The same banner is typed or stamped at the head and at the foot of a page; where the two differ
on one page, one of them is wrong or belongs to another document stapled in. Pages without a
banner at both ends are left to `every_page`.

```yaml
- id: banner.top-bottom-agree
  type: top_bottom_agree
  marking: banner.classification
  field: level
  min_confidence: 0.9
  severity: warning
```

Placeholders: `{top}`, `{bottom}` (the two values), `{field}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, field_text, marking_ids

OPTIONS = {
    "marking": Option("markings", "the banner rule id(s)", required=True),
    "field": Option("text", "what must agree: `value` or a parsed field", default="level"),
    "min_confidence": Option("number", "only markings at least this sure count", default=0.0),
}
MESSAGE = "page {page}: top banner says {top} but bottom banner says {bottom}"
PLACEHOLDERS = ("top", "bottom", "field")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    field = options["field"]
    found = [m for m in context.select(marking_ids(options["marking"]), options["min_confidence"])
             if field_text(m, field) is not None]
    for page in context.document.pages:
        top = [m for m in found if m.page == page.number and m.zone == "top"]
        bottom = [m for m in found if m.page == page.number and m.zone == "bottom"]
        if top and bottom and field_text(top[0], field) != field_text(bottom[-1], field):
            yield Violation(page=page.number, line=bottom[-1].line,
                            markings=(top[0], bottom[-1]),
                            details={"top": field_text(top[0], field),
                                     "bottom": field_text(bottom[-1], field), "field": field})
