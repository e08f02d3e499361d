"""Plain-text documents (`.txt`, `.md`): decoding, pages and zones."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from markaudit.core.errors import InputError
from markaudit.core.model import Document, Line, Page
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout
from markaudit.read.pages import split_pages, zones

_SNIFF_BYTES = 8192
_CONTROL = set(range(0x00, 0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
_CONTROL_BYTES = bytes(sorted(_CONTROL))
_CONTROL_CHARS = {code: None for code in _CONTROL}  # str.translate deletes them
# An image holds no text to audit: say how to get its text.
_NEEDS_OCR = ("; it needs OCR first: `tesseract SCAN.png SCAN` writes SCAN.txt to audit, "
              "`tesseract SCAN.png SCAN hocr` SCAN.hocr with where each word stands")
# How common binary files begin: one renamed .txt is named for what it is, not audited as text.
_SIGNATURES = (
    (b"%PDF-", "a PDF file; name it .pdf to read its text layer"),
    (b"\x89PNG\r\n\x1a\n", f"a PNG image{_NEEDS_OCR}"),
    (b"\xff\xd8\xff", f"a JPEG image{_NEEDS_OCR}"),
    (b"GIF87a", f"a GIF image{_NEEDS_OCR}"),
    (b"GIF89a", f"a GIF image{_NEEDS_OCR}"),
    (b"II*\x00", f"a TIFF image{_NEEDS_OCR}"),
    (b"MM\x00*", f"a TIFF image{_NEEDS_OCR}"),
    (b"PK\x03\x04", "a ZIP archive or Word file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Excel file"),
)


def decode(data: bytes, path: str) -> tuple[str, str]:
    """The text of a file and the encoding it was read with.

    UTF-8 first (a BOM is dropped), UTF-16 when a BOM says so or, without one, when NUL bytes
    fall on every other byte as they do in UTF-16 text of Latin letters; then cp1252 (the usual
    encoding of Windows-made transcriptions) and latin-1, which decodes any byte. Binary content
    is refused.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(path, f"binary content ({kind})")
    if (utf16 := _utf16_without_bom(data[:_SNIFF_BYTES])) is not None:
        # Read as single bytes, such text would come out as letters between NULs: decode it as
        # UTF-16, and refuse it rather than guess when it is not valid UTF-16 after all.
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as error:
            raise InputError(path, f"looks like UTF-16 without a byte-order mark, but is not "
                             f"valid {utf16} ({error.reason} at byte {error.start})") from None
        sample = text[:_SNIFF_BYTES]
        if len(sample) - len(sample.translate(_CONTROL_CHARS)) > 0.05 * len(sample):
            raise InputError(path, "binary content (control characters)")
        return text, utf16
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(path, f"binary content (NUL byte at offset {nul})")
    head = data[:_SNIFF_BYTES]
    if head and len(head) - len(head.translate(None, _CONTROL_BYTES)) > 0.05 * len(head):
        raise InputError(path, "binary content (control characters)")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when most code units hold a NUL byte, and always on the same
    side (UTF-16 text of Latin letters); None otherwise."""
    units = len(head) // 2
    if not units:
        return None
    first, second = head[0 : 2 * units : 2].count(0), head[1 : 2 * units : 2].count(0)
    if second >= 0.3 * units and first <= 0.02 * units:
        return "utf-16-le"
    if first >= 0.3 * units and second <= 0.02 * units:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        reason = f"not valid {encoding} ({error.reason} at byte {error.start})"
        raise InputError(path, reason) from None


def read_document(path: str | Path) -> Document:
    """Read a text file into a Document, or raise InputError naming the file and the reason."""
    return document_from_bytes(read_bytes(path), str(path))


# Opened without blocking, so that a named pipe nobody writes to is refused at once instead of
# holding the run; and never as a controlling terminal.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))


def read_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, or InputError with the reason in a user's words.

    A device, named pipe or socket is refused unread: /dev/zero never ends, a pipe may never
    be written to. `limit` bounds the bytes actually read (at most limit + 1), not the size
    the file system states, which is 0 for such files and may change as the file is read.
    """
    name = str(path)
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise unreadable(name, error) from None
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(name, "is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(name, not_regular(mode))
        with open(handle, "rb", closefd=False) as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as error:
        raise unreadable(name, error) from None
    finally:
        os.close(handle)
    if limit is not None and len(data) > limit:
        raise InputError(name, too_large(None, limit))
    return data


def not_regular(mode: int) -> str:
    """Why a file that is not a regular file (an st_mode) is not read."""
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else
            "a character device" if stat.S_ISCHR(mode) else
            "a block device" if stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a file")
    return f"not a regular file ({kind}), not read"


def too_large(size: int | None, limit: int) -> str:
    """Why a file over the size limit is not audited; `size` None when it was not read whole."""
    if size is None:
        return f"too large to audit (more than the limit of {limit / 1e6:g} MB, see --max-size)"
    return (f"too large to audit ({size / 1e6:,.1f} MB; the limit is {limit / 1e6:g} MB, see "
            "--max-size)")


def unreadable(name: str, error: OSError) -> InputError:
    """The InputError for a file (or an object in storage) that could not be read."""
    if isinstance(error, IsADirectoryError):
        return InputError(name, "is a directory")
    if isinstance(error, FileNotFoundError):
        return InputError(name, "no such file")
    if isinstance(error, PermissionError):
        return InputError(name, "permission denied")
    if error.errno == errno.ELOOP:
        return InputError(name, "symlink loop (the link leads back to itself)")
    return InputError(name, error.strerror or str(error))


def document_from_bytes(data: bytes, path: str, layout: PageLayout = DEFAULT_LAYOUT) -> Document:
    """Decode the bytes of a file named `path` into a Document, or raise InputError; `layout`
    holds the words that tell where its pages break (the rule pack's)."""
    text, encoding = decode(data, path)
    if not text.strip():
        raise InputError(path, "empty file, nothing to audit" if not text else
                         "empty file (only blank lines, spaces or form feeds), nothing to audit")
    return document_from_text(text, path=path, encoding=encoding, layout=layout)


def document_from_text(text: str, path: str = "<text>", encoding: str = "utf-8",
                       layout: PageLayout = DEFAULT_LAYOUT) -> Document:
    """Split text into pages (form feeds first, else page numbers, running lines and the
    banner words, foot legends and forms of `layout`)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "" and len(raw_lines) > 1:
        raw_lines.pop()  # the newline that ends the last line does not open another
    if "\f" in text:
        pages = _pages_at_form_feeds(raw_lines)
    else:
        numbered = list(enumerate(raw_lines, start=1))
        starts = split_pages(raw_lines, layout)
        bounds = [*(s for s, _ in starts), len(raw_lines)]
        pages = [
            (numbered[bounds[k] : bounds[k + 1]], how) for k, (_, how) in enumerate(starts)
        ]
    return Document(path=path, pages=tuple(_page(n, lines, how) for n, (lines, how) in
                                           enumerate(pages, start=1)), encoding=encoding)


def _pages_at_form_feeds(raw_lines: list[str]) -> list[tuple[list[tuple[int, str]], str]]:
    """A form feed ends a page; text after it on the same line opens the next page."""
    pages: list[tuple[list[tuple[int, str]], str]] = [([], "start")]
    for number, raw in enumerate(raw_lines, start=1):
        pieces = raw.split("\f")
        if pieces[0] or len(pieces) == 1:
            pages[-1][0].append((number, pieces[0]))
        for piece in pieces[1:]:
            pages.append(([(number, piece)] if piece else [], "form-feed"))
    if len(pages) > 1 and not any(text.strip() for _, text in pages[-1][0]):
        pages.pop()  # a trailing form feed closes the last page rather than opening one
    return pages


def _page(number: int, lines: list[tuple[int, str]], boundary: str) -> Page:
    page_zones = zones([text for _, text in lines])
    return Page(
        number=number,
        lines=tuple(
            Line(text=text, number=line_number, page=number, zone=zone)
            for (line_number, text), zone in zip(lines, page_zones, strict=True)
        ),
        boundary=boundary,
    )
