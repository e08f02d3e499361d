"""Which reader a file needs: plain text, a page image, PDF, ALTO, hOCR or TEI, from its name
and its first bytes.

A file is read by its content where that is unambiguous (`%PDF-` opens a PDF, an `<alto>` root
element makes ALTO, an element of class `ocr_page` hOCR, the TEI namespace TEI), so that
standard input and files with unusual names are read right; `.txt` and `.md` files are text
whatever markup they quote. A `.pdf` that does not start like one, or an `.xml` that is neither
ALTO nor TEI, is reported as such rather than audited as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.core.errors import InputError
from markaudit.core.model import Document
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout
from markaudit.read import text as plain
from markaudit.read.signatures import IMAGE_SUFFIXES, image_format

if TYPE_CHECKING:
    from markaudit.read.ocr import OcrOptions

# Page images are read by OCR (markaudit.read.images), imported only when one comes, so that a
# text-only run never loads the image readers.
TEXT_SUFFIXES = {"txt", "md", "text"}
_HEAD = 4096  # bytes looked at to tell a format
_ALTO_ROOT = re.compile(rb"<(?:[\w.-]+:)?alto[\s>/]")
_HOCR_PAGE = re.compile(rb"""class\s*=\s*["'][^"']*\bocr_page\b""")
_TEI_NAMESPACE = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*["']http://www\.tei-c\.org/ns/1\.0["']""")


def is_alto(path: str | Path) -> bool:
    """True if the file opens like ALTO XML (an unreadable file counts as ALTO: the audit then
    reports why it cannot be read). A name ending in `.alto.xml` says so by itself."""
    if str(path).lower().endswith(".alto.xml"):
        return True
    try:
        with open(path, "rb") as stream:
            head = stream.read(_HEAD)
    except OSError:
        return True
    return bool(_ALTO_ROOT.search(head))


def is_xml_document(path: str | Path) -> bool:
    """True if an `.xml` file is one markaudit reads (ALTO or TEI), so that a folder's other
    XML files (configuration, metadata) are left out of an audit."""
    if is_alto(path):
        return True
    try:
        with open(path, "rb") as stream:
            return bool(_TEI_NAMESPACE.search(stream.read(_HEAD)))
    except OSError:
        return True


def input_format(data: bytes, path: str) -> str:
    """'text', 'image', 'pdf', 'alto', 'hocr', 'tei' or 'xml' (an XML file of none of these)."""
    name = Path(path).name.lower()
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix in TEXT_SUFFIXES:
        return "text"  # a PDF named .txt is refused by `text.decode`, saying to rename it
    head = data[:_HEAD]
    if suffix in IMAGE_SUFFIXES or image_format(head):
        return "image"
    if suffix == "pdf" or head.startswith(b"%PDF-"):
        return "pdf"
    if suffix == "hocr":
        return "hocr"
    if suffix == "alto" or name.endswith(".alto.xml") or _ALTO_ROOT.search(head):
        return "alto"
    # hOCR pages may come after a long head (styles, scripts): look further for them.
    if _HOCR_PAGE.search(data[:_HEAD * 16]):
        return "hocr"
    if suffix == "tei" or _TEI_NAMESPACE.search(head):
        return "tei"
    if suffix == "xml":
        return "xml"
    return "text"


def document_from_bytes(data: bytes, path: str, ocr: OcrOptions | None = None,
                        layout: PageLayout = DEFAULT_LAYOUT) -> Document:
    """Read the bytes of a file named `path` with the reader its format needs, or InputError.

    `ocr` says how images and PDF pages without text are read; None: they are not. `layout`
    (the rule pack's) tells where the pages of a text without page breaks end; a scan's pages
    are its own."""
    kind = input_format(data, path)
    if kind == "image":
        from markaudit.read.images import read_image

        return read_image(data, path, ocr)
    if kind == "pdf":
        from markaudit.read.pdf import read_pdf  # each scan reader only when its format comes

        return read_pdf(data, path, ocr)
    if kind == "alto":
        from markaudit.read.alto import read_alto

        return read_alto(data, path)
    if kind == "hocr":
        from markaudit.read.hocr import read_hocr

        return read_hocr(data, path)
    if kind == "tei":
        from markaudit.read.tei import read_tei

        return read_tei(data, path, layout)
    if kind == "xml":
        raise InputError(path, "XML but not ALTO or TEI (no <alto> root element, no TEI "
                               "namespace)")
    return plain.document_from_bytes(data, path, layout)


def read_document(path: str | Path, ocr: OcrOptions | None = None,
                  layout: PageLayout = DEFAULT_LAYOUT) -> Document:
    """Read a file of any supported format into a Document, or raise InputError."""
    return document_from_bytes(plain.read_bytes(path), str(path), ocr, layout)
