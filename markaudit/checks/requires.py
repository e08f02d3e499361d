"""requires: when one thing is in a document, another must be too.

Whole-document implications: a caveat needs a minimum level (NOFORN needs a classified
document; SCI code words need TOP SECRET), a GROUP downgrading note belongs on a classified
document, a classified document that was released carries a release stamp. Both `when` and
`then` are conditions, mappings of any of:

- `marking`: marking ids or globs, one of which is found;
- `caveat`: a caveat one of those markings carries;
- `level_at_least` / `level_at_most`: the document's highest marked level;
- `classified`: `true`: a banner or portion mark gives a level above the lowest
  (UNCLASSIFIED); `false`: none does; or marking ids or globs that only a classified document
  carries (a "Classified by" line, a GROUP note): as `true`, or, where no banner or portion mark
  gives a level above the lowest, one of these markings stands. That is a classified document
  whose banners OCR garbled beyond the rules ("CONRICZNTEL") but whose classification block
  survived. A banner or portion mark read surely (confidence 0.9) as the lowest level keeps the
  document unclassified all the same: a downgraded document keeps its old block. Name no
  release here: "DECLASSIFIED BY" and the FBI's "ALL INFORMATION CONTAINED HEREIN IS
  UNCLASSIFIED" stand on unclassified documents too.

```yaml
- id: caveat.noforn-needs-classified
  type: requires
  when: {marking: banner.*, caveat: NOFORN}
  then: {level_at_least: CONFIDENTIAL}
  severity: error
```

One violation per document, at the first marking that made `when` hold. Placeholders:
`{when}`, `{then}` (the conditions in words).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, describe

OPTIONS = {
    "when": Option("condition", "the condition that brings the requirement", required=True),
    "then": Option("condition", "what the document must then hold", required=True),
}
MESSAGE = "the document has {when} but not {then}"
PLACEHOLDERS = ("when", "then")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    cause = context.holds(options["when"])
    if cause is None or context.holds(options["then"]) is not None:
        return
    first = cause[0] if cause else None
    yield Violation(page=first.page if first else None, line=first.line if first else None,
                    markings=tuple(cause[:1]),
                    details={"when": describe(options["when"]),
                             "then": describe(options["then"])})
