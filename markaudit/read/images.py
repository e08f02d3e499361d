"""Page images: scans as PNG, JPEG or TIFF files (a multi-page TIFF is one document), and the
pages of a PDF rendered to images, for OCR and for the HTML report's pictures of the page.

Image files are opened with Pillow; PDF pages are rendered with pypdfium2 (PDFium, the engine of
Chromium's PDF viewer), which installs from wheels with no system library. Both come with the
ocr extra (`pip install 'markaudit[ocr]'`). Pages are grey-scale: OCR reads no colour, and
the cache key of a page (its pixels) is then the same whichever way the scan was saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.core.errors import InputError
from markaudit.core.model import Document
from markaudit.read.ocr import MISSING_EXTRA, OcrOptions, ocr_pages, unavailable
from markaudit.read.signatures import image_format

if TYPE_CHECKING:
    from PIL.Image import Image

# A page rendered larger than this (a poster, a misdeclared page size) is scaled down to it:
# 60 million pixels is a 20 x 30 inch sheet at 300 dpi.
MAX_PIXELS = 60_000_000


def _pillow(path: str) -> None:
    try:
        import PIL  # noqa: F401
    except ImportError:
        raise InputError(path, MISSING_EXTRA) from None


def read_image(data: bytes, path: str, options: OcrOptions | None) -> Document:
    """An image file's pages, read by OCR; InputError when OCR is off or not installed."""
    kind = image_format(data) or "image"
    if options is None or not options.active:
        raise unavailable(path, options, f"a {kind} image")
    from dataclasses import replace

    from markaudit.read.hocr import hocr_pages
    from markaudit.read.scan import document_from_pages

    name = Path(path).name
    pages = []
    fresh = 0
    named = ((picture, f"{name}#page={n}") for n, picture in
             enumerate(image_pages(data, path), start=1))
    for page, ran in ocr_pages(named, options, path, hocr_pages):
        pages.append(page)
        fresh += ran
    if len(pages) == 1:
        pages[0].image = name
    return replace(document_from_pages(pages, path, "ocr"), ocr_pages=fresh)


def image_pages(data: bytes, path: str) -> Iterator[Image]:
    """The pages of an image file (the frames of a multi-page TIFF), grey-scale, upright."""
    _pillow(path)
    from PIL import Image as pil
    from PIL import ImageOps, ImageSequence

    try:
        opened = pil.open(BytesIO(data))
        width, height = opened.size
        if width * height > MAX_PIXELS:
            raise InputError(path, f"image too large to read ({width} x {height} pixels)")
        for frame in ImageSequence.Iterator(opened):
            upright = ImageOps.exif_transpose(frame) or frame
            yield upright.convert("L")
    except InputError:
        raise
    except Exception as error:  # Pillow raises many kinds of error on a damaged file
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(path, f"damaged image ({reason})") from None


def pdf_pages(data: bytes, path: str, numbers: list[int], dpi: int) -> Iterator[Image]:
    """The PDF pages `numbers` (1-based) rendered at `dpi`, grey-scale, one at a time."""
    try:
        import pypdfium2
    except ImportError:
        raise InputError(path, MISSING_EXTRA) from None
    _pillow(path)
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as error:
        raise InputError(path, f"damaged PDF ({error})") from None
    try:
        for number in numbers:
            page = document[number - 1]
            try:
                width, height = page.get_size()  # in points
                scale = dpi / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (width * height)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                yield bitmap.to_pil().convert("L")
            except Exception as error:
                raise InputError(path, f"cannot render PDF page {number} ({error})") from None
            finally:
                page.close()
    finally:
        document.close()


def page_picture(path: str, page: int, image: str | None, dpi: int) -> Image | None:
    """The picture of a document's page for the report: the page of an image file or of a PDF,
    or the image an hOCR or ALTO page names (beside the file); None when there is none."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    try:
        if image_format(data) is not None:
            return next(iter(_nth(image_pages(data, path), page)), None)
        if data.startswith(b"%PDF-"):
            return next(pdf_pages(data, path, [page], dpi), None)
        if image:
            # Only an image in the file's folder or below: a name from an untrusted hOCR
            # (`/home/x/private.png`, `../../`) must not put another file into the report.
            folder = Path(path).parent.resolve()
            named = (folder / image.split("#", 1)[0]).resolve()
            if named.is_relative_to(folder) and named.is_file():
                return next(image_pages(named.read_bytes(), str(named)), None)
    except (InputError, IndexError, StopIteration):
        return None
    return None


def _nth(pages: Iterator[Image], number: int) -> list[Image]:
    for index, picture in enumerate(pages, start=1):
        if index == number:
            return [picture]
    return []
