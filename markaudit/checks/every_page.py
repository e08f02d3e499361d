"""every_page: a marking must stand on every page, in the zones given.

A classification banner belongs at the top and the bottom of every page (32 CFR 2001.20). For
each page, and each zone listed, where no marking of the named rules stands, the check reports
one violation. Without `zones` the marking may stand anywhere on the page.

```yaml
- id: banner.every-page
  type: every_page
  marking: banner.classification
  zones: [top, bottom]
  severity: warning
  message: "page {page}: no classification banner at the {zone}"
```

`when` limits the check to documents where a condition holds (see `requires`): an
unclassified letter needs no banner, so the default pack checks only classified documents:
those with a classified level marked somewhere, and those whose banners OCR garbled beyond the
rules but which keep a classification authority line ("Classified by", "Declassify on"), which
only a classified document carries: `when: {classified: [authority.classified-by, ...]}`.

Forms print the classification under a header block (a cable's routing lines, a report's
espionage notice), where the page's top zone has already ended. `reach` lets the page's first
marking count for the top, and its last for the bottom, when it stands within that share of the
page's lines of text from the end (0.25: the first or last quarter; blank lines, which OCR puts
in or leaves out at will, are not counted); the default 0 keeps to the zones.

`skip` names markings whose page is not checked: a withdrawal notice or the FBI's deleted page
sheet stands in for a withheld page and carries no banner of its own, and a cover form (the
NARA Record Identification Form) describes the record rather than being a page of it.

OCR loses banners (only about a quarter of OCR pages keep a level word in their first or last
five lines), so the default severity is low; `raise_to` raises it on pages that carry the
marking in another zone, where the loss is less likely to be OCR's.

Placeholders: `{page}`, `{zone}` ("top", "bottom", or "page" without zones), `{marking}`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, marking_ids
from markaudit.core.model import Line, Marking

OPTIONS = {
    "marking": Option("markings", "the marking rule id(s) that must appear", required=True),
    "zones": Option("zones", "the zones each page must carry the marking in", default=[]),
    "min_confidence": Option("number", "only markings at least this sure count", default=0.0),
    "when": Option("condition", "check only documents where this condition holds (see "
                   "`requires`), such as {classified: true}", default=None),
    "raise_to": Option("choice", "the severity when the page carries the marking elsewhere "
                       "(the banner survived OCR at its other end, so this one is missing)",
                       default=None, choices=("error", "warning", "info")),
    "skip": Option("markings", "markings whose page is not checked (a sheet standing in for "
                   "a withheld page, a cover form)", default=None),
    "reach": Option("number", "the share of a page's lines of text (not blank) from its top or "
                    "bottom within which the page's first or last marking counts for that zone",
                    default=0.0),
}
MESSAGE = "page {page}: no {marking} at the {zone}"
# A transcription carries every banner its page has: a missing one is not OCR's loss but an
# error of the transcription, whatever severity the pack gives the check for OCR text.
TRANSCRIPTION_SEVERITY = "error"
PLACEHOLDERS = ("zone", "marking")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    if options["when"] is not None and context.holds(options["when"]) is None:
        return
    references = marking_ids(options["marking"])
    found = context.select(references, options["min_confidence"])
    zones = options["zones"] or ["page"]
    skipped = ({m.page for m in context.select(marking_ids(options["skip"]))}
               if options["skip"] else set())
    for page in context.document.pages:
        if page.number in skipped:
            continue
        on_page = [m for m in found if m.page == page.number]
        for zone in zones:
            if not any(zone in ("page", m.zone) for m in on_page) and not _within_reach(
                    on_page, page.lines, zone, options["reach"]):
                yield Violation(page=page.number, line=None,
                                details={"zone": zone, "marking": ", ".join(references)},
                                severity=options["raise_to"] if on_page else None)


def _within_reach(on_page: list[Marking], lines: Sequence[Line], zone: str, reach: float) -> bool:
    """Whether the page's first (top) or last (bottom) marking stands within `reach` of that end."""
    if not reach or not on_page or not lines or zone not in ("top", "bottom"):
        return False
    numbers = [line.number for line in lines if line.text.strip()]
    if zone == "top":
        index = bisect.bisect_left(numbers, min(m.line for m in on_page))
        return index < len(numbers) * reach
    index = bisect.bisect_left(numbers, max(m.line for m in on_page))
    return len(numbers) - 1 - index < len(numbers) * reach
