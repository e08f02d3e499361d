"""Documents within documents: split a file into the sub-documents it compiles.

Archive files are compilations: a Record Identification Form, then a memo, its attachments, a
routing slip. Document-level checks (banners agree, dates in order, requirements) only make
sense within one of them, so a file is split, at page boundaries, before the checks run:

- a page whose top zone holds a `document-start` marking (a form title, a "MEMORANDUM FOR"
  heading), a document date or a record number begins a new part;
- a page holding a cover form (`document-start` with `fields.cover`, such as the Record
  Identification Form) is a part of its own: the record starts on the next page.

The signals are markings of the rule pack, so a collection's own form titles can be added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markaudit.core.model import Document, Marking

START_KINDS = ("document-start", "document-date")
RECORD_NUMBER_SCHEMES = ("rif",)


@dataclass(frozen=True, slots=True)
class Part:
    """Pages first..last (1-based, inclusive) of one sub-document, and why it starts there."""

    first_page: int
    last_page: int
    reason: str

    def holds(self, page: int | None) -> bool:
        return page is not None and self.first_page <= page <= self.last_page

    def to_dict(self) -> dict[str, object]:
        return {"first_page": self.first_page, "last_page": self.last_page,
                "reason": self.reason}


def _start_reason(marking: Marking) -> str | None:
    if marking.zone != "top":
        return None
    if marking.kind in START_KINDS:
        return f"{marking.kind} '{' '.join(marking.text.split())[:40]}'"
    if marking.kind == "control-number" and marking.fields.get("scheme") in RECORD_NUMBER_SCHEMES:
        return f"record number {marking.value}"
    return None


def split(document: Document, markings: Sequence[Marking]) -> list[Part]:
    """The sub-documents of a document, in page order; one part when nothing splits it."""
    count = len(document.pages)
    reasons: dict[int, str] = {}
    for marking in markings:
        if marking.page > 1 and marking.page not in reasons and (why := _start_reason(marking)):
            reasons[marking.page] = why
        if marking.kind == "document-start" and marking.fields.get("cover"):
            following = marking.page + 1
            if following <= count and following not in reasons:
                reasons[following] = f"after the cover form on page {marking.page}"
    starts = [1, *sorted(p for p in reasons if 1 < p <= count)]
    return [Part(first, (starts[i + 1] - 1) if i + 1 < len(starts) else count,
                 "start" if first == 1 else reasons[first])
            for i, first in enumerate(starts)] if count else []
