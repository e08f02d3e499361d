"""The document inventory: a CSV catalogue, one row per document, as archive staff keep it.

Read by archivists and reviewers who catalogue a collection by hand today: per file its pages,
sub-documents, overall classification and caveats, the release stamps on it (who released it,
when), the document's own date, how many findings of each severity it has, and whether it could
be read at all. Same CSV conventions as the `csv` format (RFC 4180, formula-like cells quoted).
"""

from __future__ import annotations

import csv

from markaudit.core.model import DocumentReport
from markaudit.report.base import Reporter
from markaudit.report.csv import cell
from markaudit.run.rollup import Rollup

HEADER = ("path", "pages", "parts", "level", "caveats", "release_stamps", "document_date",
          "errors", "warnings", "info", "status")
AUDITED = "audited"


def release_stamps(document: DocumentReport) -> str:
    """'ISSUER DATE' per release stamp, ';'-joined, each once.

    A stamp is usually repeated on every page of a release (a CREST footer on each of five
    pages): the catalogue wants the releases, not the pages they stand on.
    """
    stamps: dict[str, None] = {}
    for marking in document.markings:
        if marking.kind != "release":
            continue
        issuer = str(marking.fields.get("issuer") or "OTHER")
        date = marking.fields.get("date")
        stamps[f"{issuer} {date}" if date else issuer] = None
    return ";".join(stamps)


def document_date(document: DocumentReport) -> str:
    """The first document-date marking's date: the model keeps no document date of its own."""
    return next((str(m.fields["date"]) for m in document.markings
                 if m.kind == "document-date" and m.fields.get("date")), "")


class InventoryReporter(Reporter):
    """Header first, then one row per document as it arrives."""

    def start(self) -> None:
        self._out = csv.writer(self.stream, lineterminator="\r\n")
        self._out.writerow(HEADER)

    def document(self, document: DocumentReport) -> None:
        counts = {s: sum(1 for f in document.findings if f.severity == s)
                  for s in ("error", "warning", "info")}
        classification = document.classification
        self._out.writerow([cell(v) for v in (
            document.path, document.pages, len(document.parts),
            classification.level if classification else "",
            ";".join(classification.caveats) if classification else "",
            release_stamps(document), document_date(document),
            counts["error"], counts["warning"], counts["info"],
            "; ".join(document.errors) or AUDITED)])

    def finish(self, rollup: Rollup) -> None:
        self.stream.flush()
