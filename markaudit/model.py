"""The types that flow through an audit: Document → Marking → Finding → Report.

Every stage reads the types of the stage before it and nothing else, so that a check never
looks at raw text and a reporter never re-reads a file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Zone = Literal["top", "bottom", "body"]
Severity = Literal["error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
# The one finding the engine makes itself, not a check: a pattern stopped by its time limit.
TIMEOUT_RULE = "markaudit.rule-timeout"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document, with where it stands."""

    text: str
    number: int  # 1-based line number in the source file
    page: int  # 1-based page number
    zone: Zone


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its lines and how its start was found."""

    number: int
    lines: tuple[Line, ...]
    # "start" for page 1; else "form-feed", "page-number" or "repeated-line"
    boundary: str = "start"

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class Document:
    """A document as read from disk: its pages and how its bytes were decoded."""

    path: str
    pages: tuple[Page, ...]
    encoding: str = "utf-8"

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for page in self.pages for line in page.lines)


@dataclass(frozen=True, slots=True)
class Marking:
    """A marking found by a detector rule, with its parsed fields."""

    rule: str
    kind: str
    text: str  # the raw text as it stands in the document
    value: str  # the canonical form ("T0P SECRFT" -> "TOP SECRET")
    page: int
    line: int
    column: int
    zone: Zone
    confidence: float
    fields: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "kind": self.kind,
            "text": self.text,
            "value": self.value,
            "page": self.page,
            "line": self.line,
            "column": self.column,
            "zone": self.zone,
            "confidence": self.confidence,
            "fields": dict(self.fields),
        }

    def reference(self) -> dict[str, Any]:
        """The short form a finding uses to name the markings it concerns."""
        return {"rule": self.rule, "text": self.text, "page": self.page, "line": self.line}


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem a check found, with the markings it concerns."""

    rule: str
    severity: Severity
    message: str
    page: int | None = None
    line: int | None = None
    markings: tuple[Marking, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Stable under edits elsewhere in the file: rule, page and marking text, not lines."""
        texts = "\x1f".join(sorted(" ".join(m.text.split()) for m in self.markings))
        key = f"{self.rule}\x1e{self.page}\x1e{texts}\x1e{self.message if not texts else ''}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "page": self.page,
            "line": self.line,
            "fingerprint": self.fingerprint,
            "markings": [m.reference() for m in self.markings],
        }


@dataclass(frozen=True, slots=True)
class Classification:
    """The highest level marked in a document and the caveats found with any level."""

    level: str
    caveats: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "caveats": list(self.caveats)}


@dataclass(frozen=True, slots=True)
class DocumentReport:
    """Everything an audit learned about one document."""

    path: str
    pages: int = 0
    encoding: str | None = None
    classification: Classification | None = None
    markings: tuple[Marking, ...] = ()
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()
    parts: tuple[Any, ...] = ()  # markaudit.parts.Part: the sub-documents the checks ran on

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pages": self.pages,
            "encoding": self.encoding,
            "classification": self.classification.to_dict() if self.classification else None,
            "parts": [p.to_dict() for p in self.parts],
            "markings": [m.to_dict() for m in self.markings],
            "findings": [f.to_dict() for f in self.findings],
            "errors": list(self.errors),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one run over one or more documents."""

    documents: tuple[DocumentReport, ...]
    version: str

    def count(self, severity: str) -> int:
        return sum(1 for d in self.documents for f in d.findings if f.severity == severity)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for d in self.documents for f in d.findings)

    @property
    def has_errors(self) -> bool:
        """True when some input could not be read."""
        return any(d.errors for d in self.documents)

    def fails(self, fail_on: str) -> bool:
        """True when a finding is at or above the severity `fail_on`."""
        threshold = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": {"name": "markaudit", "version": self.version},
            "documents": [d.to_dict() for d in self.documents],
            "summary": {
                "documents": len(self.documents),
                "pages": sum(d.pages for d in self.documents),
                "findings": {s: self.count(s) for s in SEVERITIES},
            },
        }
