"""PDF: the text layer of each page (born-digital, or OCR'd by ABBYY, OCRmyPDF, Tesseract).

One Document page per PDF page, its text in pypdf's reading order (`extract_text`; its layout
mode pads words with runs of spaces to their printed columns, which breaks phrases apart, so the
plain mode is used). Where each line stands comes from the text operators pypdf reports as it
extracts: the line's top and bottom from its baseline and font size, its left edge from where
its text starts. Its right edge is the page's: pypdf tells where a run of text starts, not
where it ends. Sizes are in points, from the top-left corner of the page. PDF text layers carry
no OCR confidence.

A page with images but no text was scanned and never OCR'd. With OCR on (`--ocr auto`, the
default where Tesseract is installed) it is rendered with pypdfium2 and read by Tesseract
(`markaudit.read.ocr`); `--ocr always` reads every page so, its text layer set aside. Without
OCR it is kept, marked `needs_ocr`, and reported as such rather than as a page without
markings; a PDF with no text at all is then not audited. pypdf is an optional dependency
(`pip install 'markaudit[pdf]'`).

A PDF can cost far more to read than its size says: a few bytes per page make a 3 MB file of
20,000 pages, and pages may all draw one large content stream (100 pages of one 16 KB stream
took 10 s). So a PDF of more than MAX_PDF_PAGES pages is refused before any page is read, and
pages that draw the same content streams with the same resources on the same page box are read
once: a stream drawn again costs nothing. What is still slow stops at --timeout (see deadline).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markaudit.core.errors import InputError
from markaudit.core.limits import MAX_PDF_PAGES
from markaudit.core.model import Document
from markaudit.read.ocr import ocr_pages, unavailable
from markaudit.read.scan import ScanLine, ScanPage, document_from_pages

if TYPE_CHECKING:
    from markaudit.read.ocr import OcrOptions

MISSING_EXTRA = "PDF input needs the pdf extra: pip install 'markaudit[pdf]'"
NEEDS_OCR = "no text layer: needs OCR"


def read_pdf(data: bytes, path: str, ocr: OcrOptions | None = None) -> Document:
    """A PDF's pages, or InputError (pypdf missing, damaged, encrypted, no text layer)."""
    try:
        import pypdf
    except ImportError:
        raise InputError(path, MISSING_EXTRA) from None
    # pypdf logs every repair it makes to a damaged file; the report says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "encrypted PDF (a password is needed)")
        # The count the file declares first: listing 20,000 pages takes pypdf 12 s. A file that
        # declares fewer than it has is caught by the real count, or by --timeout.
        _refuse_if_too_many(_declared_pages(reader), path)
        _refuse_if_too_many(len(reader.pages), path)
        pages = _pages(reader.pages)
    except InputError:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a damaged file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(path, f"damaged PDF ({reason})") from None
    if not pages:
        raise InputError(path, "a PDF without pages, nothing to audit")
    fresh = 0
    if ocr is not None and ocr.active:
        fresh = _ocr(data, path, pages, ocr)
    if not any(page.lines for page in pages):
        if any(page.needs_ocr for page in pages):
            if ocr is not None and not ocr.active:
                raise unavailable(path, ocr, "no text layer")
            raise InputError(path, NEEDS_OCR)
        raise InputError(path, "no text in the PDF, nothing to audit")
    return replace(document_from_pages(pages, path, "pdf"), ocr_pages=fresh)


def _ocr(data: bytes, path: str, pages: list[ScanPage], ocr: OcrOptions) -> int:
    """Read by OCR the pages that need it (every page with --ocr always), in place; how many
    Tesseract read (the others came from the cache)."""
    from markaudit.read.hocr import hocr_pages
    from markaudit.read.images import pdf_pages

    numbers = [n for n, page in enumerate(pages, start=1)
               if page.needs_ocr or ocr.mode == "always"]
    name = Path(path).name
    rendered = zip(pdf_pages(data, path, numbers, ocr.dpi),
                   (f"{name}#page={n}" for n in numbers), strict=False)
    fresh = 0
    for number, (page, ran) in zip(numbers, ocr_pages(rendered, ocr, path, hocr_pages),
                                   strict=True):
        pages[number - 1] = page
        fresh += ran
    return fresh


def _refuse_if_too_many(pages: int, path: str) -> None:
    if pages > MAX_PDF_PAGES:
        raise InputError(path, f"a PDF of {pages:,} pages, more than the {MAX_PDF_PAGES:,} "
                         "markaudit reads; split it to audit it")


def _declared_pages(reader: Any) -> int:
    """The page count the PDF's page tree states (0 when it states none)."""
    try:
        return int(reader.trailer["/Root"]["/Pages"].get("/Count", 0))
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0  # reading the pages says what is wrong


def _pages(pages: Any) -> list[ScanPage]:
    """Every page's text, each distinct drawing read once."""
    read: dict[str, ScanPage] = {}
    result = []
    for page in pages:
        key = _drawing(page)
        if key not in read:
            read[key] = _page(page)
        known = read[key]
        result.append(replace(known, lines=list(known.lines)))
    return result


def _drawing(page: Any) -> str:
    """What a page's text depends on: its content streams (by object number, which pages
    share), its resources (fonts) and its box. Equal for pages that draw the same thing."""
    return repr((page.raw_get("/Contents") if "/Contents" in page else None,
                 page.raw_get("/Resources") if "/Resources" in page else None,
                 list(page.mediabox), page.get("/Rotate")))


def _page(page: Any) -> ScanPage:
    box = page.mediabox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    # (start, end, x, top, bottom) of each run of text, offsets into the extracted text
    runs: list[tuple[int, int, float, float, float]] = []
    pieces: list[str] = []
    offset = 0

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        nonlocal offset
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4] - left
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - bottom
            scale = abs(tm[3] * cm[3]) or 1.0
            top_edge = height - y - size * scale
            runs.append((offset, offset + len(text), x, top_edge, height - y))
        pieces.append(text)
        offset += len(text)

    text = page.extract_text(visitor_text=visit)
    if "".join(pieces) != text:
        # The visitor sees every piece of the text in order; should a pypdf version add text
        # it does not show the visitor, the lines keep their text and lose their position.
        runs = []
    result = ScanPage(width=width, height=height)
    start = 0
    for raw in text.split("\n"):
        end = start + len(raw)
        line = " ".join(raw.split())
        if line:
            near = [r for r in runs if r[0] < end and start < r[1]]
            line_box = None
            if near:
                line_box = (round(max(min(r[2] for r in near), 0.0), 2),
                            round(min(r[3] for r in near), 2), round(width, 2),
                            round(max(r[4] for r in near), 2))
            result.lines.append(ScanLine(line, line_box))
        start = end + 1
    if not result.lines:
        result.needs_ocr = _has_images(page)
    return result


def _has_images(page: Any) -> bool:
    """True when a page draws an image: a scan, when the page has no text."""
    try:
        return bool(page.images)
    except Exception:  # an image pypdf cannot decode is still an image
        return True
