"""ALTO XML (v2 to v4), the OCR format of libraries and archives (Library of Congress,
Europeana, Tesseract's `alto` output): pages, lines with boxes, words with confidence.

Read: `Page` (WIDTH, HEIGHT), its `TextLine`s in document order (inside `PrintSpace`, margins
and `TextBlock`s alike) and their `String`s (CONTENT, HPOS/VPOS/WIDTH/HEIGHT, WC from 0 to 1);
a `HYP` ends a line with its hyphen. Boxes are in the file's `MeasurementUnit` (pixel, mm10 or
inch1200), as are the page's width and height. The image is `sourceImageInformation/fileName`:
ALTO names one image per file, so it is given to the first page.

Parsed with defusedxml: no entity expansion, no external entity or DTD is ever fetched.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from markaudit.core.errors import InputError
from markaudit.core.model import Box, Document
from markaudit.read.scan import ScanLine, ScanPage, document_from_pages, line_from_words


def _local(tag: str) -> str:
    """The element name without its namespace (ALTO v2, v3 and v4 each have their own)."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(data: bytes, path: str, kind: str) -> Element:
    """The root of an XML document, parsed safely, or InputError naming the problem."""
    try:
        return SafeTree.fromstring(data)
    except DefusedXmlException as error:
        raise InputError(path, f"{kind} declares XML entities or a DTD that could be unsafe "
                               f"({type(error).__name__})") from None
    except ParseError as error:
        raise InputError(path, f"malformed {kind} XML ({error})") from None


def _number(element: Element, name: str) -> float | None:
    try:
        return float(element.get(name, ""))
    except ValueError:
        return None


def _box(element: Element) -> Box | None:
    x, y = _number(element, "HPOS"), _number(element, "VPOS")
    width, height = _number(element, "WIDTH"), _number(element, "HEIGHT")
    if None in (x, y, width, height):
        return None
    return (x, y, x + width, y + height)  # type: ignore[operator]


def _confidence(element: Element) -> float | None:
    value = _number(element, "WC")
    return min(max(value, 0.0), 1.0) if value is not None else None


def _line(text_line: Element) -> ScanLine | None:
    """A TextLine's words (its Strings, a HYP joined to the word before), or None if empty."""
    words: list[tuple[str, Box | None, float | None]] = []
    for part in text_line:
        name = _local(part.tag)
        if name == "String":
            words.append((part.get("CONTENT", ""), _box(part), _confidence(part)))
        elif name == "HYP" and words:
            text, box, confidence = words[-1]
            words[-1] = (text + (part.get("CONTENT") or "-"), box, confidence)
    return line_from_words(words, _box(text_line))


def read_alto(data: bytes, path: str) -> Document:
    """An ALTO file's pages, or InputError when it is malformed or holds no text."""
    root = parse_xml(data, path, "ALTO")
    if _local(root.tag) != "alto":
        raise InputError(path, f"not ALTO (the root element is <{_local(root.tag)}>)")
    image = None
    for element in root.iter():
        if _local(element.tag) == "fileName" and (element.text or "").strip():
            image = (element.text or "").strip()
            break
    pages: list[ScanPage] = []
    # One walk of the tree, in document order, each TextLine going to the Page it is in: a
    # search below each Page would be quadratic in Pages nested in Pages (40,000 of them, as a
    # malformed file may hold, kept a worker for minutes).
    todo: list[tuple[Element, ScanPage | None]] = [(root, None)]
    while todo:
        element, page = todo.pop()
        name = _local(element.tag)
        if name == "Page":
            page = ScanPage(width=_number(element, "WIDTH"), height=_number(element, "HEIGHT"),
                            image=image if not pages else None)
            pages.append(page)
        elif name == "TextLine" and page is not None:
            line = _line(element)
            if line is not None:
                page.lines.append(line)
        todo.extend((child, page) for child in reversed(element))
    if not pages:
        raise InputError(path, "ALTO without a <Page>, nothing to audit")
    return document_from_pages(pages, path, "utf-8")
