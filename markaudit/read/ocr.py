"""OCR of page images with Tesseract: an image in, its page's lines, boxes and word confidences out.

Tesseract is run as a program (`tesseract - - hocr`), the page image on its standard input, and
its hOCR output is read by the hOCR reader (`markaudit.read.hocr`): boxes and word confidences
come with no parsing of our own. Tesseract is installed from the system's packages; markaudit
only finds it on PATH (or at MARKAUDIT_TESSERACT).

OCR is the expensive step (about a second a page), so each page's hOCR is cached by the image's
content (its pixels, the language and the engine's version) in `ocr/` of the audit cache: a page
seen before, in this file or another, is never read twice. Each Tesseract runs on one thread
(OMP_THREAD_LIMIT=1): the batch's workers, or the threads of `ocr_pages`, use the cores.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.core.errors import InputError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from PIL.Image import Image

    from markaudit.read.scan import ScanPage

MODES = ("auto", "always", "never")
DEFAULT_DPI = 300
MISSING_EXTRA = "OCR needs the ocr extra: pip install 'markaudit[ocr]'"
PAGE_TIMEOUT = 300  # seconds Tesseract may take on one page before the page is given up


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """How pages without text are read. `engine` is Tesseract's version, None when it is not
    installed: then nothing is OCR'd and documents that need it are reported as not audited."""

    mode: str = "auto"  # auto: pages without text; always: every page; never: none
    lang: str = "eng"
    dpi: int = DEFAULT_DPI  # resolution PDF pages are rendered at
    engine: str | None = None
    cache_dir: str | None = None  # the audit cache's folder; None: no cache
    threads: int = 1  # Tesseracts run at once on one document's pages

    @property
    def active(self) -> bool:
        return self.mode != "never" and self.engine is not None

    @property
    def key(self) -> str:
        """What the audit cache's key must hold: a report depends on how pages were read."""
        return f"ocr={self.mode}/{self.lang}/{self.dpi}/{self.engine}"


def tesseract_path() -> str | None:
    return os.environ.get("MARKAUDIT_TESSERACT") or shutil.which("tesseract")


@lru_cache(maxsize=1)
def tesseract_version() -> str | None:
    """'tesseract 5.3.0', or None when it is not installed (or does not run)."""
    program = tesseract_path()
    if program is None:
        return None
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].strip() if done.returncode == 0 and first else None


def tesseract_languages() -> set[str]:
    """The languages Tesseract has installed (`tesseract --list-langs`)."""
    program = tesseract_path()
    if program is None:
        return set()
    try:
        done = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    # The first line is a heading ("List of available languages in ... (3):").
    return {line.strip() for line in done.stdout.splitlines()[1:] if line.strip()}


def install_hint(platform: str = sys.platform) -> str:
    """The command that installs Tesseract here."""
    if platform == "darwin":
        return "brew install tesseract"
    if platform.startswith("win"):
        return "install it from https://github.com/UB-Mannheim/tesseract/wiki and add it to PATH"
    if shutil.which("dnf"):
        return "sudo dnf install tesseract"
    return "sudo apt-get install tesseract-ocr"


NOT_INSTALLED = "needs OCR, and Tesseract is not installed"


def no_tesseract_reason() -> str:
    return f"{NOT_INSTALLED} ({install_hint()})"


def unavailable(path: str, options: OcrOptions | None, what: str) -> InputError:
    """Why `what` (an image, a PDF without text) cannot be read without OCR."""
    if options is not None and options.mode == "never":
        return InputError(path, f"{what}: needs OCR (--ocr never)")
    return InputError(path, f"{what}: {no_tesseract_reason()}")


def image_key(image: Image, lang: str, engine: str) -> str:
    """The cache key of a page image: its pixels, not its file's bytes (the same scan saved
    twice, or re-rendered, is the same page)."""
    digest = hashlib.sha256(f"{engine}\0{lang}\0{image.mode}\0{image.size}\0".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


_CACHE_KIND = "ocr-page"


def _cached(options: OcrOptions, key: str) -> Path | None:
    if options.cache_dir is None:
        return None
    return Path(options.cache_dir) / "ocr" / key[:2] / f"{key}.json"


def hocr_of(image: Image, options: OcrOptions, path: str) -> tuple[bytes, bool]:
    """Tesseract's hOCR of one page image, and whether Tesseract ran (False: from the cache)."""
    assert options.engine is not None
    key = image_key(image, options.lang, options.engine)
    entry = _cached(options, key)
    if entry is not None and options.cache_dir is not None:
        # Sealed and checked as every cache file is (markaudit/core/cachefile.py): a damaged or
        # planted page is a miss, OCR'd again.
        from markaudit.core import cachefile
        kept = cachefile.read(Path(options.cache_dir), entry, _CACHE_KIND)
        if isinstance(kept, str):
            return kept.encode("utf-8"), False
    hocr = _tesseract(image, options, path)
    if entry is not None and options.cache_dir is not None:
        from markaudit.core import cachefile
        cachefile.write(Path(options.cache_dir), entry, _CACHE_KIND,
                        hocr.decode("utf-8", "replace"))
    return hocr, True


def _tesseract(image: Image, options: OcrOptions, path: str) -> bytes:
    from io import BytesIO

    program = tesseract_path()
    if program is None:
        raise InputError(path, no_tesseract_reason())
    buffer = BytesIO()
    # PNG at the lowest compression: encoding costs little next to the OCR itself.
    image.save(buffer, format="PNG", compress_level=1, dpi=(options.dpi, options.dpi))
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [program, "-", "-", "-l", options.lang, "--dpi", str(options.dpi), "hocr"],
            input=buffer.getvalue(), capture_output=True, timeout=PAGE_TIMEOUT,
            env=environment, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(path, f"Tesseract took more than {PAGE_TIMEOUT} s on a page") from None
    except OSError as error:
        raise InputError(path, f"Tesseract did not run: {error.strerror or error}") from None
    if done.returncode != 0 or b"ocr_page" not in done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = next((m for m in message if "rror" in m), message[-1] if message else "")
        raise InputError(path, f"Tesseract failed ({reason or f'exit {done.returncode}'})")
    return done.stdout


def ocr_pages(images: Iterable[tuple[Image, str]], options: OcrOptions, path: str,
              read: Callable[[bytes, str], list[ScanPage]]) -> Iterator[tuple[ScanPage, bool]]:
    """Each (image, name) OCR'd into a ScanPage named `name`, in order, with whether Tesseract
    ran on it. Up to `options.threads` pages are read at once: Tesseract is a process of its
    own, so threads suffice; images are drawn from `images` only as threads free up, so a long
    PDF is never held rendered whole in memory."""

    def one(image: Image, name: str) -> tuple[ScanPage, bool]:
        hocr, fresh = hocr_of(image, options, path)
        pages = read(hocr, path)
        page = pages[0]
        page.image = name
        return page, fresh

    if options.threads <= 1:
        for image, name in images:
            yield one(image, name)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(options.threads) as pool:
        waiting: deque[Future[tuple[ScanPage, bool]]] = deque()
        for image, name in images:
            waiting.append(pool.submit(one, image, name))
            if len(waiting) >= options.threads * 2:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
