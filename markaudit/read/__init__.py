"""Readers: bytes on disk -> Document. A reader knows nothing of rules.

One module per format: `text` (plain text and Markdown), `pdf` (text layers), `tei` (scholarly
editions), `alto` and `hocr` (OCR output with positions and confidence); `formats` picks the
reader a file needs.
"""

from markaudit.read.formats import document_from_bytes, read_document
from markaudit.read.text import document_from_text, read_bytes

__all__ = ["document_from_bytes", "document_from_text", "read_bytes", "read_document"]
