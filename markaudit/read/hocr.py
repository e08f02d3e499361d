"""hOCR, the HTML that OCR engines write (Tesseract's `hocr` output, OCRopus, Kraken): pages,
lines with boxes, words with confidence.

Read: elements of class `ocr_page` (title `bbox x0 y0 x1 y1`, the page's size, and `image
"file"`), `ocr_line` and its kin (`ocr_header`, `ocr_caption`, `ocr_textfloat`: a line either
way) with their `bbox`, and `ocrx_word` with `bbox` and `x_wconf` (0 to 100). Boxes are in the
scan's pixels.

Parsed with the standard library's HTML parser, which accepts both the XHTML Tesseract writes
and the looser HTML of other engines, and never loads or expands anything a document declares.
A file that declares entities in a DTD is refused all the same: hOCR never needs them, and an
XML parser downstream of markaudit might expand them.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from markaudit.core.errors import InputError
from markaudit.core.model import Box, Document
from markaudit.read.scan import ScanPage, document_from_pages, line_from_words
from markaudit.read.text import decode

LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_BBOX = re.compile(r"\bbbox\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)"
                   r"\s+(-?\d+(?:\.\d+)?)")
_WCONF = re.compile(r"\bx_wconf\s+(-?\d+(?:\.\d+)?)")
_IMAGE = re.compile(r"""\bimage\s+(?:"([^"]*)"|'([^']*)'|(\S+?)(?:;|$))""")
_VOID = {"br", "img", "meta", "link", "hr", "input", "area", "base", "col", "embed", "source",
         "track", "wbr", "param"}


def _bbox(title: str) -> Box | None:
    match = _BBOX.search(title)
    return tuple(float(n) for n in match.groups()) if match else None  # type: ignore[return-value]


class _Reader(HTMLParser):
    """Collects pages, lines and words as the parser walks the file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[ScanPage] = []
        self.entities = False
        # open elements, each with what it opened: "page", "line", "word" or None
        self._stack: list[tuple[str, str | None]] = []
        # how many of each tag are open: a stray end tag is known as such at once, not by
        # searching the stack (40,000 unclosed tags made that quadratic: 56 s for 400 KB)
        self._open: Counter[str] = Counter()
        self._line_box: Box | None = None
        self._words: list[tuple[str, Box | None, float | None]] = []
        self._word: list[str] | None = None
        self._word_title = ""

    def handle_decl(self, decl: str) -> None:
        if "ENTITY" in decl.upper():
            self.entities = True

    def unknown_decl(self, data: str) -> None:
        if "ENTITY" in data.upper():
            self.entities = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        title = values.get("title") or ""
        opened: str | None = None
        if "ocr_page" in classes:
            box = _bbox(title)
            image = _IMAGE.search(title)
            self.pages.append(ScanPage(
                width=box[2] - box[0] if box else None, height=box[3] - box[1] if box else None,
                image=next((g for g in image.groups() if g), None) if image else None))
            opened = "page"
        elif classes & LINE_CLASSES and self.pages:
            self._close_line()
            self._line_box = _bbox(title)
            opened = "line"
        elif "ocrx_word" in classes and self.pages:
            self._word, self._word_title = [], title
            opened = "word"
        self._stack.append((tag, opened))
        self._open[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # an empty element holds no text

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self._open[tag]:
            return  # a stray end tag, as loose HTML has
        while self._stack:
            open_tag, opened = self._stack.pop()
            self._open[open_tag] -= 1
            if opened == "word":
                self._close_word()
            elif opened in ("line", "page"):
                self._close_line()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._word.append(data)

    def _close_word(self) -> None:
        if self._word is None:
            return
        confidence = _WCONF.search(self._word_title)
        self._words.append(("".join(self._word), _bbox(self._word_title),
                            min(max(float(confidence.group(1)) / 100, 0.0), 1.0)
                            if confidence else None))
        self._word = None

    def _close_line(self) -> None:
        self._close_word()
        if self._words and self.pages:
            line = line_from_words(self._words, self._line_box)
            if line is not None:
                self.pages[-1].lines.append(line)
        self._words, self._line_box = [], None

    def close(self) -> None:
        super().close()
        while self._stack:
            self.handle_endtag(self._stack[-1][0])


def hocr_pages(data: bytes, path: str) -> list[ScanPage]:
    """An hOCR file's pages (also what markaudit's own OCR gets from Tesseract), or InputError
    when it has none or declares entities."""
    return _read(data, path)[0]


def _read(data: bytes, path: str) -> tuple[list[ScanPage], str]:
    text, encoding = decode(data, path)
    reader = _Reader()
    reader.feed(text)
    reader.close()
    if reader.entities:
        raise InputError(path, "hOCR declares XML entities (<!ENTITY>), refused as unsafe")
    if not reader.pages:
        raise InputError(path, "hOCR without pages (no element of class ocr_page)")
    return reader.pages, encoding


def read_hocr(data: bytes, path: str) -> Document:
    """An hOCR file's pages, or InputError when it has none or declares entities."""
    pages, encoding = _read(data, path)
    return document_from_pages(pages, path, encoding)

