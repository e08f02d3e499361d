"""What kind of image a file is, from its first bytes: a module of its own, imported by the format
dispatch (read/formats.py) and the image reader (read/images.py) alike, so that neither imports
the other to know it."""

from __future__ import annotations

IMAGE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "tif", "tiff"})
_IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"),
                     (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))


def image_format(head: bytes) -> str | None:
    """'PNG', 'JPEG' or 'TIFF' from a file's first bytes; None for anything else."""
    return next((name for signature, name in _IMAGE_SIGNATURES if head.startswith(signature)),
                None)
