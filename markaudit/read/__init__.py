"""Readers: bytes on disk -> Document. A reader knows nothing of rules."""

from markaudit.read.text import (
    document_from_bytes,
    document_from_text,
    read_bytes,
    read_document,
)

__all__ = ["document_from_bytes", "document_from_text", "read_bytes", "read_document"]
