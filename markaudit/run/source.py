"""One source audited: its bytes (given, read from a path, or from a URL) under the run's limits,
through the cache, then read into a document and taken through the stages (run/audit.py).

Every way of auditing a file goes through `audit_source`: the worker processes and the Dask
workers of a batch, `--fix` re-auditing the files it corrected, `rules test` and the Python API
(`audit_paths`). So a size limit, a URL, a time limit or an unreadable file is handled the same
whichever way a document comes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.core import builtin
from markaudit.core.deadline import ReadTimeout, time_limit
from markaudit.core.errors import InputError
from markaudit.core.limits import DOCUMENT_TIMEOUT, MAX_DOCUMENT_LINES, MAX_DOCUMENT_MB
from markaudit.core.model import Document, DocumentReport, Report
from markaudit.core.page_layout import DEFAULT_LAYOUT, PageLayout
from markaudit.core.version import __version__
from markaudit.engine.rules import RuleSet
from markaudit.read import document_from_bytes, read_bytes
from markaudit.read.formats import input_format
from markaudit.read.signatures import image_format
from markaudit.read.text import too_large
from markaudit.run.audit import audit_document, ruleset_of
from markaudit.run.cache import Cache
from markaudit.run.sources import Source

if TYPE_CHECKING:
    from markaudit.read.ocr import OcrOptions

MAX_DOCUMENT_BYTES = round(MAX_DOCUMENT_MB * 1_000_000)
# A report stopped by a time limit depends on the machine's speed and load: it is not cached, so
# that the next run searches the document again.
TIME_LIMITED = frozenset(limit.id for limit in (
    builtin.RULE_TIMEOUT, builtin.PAGE_TIMEOUT, builtin.DOCUMENT_TIMEOUT))


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to audit a file as the main process would."""

    split_parts: bool = True
    cache_dir: str | None = None  # None: no cache
    time_limit: float | None = DOCUMENT_TIMEOUT  # seconds per document; None: no limit
    max_bytes: int | None = MAX_DOCUMENT_BYTES  # larger files are not read; None: no limit
    max_lines: int | None = MAX_DOCUMENT_LINES  # text files of more lines are not read
    ocr: OcrOptions | None = None  # how pages without text are read; None: they are not
    # Send each document as read back with its report, for a format that shows the text (the
    # HTML report): it never reads a file again, which standard input and URLs cannot give twice.
    keep_documents: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    source: Source
    report: DocumentReport
    cached: bool = False
    ocr_pages: int = 0  # pages Tesseract read (not from the cache), for the progress bar
    document: Document | None = None  # as read, when the settings keep documents


def audit_source(source: Source, data: bytes | None, rules: RuleSet, settings: Settings,
              cache: Cache | None, location: str | None = None) -> Result:
    """Audit one source: a pure function of its bytes, the rule pack and the settings.

    Every engine runs this, and so do --fix, `rules test` and `audit_paths`. `data` is the
    document's bytes when they were read already (standard input); otherwise they are read from
    `location` (default: the source's path, a local path or a URL). The report names the
    source's path as the user gave it.
    """
    known = look_up(source, data, settings, cache, location, rules.layout)
    if isinstance(known, Result):
        return known
    content, key = known
    try:
        document = _document(content, source.name, settings, rules.layout)
        report = audit_document(document, rules, settings.split_parts, settings.time_limit)
    except InputError as error:
        return Result(source, DocumentReport.unreadable(source.name, error.reason))
    except ReadTimeout:
        return Result(source, DocumentReport.unreadable(source.name, (
            f"reading it took more than {settings.time_limit:g} s (see --timeout), not "
            "audited")))
    except MemoryError:
        # The memory this file took is free again once its objects are gone: the run goes on.
        return Result(source, DocumentReport.unreadable(
            source.name, "out of memory reading or searching it, not audited"))
    if cache is not None and not any(f.rule in TIME_LIMITED for f in report.findings):
        cache.store(key, report)
    return Result(source, report, ocr_pages=document.ocr_pages,
                  document=document if settings.keep_documents else None)


def _document(content: bytes, name: str, settings: Settings, layout: PageLayout) -> Document:
    """The document in `content`, read under the time limit, its pages split with the rule
    pack's `layout`.

    Parsing is under the time limit too: a file built to be slow to parse (thousands of unclosed
    tags, pages sharing one content stream) costs its limit, then is listed. OCR is not: a long
    scan takes Tesseract seconds a page, however well formed.
    """
    scan = settings.ocr is not None and settings.ocr.active and (
        content.startswith(b"%PDF-") or image_format(content[:8]) is not None)
    with time_limit(None if scan else settings.time_limit):
        return document_from_bytes(content, name, settings.ocr, layout)


def _document_again(content: bytes, name: str, settings: Settings,
                    layout: PageLayout) -> Document | None:
    """The document of a cached report, read again from the same bytes for a format that shows
    the text (scans from the OCR cache); None when not asked for, or when it cannot be read."""
    if not settings.keep_documents:
        return None
    try:
        return _document(content, name, settings, layout)
    except (InputError, ReadTimeout, MemoryError):
        return None


def look_up(source: Source, data: bytes | None, settings: Settings, cache: Cache | None,
            location: str | None = None, layout: PageLayout = DEFAULT_LAYOUT
            ) -> Result | tuple[bytes, str]:
    """What is known of a source without auditing it: its cached report, or the reason it
    cannot be read; otherwise its bytes and their cache key. `layout` is the rule pack's, for
    the document read again beside a cached report."""
    name = source.name
    if source.refused is not None:  # listed by the walk, never to be read
        return Result(source, DocumentReport.unreadable(name, source.refused))
    where = location or source.path
    limit = settings.max_bytes
    try:
        if data is None and limit is not None:
            _refuse_if_too_large(name, _size(where), limit)  # before reading any of it
        content = data if data is not None else _read(where, name, limit)
        if limit is not None:
            _refuse_if_too_large(name, len(content), limit)  # standard input, or a URL
        if settings.max_lines is not None:
            _refuse_if_too_many_lines(name, content, settings.max_lines)
    except InputError as error:
        return Result(source, DocumentReport.unreadable(name, error.reason))
    key = _key(cache, content, settings) if cache is not None else ""
    if cache is not None and (stored := cache.load(key, name)) is not None:
        return Result(source, stored, cached=True,
                      document=_document_again(content, name, settings, layout))
    return content, key


def _key(cache: Cache, content: bytes, settings: Settings) -> str:
    """The cache key of a document. How pages are OCR'd (mode, language, resolution, engine)
    makes the report of a scan what it is: it is part of the key of an image's or a PDF's."""
    if settings.ocr is not None and (content.startswith(b"%PDF-") or image_format(content[:8])):
        return cache.key(content + b"\0" + settings.ocr.key.encode())
    return cache.key(content)


def _read(where: str, name: str, limit: int | None) -> bytes:
    if "://" in where:
        from markaudit.run.storage import is_url
        from markaudit.run.storage import read_bytes as read_url

        if is_url(where):
            return read_url(where)
    try:
        return read_bytes(where, limit)
    except InputError as error:  # read from an absolute path: report the name as given
        raise InputError(name, error.reason) from None


def _size(path: str) -> int:
    if "://" in path:
        from markaudit.run.storage import is_url, size

        if is_url(path):
            return size(path)
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reading it will say what is wrong, in the reader's words


def _refuse_if_too_large(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise InputError(name, too_large(size, limit))


def _refuse_if_too_many_lines(name: str, content: bytes, limit: int) -> None:
    """Refuse a text of more than `limit` lines before it is split into them (a few ms for 32
    MB); in the markup of ALTO, hOCR and PDF, line breaks are not the document's lines."""
    lines = content.count(b"\n") + content.count(b"\r") - content.count(b"\r\n")
    if lines > limit and input_format(content, name) == "text":
        raise InputError(name, f"too many lines to audit ({lines:,}; the limit is {limit:,} "
                               "with --max-size, 0 lifts both)")


# The Python API's and the tests' default: the size limits of a run, but no time limit, so that a
# slow machine gives the same report as a fast one.
UNTIMED = Settings(time_limit=None)


def audit_file(path: str | Path, rules: RuleSet, settings: Settings = UNTIMED) -> DocumentReport:
    """Audit one file (a path or a URL) as a run does; an unreadable file gives a report holding
    its error."""
    return audit_source(Source(str(path)), None, rules, settings, cache=None).report


def audit_paths(paths: Iterable[str | Path], rules: RuleSet | Iterable[str | Path] | None = None,
                *, default_rules: bool = True, split_parts: bool = True) -> Report:
    """Audit files with the shipped pack plus `rules`; unreadable files carry their error."""
    ruleset = ruleset_of(rules, default_rules)
    settings = Settings(split_parts=split_parts, time_limit=None)
    return Report(documents=tuple(audit_file(p, ruleset, settings) for p in paths),
                  version=__version__)
