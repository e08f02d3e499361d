"""The types that flow through an audit: Document → Marking → Finding → Report.

Every stage reads the types of the stage before it and nothing else, so that a check never
looks at raw text and a reporter never re-reads a file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from markaudit.core.builtin import NOT_AUDITED

Zone = Literal["top", "bottom", "body"]
# (x0, y0, x1, y1): left, top, right, bottom in the page's own units (pixels of the scan for
# ALTO and hOCR, points for PDF), measured from the page's top-left corner.
Box = tuple[float, float, float, float]
Severity = Literal["error", "warning", "info"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Word:
    """A word the OCR engine read, where its text stands in its line and how sure it was."""

    start: int  # offset of the word in its line's text
    end: int
    confidence: float | None = None  # the engine's word confidence, 0 to 1
    box: Box | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document, with where it stands.

    Text files give only the text; ALTO, hOCR and PDF also give where the line stands on the
    page (`box`) and, from an OCR engine, its words with their confidence.
    """

    text: str
    number: int  # 1-based line number in the source file (in reading order for ALTO/hOCR/PDF)
    page: int  # 1-based page number
    zone: Zone
    box: Box | None = None
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its lines and how its start was found."""

    number: int
    lines: tuple[Line, ...]
    # "start" for page 1; else "form-feed", "page-number", "form-foot" (below a printed form's
    # foot legend), "record-form" (below a Record Identification Form's COMMENTS field) or
    # "repeated-line"; "page" where the input has pages of its own (PDF, ALTO, hOCR)
    boundary: str = "start"
    image: str | None = None  # the scan the page was read from, as the input names it
    width: float | None = None  # the page's size, in the units of its lines' boxes
    height: float | None = None
    needs_ocr: bool = False  # a PDF page without a text layer: its text was never read

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def locate(self, start: int, end: int) -> Located:
        """Where the text between offsets `start` and `end` of `text` stands on the page.

        The box is the union of the boxes of the lines it spans; the confidence the lowest
        word confidence among the words it overlaps (None without word confidences).
        """
        if self.width is None and self.image is None:
            return Located()  # a page of a text file: nothing to tell
        boxes: list[Box] = []
        confidences: list[float] = []
        offset = 0
        for line in self.lines:
            line_end = offset + len(line.text)
            if offset < end and start <= line_end:
                if line.box is not None:
                    boxes.append(line.box)
                confidences.extend(
                    word.confidence for word in line.words if word.confidence is not None
                    and offset + word.start < end and start < offset + word.end)
            offset = line_end + 1
        box = None
        if boxes:
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                   max(b[2] for b in boxes), max(b[3] for b in boxes))
        size = (self.width, self.height) if self.width and self.height else None
        return Located(box=box, confidence=min(confidences, default=None), image=self.image,
                       page_size=size)


@dataclass(frozen=True, slots=True)
class Located:
    """Where a stretch of a page's text stands on the scan, as far as the input tells."""

    box: Box | None = None
    confidence: float | None = None  # the OCR engine's, for the least sure word
    image: str | None = None
    page_size: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A document as read from disk: its pages and how its bytes were decoded."""

    path: str
    pages: tuple[Page, ...]
    encoding: str = "utf-8"
    ocr_pages: int = 0  # pages Tesseract read for this document (not served from the cache)

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
    # Where it stands on the scan, when the input tells (ALTO, hOCR, PDF): its box (the union
    # of its lines' boxes), the page's image and the page's (width, height) in the box's units.
    box: Box | None = None
    image: str | None = None
    page_size: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
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
        # Only when known, so that the report of a text file is what it always was.
        if self.box is not None:
            data["box"] = list(self.box)
        if self.image is not None:
            data["image"] = self.image
        if self.page_size is not None:
            data["page_size"] = list(self.page_size)
        return data

    def reference(self) -> dict[str, Any]:
        """The short form a finding uses to name the markings it concerns (with where it
        stands on the scan, when known, so that a reviewer can go to the spot)."""
        data: dict[str, Any] = {"rule": self.rule, "text": self.text, "page": self.page,
                                "line": self.line}
        if self.box is not None:
            data["box"] = list(self.box)
        if self.image is not None:
            data["image"] = self.image
        return data


@dataclass(frozen=True, slots=True)
class Cause:
    """One of the causes a finding of many pages stands for: its own message, severity and
    pages ("pages 2-18: no classification banner at the top")."""

    message: str
    severity: Severity
    pages: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "severity": self.severity, "pages": list(self.pages)}


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem a check found, with the markings it concerns."""

    rule: str
    severity: Severity
    message: str
    page: int | None = None
    line: int | None = None
    markings: tuple[Marking, ...] = ()
    # Every page of a finding that stands for the same cause on many pages (see
    # markaudit.report.grouping); empty for a finding of one page.
    pages: tuple[int, ...] = ()
    # What each of those pages has wrong, cause by cause (see markaudit.report.grouping).
    causes: tuple[Cause, ...] = ()
    # 0 for the first of identical findings (same rule, page and text) in a document, 1 for the
    # second, ...: each has its own fingerprint, so a baseline entry accepts one of them only.
    occurrence: int = 0

    @property
    def identity(self) -> str:
        """What identical findings share: rule, page and marking text (or message)."""
        texts = "\x1f".join(sorted(" ".join(m.text.split()) for m in self.markings))
        return f"{self.rule}\x1e{self.page}\x1e{texts}\x1e{self.message if not texts else ''}"

    @property
    def fingerprint(self) -> str:
        """Stable under edits elsewhere in the file: rule, page and marking text, not lines.

        The first occurrence keeps the fingerprint it always had, so that existing baselines
        still match it; the next ones (as gitleaks and semgrep count them) get their own.
        """
        key = self.identity
        if self.occurrence:
            key += f"\x1e{self.occurrence}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "page": self.page,
            "line": self.line,
            "fingerprint": self.fingerprint,
            "markings": [m.reference() for m in self.markings],
        }
        if self.pages:
            data["pages"] = list(self.pages)
        if self.causes:
            data["causes"] = [cause.to_dict() for cause in self.causes]
        return data


def count_occurrences(findings: Iterable[Finding]) -> list[Finding]:
    """The findings, each identical one after the first numbered by its occurrence (in the
    order given: page, then line)."""
    seen: Counter[str] = Counter()
    numbered = []
    for finding in findings:
        identity = finding.identity
        if seen[identity] != finding.occurrence:
            finding = replace(finding, occurrence=seen[identity])
        seen[identity] += 1
        numbered.append(finding)
    return numbered


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
    parts: tuple[Any, ...] = ()  # markaudit.read.parts.Part: the sub-documents the checks ran on
    # The number of the first line of each page, so that a finding about a whole page can point
    # at it (SARIF's region); empty where unknown (a report from an older cache).
    page_lines: tuple[int, ...] = ()

    @classmethod
    def unreadable(cls, path: str, reason: str) -> DocumentReport:
        """The report of a document that could not be read: its error, and a finding of it."""
        return cls(path=path, errors=(reason,), findings=(Finding(
            rule=NOT_AUDITED.id, severity=NOT_AUDITED.severity, message=f"not audited: {reason}"),))

    def page_line(self, page: int | None) -> int | None:
        """The first line of `page`, when known."""
        if page is None or not 0 < page <= len(self.page_lines):
            return None
        return self.page_lines[page - 1]

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
