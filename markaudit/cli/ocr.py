"""How a command reads scans: the `--ocr` options resolved once, with Tesseract looked up.

Tesseract's version is looked up here, once a run, for every worker and for the cache key.
Without Tesseract nothing is OCR'd: documents that need it are listed as not audited, and the
audit says once how to install it.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from markaudit.cli.common import Prepared
    from markaudit.read.ocr import OcrOptions


class OcrMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


# Files that are never OCR'd: a run over them alone does not look for Tesseract (two processes
# started, a tenth of a second that a pre-commit hook on a transcription would pay every time).
_NEVER_SCANS = (".txt", ".md", ".text", ".xml", ".hocr", ".alto", ".html", ".htm")


def _may_need_ocr(path: str) -> bool:
    return not path.lower().endswith(_NEVER_SCANS)


def ocr_options(prepared: Prepared, mode: OcrMode | None = None, lang: str = "eng",
                dpi: int | None = None) -> OcrOptions:
    """The OCR options of a run over `prepared.sources` (default: auto, eng, 300 dpi)."""
    from markaudit.read.ocr import DEFAULT_DPI, OcrOptions, tesseract_languages, tesseract_version

    chosen = mode.value if mode is not None else "auto"
    needed = any(_may_need_ocr(s.path) for s in prepared.sources)
    engine = tesseract_version() if chosen != "never" and needed else None
    if engine is not None:
        installed = tesseract_languages()
        missing = [part for part in lang.split("+") if part not in installed]
        if missing:
            raise typer.BadParameter(
                f"Tesseract has no language '{missing[0]}' installed (it has: "
                f"{', '.join(sorted(installed)) or 'none'}; Debian: apt-get install "
                f"tesseract-ocr-{missing[0].lower()})", param_hint="'--ocr-lang'")
    return OcrOptions(mode=chosen, lang=lang, dpi=dpi or DEFAULT_DPI, engine=engine,
                      cache_dir=prepared.settings.cache_dir)
