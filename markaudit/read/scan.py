"""Pages read from a scan's OCR (PDF text layers, ALTO, hOCR) into the Document model.

The readers of those formats know their pages, where each line stands and, from an OCR engine,
how sure it was of each word. They hand that over as ScanPages; this module numbers the lines,
gives them zones from their position on the page (see `pages.zones_from_positions`) and builds
the Document the rest of markaudit reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markaudit.core.errors import InputError
from markaudit.core.model import Box, Document, Line, Page, Word
from markaudit.read.pages import zones_from_positions


@dataclass(slots=True)
class ScanLine:
    """A line as a reader found it: its text, its box and its words (offsets into `text`)."""

    text: str
    box: Box | None = None
    words: tuple[Word, ...] = ()


@dataclass(slots=True)
class ScanPage:
    lines: list[ScanLine] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    image: str | None = None
    needs_ocr: bool = False


def line_from_words(words: list[tuple[str, Box | None, float | None]],
                    box: Box | None = None) -> ScanLine | None:
    """A line from its words (text, box, confidence), joined by single spaces; None if empty.

    Without a box of its own, the line's box is the union of its words' boxes.
    """
    parts: list[str] = []
    placed: list[Word] = []
    offset = 0
    for text, word_box, confidence in words:
        text = " ".join(text.split())
        if not text:
            continue
        if parts:
            offset += 1
        parts.append(text)
        placed.append(Word(offset, offset + len(text), confidence, word_box))
        offset += len(text)
    if not parts:
        return None
    if box is None:
        boxes = [w.box for w in placed if w.box is not None]
        if boxes:
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                   max(b[2] for b in boxes), max(b[3] for b in boxes))
    return ScanLine(" ".join(parts), box, tuple(placed))


def document_from_pages(pages: list[ScanPage], path: str, encoding: str) -> Document:
    """The Document of a scan's pages: lines numbered in reading order over the whole file."""
    if not any(page.lines for page in pages):
        raise InputError(path, "no text found, nothing to audit")
    built: list[Page] = []
    number = 0
    for page_number, page in enumerate(pages, start=1):
        texts = [line.text for line in page.lines]
        tops = [line.box[1] if line.box is not None else None for line in page.lines]
        page_zones = zones_from_positions(texts, tops, page.height or 0.0)
        lines = []
        for line, zone in zip(page.lines, page_zones, strict=True):
            number += 1
            lines.append(Line(text=line.text, number=number, page=page_number, zone=zone,
                              box=line.box, words=line.words))
        built.append(Page(number=page_number, lines=tuple(lines),
                          boundary="start" if page_number == 1 else "page", image=page.image,
                          width=page.width, height=page.height, needs_ocr=page.needs_ocr))
    return Document(path=path, pages=tuple(built), encoding=encoding)
