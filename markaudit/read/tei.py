"""TEI XML, the encoding of scholarly editions: the Foreign Relations of the United States
volumes (history.state.gov), presidential papers and other edited collections.

An edition prints no banner: a FRUS document's classification stands in its source note, a
footnote to the heading ("Source: Department of State, Central Files, 783A.00/5-1358. Top
Secret; Niact."). So the text is laid out as the printed volume lays it out: each block of the
body (`head`, `p`, `dateline`, `closer`, list `item`, verse `l`, ...) on a line of its own with
its whitespace collapsed, its footnotes (`note`) taken out of the running text and set at the
foot of the page as "1 Source: ...", and a page ending at each `pb` (page break). The header
(`teiHeader`: titles, publication, revision history) is not the document's text and is skipped.

Parsed with defusedxml: no entity expansion, no external entity or DTD is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from markaudit.core.errors import InputError
from markaudit.core.model import Document
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout
from markaudit.read.alto import parse_xml
from markaudit.read.text import document_from_text

NAMESPACE = "http://www.tei-c.org/ns/1.0"
# Elements whose text makes one line (anything nested in them joins that line).
BLOCKS = {"head", "p", "dateline", "opener", "closer", "salute", "signed", "byline", "ab",
          "item", "l", "label", "trailer", "postscript", "docTitle", "titlePart", "docDate",
          "argument", "epigraph", "cell", "row", "speaker", "stage", "bibl", "q", "quote"}
_SPACE = re.compile(r"\s+")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class _Layout:
    """Pages of lines, the footnotes of each page kept for its foot."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.notes: list[str] = []

    def line(self, text: str) -> None:
        if text:
            self.pages[-1].append(text)

    def note(self, element: Element) -> None:
        text = _flat("".join(_text(element, self)).replace(_PAGE_BREAK, " "))
        if text:
            number = element.get("n")
            self.notes.append(f"{number} {text}" if number else text)

    def page_break(self) -> None:
        self._foot()
        if self.pages[-1]:
            self.pages.append([])

    def _foot(self) -> None:
        if self.notes:
            self.pages[-1].extend(["", *self.notes])
            self.notes = []

    def text(self) -> str:
        self._foot()
        return "\f".join("\n".join(page) for page in self.pages if page) + "\n"


_PAGE_BREAK = "\f"  # what _text yields at a `pb` inside a block


def _text(element: Element, layout: _Layout) -> Iterator[str]:
    """The text of a block in reading order, with _PAGE_BREAK where a page ends inside it;
    its notes go to the page's foot."""
    yield (element.text or "").replace(_PAGE_BREAK, " ")
    for child in element:
        name = _local(child.tag)
        if name == "note":
            layout.note(child)
        elif name == "pb":
            yield _PAGE_BREAK
        else:
            yield from _text(child, layout)
        yield (child.tail or "").replace(_PAGE_BREAK, " ")


def _block(element: Element, layout: _Layout) -> None:
    """A block's lines: one, or one on each page it runs over."""
    pieces: list[str] = []
    for piece in _text(element, layout):
        if piece == _PAGE_BREAK:
            layout.line(_flat("".join(pieces)))
            layout.page_break()
            pieces = []
        else:
            pieces.append(piece)
    layout.line(_flat("".join(pieces)))


def _walk(element: Element, layout: _Layout) -> None:
    for child in element:
        name = _local(child.tag)
        if name == "teiHeader":
            continue
        if name == "pb":
            layout.page_break()
        elif name == "note":
            layout.note(child)
        elif name in BLOCKS:
            _block(child, layout)
        else:
            _walk(child, layout)
            layout.line(_flat(child.tail or ""))


def read_tei(data: bytes, path: str, layout: PageLayout = DEFAULT_LAYOUT) -> Document:
    """A TEI file's text as its printed pages, or InputError when it is malformed or empty;
    where it marks no page break, pages are found with `layout` as in plain text."""
    root = parse_xml(data, path, "TEI")
    if not root.tag.startswith("{" + NAMESPACE + "}"):
        raise InputError(path, f"not TEI (the root element <{_local(root.tag)}> is outside the "
                               f"TEI namespace {NAMESPACE})")
    layout = _Layout()
    _walk(root, layout)
    text = layout.text()
    if not text.strip():
        raise InputError(path, "TEI without text outside its header, nothing to audit")
    return document_from_text(text, path=path, encoding="utf-8", layout=layout)
