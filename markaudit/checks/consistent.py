"""consistent: every occurrence of a marking agrees, within a page or the whole document.

The banner of a document is the same on every page; a case number or a release stamp repeated
on each page does not change. The check takes the value used most often in each scope as the
reference (the first one seen on a tie) and reports every occurrence that differs from it. OCR
differences up to `ocr_edits` characters are tolerated, a look-alike one (6 for 8, 1 for l)
counting half.

`min_confidence` leaves out occurrences read with more OCR tolerance than that: a banner
matched only loosely ("SECRE" for a TOP SECRET whose first word was lost, prose misread as a
level) says more about the scan than about the document.

```yaml
- id: banner.consistent
  type: consistent
  marking: banner.classification
  field: value        # or a parsed field, such as level
  scope: document     # or page
  severity: warning
```

Placeholders: `{value}`, `{expected}`, `{pages}` (where the expected value stands), `{scope}`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, field_text, marking_ids
from markaudit.core.model import Marking

OPTIONS = {
    "marking": Option("markings", "the marking rule id(s) whose occurrences must agree",
                      required=True),
    "field": Option("text", "what must agree: `value` or the name of a parsed field",
                    default="value"),
    "scope": Option("choice", "where occurrences must agree", default="document",
                    choices=("document", "page")),
    "ocr_edits": Option("integer", "differences of at most this many characters agree",
                        default=0),
    "min_confidence": Option("number", "only markings at least this sure count", default=0.0),
}
MESSAGE = "'{value}' differs from '{expected}' used elsewhere in the {scope} (page {pages})"
PLACEHOLDERS = ("value", "expected", "pages", "scope")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    field, tolerance = options["field"], options["ocr_edits"]
    scopes: dict[int, list[tuple[Marking, str]]] = {}
    for marking in context.select(marking_ids(options["marking"]), options["min_confidence"]):
        value = field_text(marking, field)
        if value is not None:
            key = marking.page if options["scope"] == "page" else 0
            scopes.setdefault(key, []).append((marking, value))
    for occurrences in scopes.values():
        expected = _majority([value for _, value in occurrences], tolerance)
        pages = sorted({m.page for m, v in occurrences
                        if ocr_distance(v, expected) <= tolerance})
        for marking, value in occurrences:
            if value != expected and ocr_distance(value, expected) > tolerance:
                yield Violation(
                    page=marking.page, line=marking.line, markings=(marking,),
                    details={"value": value, "expected": expected, "scope": options["scope"],
                             "pages": ", ".join(map(str, pages))},
                )


# Characters OCR reads for one another: a substitution within a group is half an edit, so
# that a number read with two such slips ("32306602" for 32308802) is a variant of itself,
# while a number with two other differences is another number.
_LOOKALIKE_GROUPS = ("0OQD8", "1Il|7", "38", "5S6", "68", "2Z", "8B")


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    a, b = a.upper(), b.upper()
    return 0.5 if any(a in group and b in group for group in _LOOKALIKE_GROUPS) else 1.0


def ocr_distance(a: str, b: str) -> float:
    """Levenshtein distance in which a look-alike substitution costs half an edit."""
    previous = [float(i) for i in range(len(b) + 1)]
    for i, char_a in enumerate(a, start=1):
        current = [float(i)]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + _substitution(char_a, char_b)))
        previous = current
    return previous[-1]


def _majority(values: list[str], tolerance: int) -> str:
    """The value most occurrences agree on, its OCR variants (within `tolerance` edits) counting
    with it: a DocId read right on ten pages and with one digit misread on three others is the
    document's, and a page carrying another is reported against it, not against a variant.
    Among near values, the one read most often stands for them; on a tie, the first seen."""
    counts = Counter(values)
    first = {value: values.index(value) for value in counts}

    def support(value: str) -> tuple[int, int, int]:
        near = sum(n for other, n in counts.items()
                   if other == value or ocr_distance(other, value) <= tolerance)
        return near, counts[value], -first[value]

    return max(counts, key=support)
