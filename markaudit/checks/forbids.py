"""forbids: when one thing is in a document, another must not be.

Contradictions within one document: NOFORN together with REL TO (ISM-ID-00032), a GROUP note on
a document marked no higher than UNCLASSIFIED. `when` and `then` are conditions as in
`requires` (`marking`, `caveat`, `level_at_least`, `level_at_most`, `classified`).

```yaml
- id: caveat.noforn-with-rel-to
  type: forbids
  when: {marking: banner.*, caveat: NOFORN}
  then: {marking: banner.*, caveat: REL TO}
  severity: error
```

One violation per document, at the first marking that made `then` hold (or `when`).
Placeholders: `{when}`, `{then}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, describe

OPTIONS = {
    "when": Option("condition", "the condition that brings the prohibition", required=True),
    "then": Option("condition", "what the document must then not hold", required=True),
}
MESSAGE = "the document has {when} and also {then}, which contradict each other"
PLACEHOLDERS = ("when", "then")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    cause = context.holds(options["when"])
    if cause is None:
        return
    clash = context.holds(options["then"])
    if clash is None:
        return
    concerned = [*clash[:1], *(m for m in cause[:1] if m not in clash[:1])]
    first = concerned[0] if concerned else None
    yield Violation(page=first.page if first else None, line=first.line if first else None,
                    markings=tuple(concerned),
                    details={"when": describe(options["when"]),
                             "then": describe(options["then"])})
