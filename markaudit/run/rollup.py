"""The roll-up of a batch: counts a team can act on, gathered one document at a time.

A roll-up never holds the documents themselves, only counts and a short list of the documents
with most errors, so that a run over 300,000 files takes the same memory as a run over ten.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markaudit.core.model import SEVERITIES, DocumentReport

NO_LEVEL = "(none marked)"
NOT_AUDITED = "(not audited)"
TOP_DOCUMENTS = 10


@dataclass(slots=True)
class Counts:
    """What a set of documents holds: the unit of the roll-up and of each folder in it."""

    documents: int = 0
    pages: int = 0
    not_audited: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    issuers: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    severities: Counter[str] = field(default_factory=Counter)

    def add(self, document: DocumentReport) -> None:
        self.documents += 1
        self.pages += document.pages
        if document.errors:
            self.not_audited += 1
            self.levels[NOT_AUDITED] += 1
        else:
            self.levels[document.classification.level if document.classification
                        else NO_LEVEL] += 1
        for marking in document.markings:
            if marking.kind == "release":
                self.issuers[str(marking.fields.get("issuer") or "OTHER")] += 1
        # An unreadable document's one finding (markaudit.not-audited) counts like any other.
        for finding in document.findings:
            self.checks[finding.rule] += 1
            self.severities[finding.severity] += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "pages": self.pages,
            "not_audited": self.not_audited,
            "findings": {s: self.severities[s] for s in SEVERITIES},
            "levels": dict(self.levels.most_common()),
            "release_issuers": dict(self.issuers.most_common()),
            "checks": dict(self.checks.most_common()),
        }


@dataclass(slots=True)
class Rollup:
    """Counts over the whole run, per folder when asked, and the documents with most errors."""

    group_by_folder: bool = False
    partial: bool = False  # the run was interrupted: these counts cover what was audited
    seconds: float = 0.0
    cached: int = 0  # documents whose report came from the cache
    total: Counts = field(default_factory=Counts)
    folders: dict[str, Counts] = field(default_factory=dict)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    with_errors: int = 0  # documents with at least one error
    _worst: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, document: DocumentReport, folder: str = ".") -> None:
        """Count a document; `folder` is the top-level folder it was found under."""
        self.total.add(document)
        self.unreadable.extend((document.path, reason) for reason in document.errors)
        if self.group_by_folder:
            self.folders.setdefault(folder, Counts()).add(document)
        errors = sum(1 for f in document.findings if f.severity == "error")
        if errors:
            # A bounded heap of (errors, -arrival, path): the most errors, first come first.
            self.with_errors += 1
            entry = (errors, -self.with_errors, document.path)
            if len(self._worst) < TOP_DOCUMENTS:
                heapq.heappush(self._worst, entry)
            else:
                heapq.heappushpop(self._worst, entry)

    @property
    def most_errors(self) -> list[tuple[str, int]]:
        """(path, errors) of the documents with most errors, most first."""
        return [(path, errors) for errors, _, path in sorted(self._worst, reverse=True)]

    def to_dict(self) -> dict[str, Any]:
        data = self.total.to_dict()
        data["partial"] = self.partial
        data["cached"] = self.cached
        data["most_errors"] = [{"path": p, "errors": n} for p, n in self.most_errors]
        data["documents_with_errors"] = self.with_errors
        if self.group_by_folder:
            data["folders"] = {name: counts.to_dict()
                               for name, counts in sorted(self.folders.items())}
        return data

