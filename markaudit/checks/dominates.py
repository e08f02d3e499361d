"""dominates: no marking's level is above the level that should cover it.

A portion marked `(TS)` on a page whose banner says SECRET, or an UNCLASSIFIED banner over
classified portions, breaks the rule that a page's banner is at least the highest portion on it
(32 CFR 2001.21, ISM-ID-00056). Levels compare on the order of `levels` in the rule files;
designations that are not levels (LIMITED OFFICIAL USE) are ignored. Only markings at least
`min_confidence` sure take part, so that an OCR guess never raises an error.

```yaml
- id: portion.above-banner
  type: dominates
  lower: portion.*          # these markings' level ...
  upper: banner.*           # ... must not exceed the highest level of these
  scope: page               # on the same page (or: document)
  min_confidence: 0.9
  severity: error
```

Placeholders: `{lower_level}`, `{upper_level}`, `{scope}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, marking_ids

OPTIONS = {
    "lower": Option("markings", "markings whose level must not exceed the cover",
                    required=True),
    "upper": Option("markings", "markings whose highest level is the cover", required=True),
    "scope": Option("choice", "where the cover applies", default="page",
                    choices=("page", "document")),
    "min_confidence": Option("number", "only markings at least this sure count", default=0.9),
}
MESSAGE = ("{lower_level} marking above the {upper_level} banner of its {scope}; "
           "correct the banner or the portion mark")
PLACEHOLDERS = ("lower_level", "upper_level", "scope")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    def ranked(refs: Any) -> list[tuple[int, Any]]:
        return [(rank, m) for m in context.select(marking_ids(refs), options["min_confidence"])
                if (rank := context.rank(m.fields.get("level"))) is not None]

    uppers = ranked(options["upper"])
    by_page = options["scope"] == "page"
    for rank, marking in ranked(options["lower"]):
        cover = [(r, m) for r, m in uppers if not by_page or m.page == marking.page]
        if not cover:
            continue  # a page without a banner is every_page's business
        top_rank, top = max(cover, key=lambda pair: pair[0])
        if rank > top_rank:
            yield Violation(page=marking.page, line=marking.line, markings=(marking, top),
                            details={"lower_level": context.levels[rank],
                                     "upper_level": context.levels[top_rank],
                                     "scope": options["scope"]})
