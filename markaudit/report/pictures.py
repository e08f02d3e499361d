"""The pictures of scanned pages in the HTML report: a downscaled thumbnail of each page, and the
crop of the page where a finding stands, embedded in the page or written beside it.

Thumbnails are grey-scale WebP, THUMBNAIL_WIDTH pixels wide: a typed page at 200 to 300 dpi
comes to about 60 kB, so a report over hundreds of pages stays in tens of megabytes (written
beside the report, the HTML itself stays small and the browser loads each picture as it is
scrolled to). Crops come from the page at its full resolution, so that a stamp can be read.
Boxes are not drawn into the pictures: the report draws them over each thumbnail as SVG, in the
page's own units, so that each keeps its title and its colour.
"""

from __future__ import annotations

import base64
import os
import tempfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.core.model import Box

if TYPE_CHECKING:
    from PIL.Image import Image

MODES = ("embed", "beside", "none")
THUMBNAIL_WIDTH = 800
THUMBNAIL_QUALITY = 35
CROP_MAX_WIDTH = 900
CROP_QUALITY = 55
CROP_MARGIN = 0.015  # of the page's width, around the box


class Pictures:
    """Where pictures go: `embed` as data: URIs, `beside` as files in `folder` (linked
    relative to the report), `none` nowhere."""

    def __init__(self, mode: str = "embed", folder: Path | None = None,
                 link_base: str = "") -> None:
        self.mode = mode
        self.folder = folder
        self.link_base = link_base  # the folder as the report links it: "report-pages/"
        self.written = 0  # bytes of pictures, for the report's size

    @property
    def enabled(self) -> bool:
        return self.mode != "none"

    def source(self, image: Image, name: str, quality: int) -> str:
        """The `src` of `image`: a data: URI, or the file `name` written beside the report."""
        buffer = BytesIO()
        image.save(buffer, format="WEBP", quality=quality, method=4)
        data = buffer.getvalue()
        self.written += len(data)
        if self.mode == "beside" and self.folder is not None:
            _write(self.folder / f"{name}.webp", data)
            return f"{self.link_base}{name}.webp"
        return "data:image/webp;base64," + base64.b64encode(data).decode("ascii")


def _write(path: Path, data: bytes) -> None:
    """Write a picture whole (a temporary file renamed), as the report itself is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def thumbnail(picture: Image) -> Image:
    from PIL import Image as pil

    if picture.width <= THUMBNAIL_WIDTH:
        return picture
    height = max(1, round(picture.height * THUMBNAIL_WIDTH / picture.width))
    return picture.resize((THUMBNAIL_WIDTH, height), pil.Resampling.LANCZOS)


def crop(picture: Image, box: Box, page_size: tuple[float, float]) -> Image:
    """The part of `picture` (the whole page) around `box` (in the page's units, `page_size`),
    with a margin, no wider than CROP_MAX_WIDTH."""
    from PIL import Image as pil

    scale_x, scale_y = picture.width / page_size[0], picture.height / page_size[1]
    margin = CROP_MARGIN * picture.width
    left = max(0, int(box[0] * scale_x - margin))
    top = max(0, int(box[1] * scale_y - margin))
    right = min(picture.width, int(box[2] * scale_x + margin) + 1)
    bottom = min(picture.height, int(box[3] * scale_y + margin) + 1)
    part = picture.crop((left, top, max(right, left + 1), max(bottom, top + 1)))
    if part.width > CROP_MAX_WIDTH:
        height = max(1, round(part.height * CROP_MAX_WIDTH / part.width))
        part = part.resize((CROP_MAX_WIDTH, height), pil.Resampling.LANCZOS)
    return part
