"""Auditing many files: in worker processes, through the cache, results in a stable order.

Results come back in the order the files were collected, whatever the number of workers (they
are taken in order from a window of running tasks), so that two runs of the same batch give the
same report. Workers ignore Ctrl-C: the main process alone stops the run (on Ctrl-C or SIGTERM),
reports what was audited as partial and writes its report files whole. A worker that dies costs
one file, not the run; a worker whose run dies ends with it (see markaudit.run.signals). Reading a
file is under the document's time limit, in the process that reads it (see markaudit.core.deadline).
"""

from __future__ import annotations

import os
import stat
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from markaudit.core.deadline import ReadTimeout, time_limit
from markaudit.core.errors import InputError
from markaudit.core.limits import DOCUMENT_TIMEOUT, MAX_DOCUMENT_LINES, MAX_DOCUMENT_MB
from markaudit.core.model import (
    DOCUMENT_TIMEOUT_RULE,
    PAGE_TIMEOUT_RULE,
    TIMEOUT_RULE,
    DocumentReport,
)
from markaudit.core.version import __version__
from markaudit.engine.rules import RuleSet
from markaudit.read import document_from_bytes, read_bytes
from markaudit.read.formats import image_format, input_format
from markaudit.read.text import too_large
from markaudit.run.audit import audit_document
from markaudit.run.cache import Cache
from markaudit.run.collect import STDIN, Source

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from markaudit.read.ocr import OcrOptions
    from markaudit.run.rulepack import RulePack

MAX_DOCUMENT_BYTES = round(MAX_DOCUMENT_MB * 1_000_000)
# A report stopped by a time limit depends on the machine's speed and load: it is not cached, so
# that the next run searches the document again.
TIME_LIMITED = frozenset({TIMEOUT_RULE, PAGE_TIMEOUT_RULE, DOCUMENT_TIMEOUT_RULE})


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to audit a file as the main process would."""

    split_parts: bool = True
    cache_dir: str | None = None  # None: no cache
    time_limit: float | None = DOCUMENT_TIMEOUT  # seconds per document; None: no limit
    max_bytes: int | None = MAX_DOCUMENT_BYTES  # larger files are not read; None: no limit
    max_lines: int | None = MAX_DOCUMENT_LINES  # text files of more lines are not read
    ocr: OcrOptions | None = None  # how pages without text are read; None: they are not


@dataclass(frozen=True, slots=True)
class Result:
    source: Source
    report: DocumentReport
    cached: bool = False
    ocr_pages: int = 0  # pages Tesseract read (not from the cache), for the progress bar


# Set in the main process before workers fork (they inherit it, parsed once), or by
# `_start_worker` where processes are spawned.
_rules: RuleSet | None = None
_settings: Settings | None = None
_cache: Cache | None = None


def cache_for(rules: RuleSet, settings: Settings) -> Cache | None:
    """The cache of this rule pack and these options, shared by every engine; None if off."""
    if settings.cache_dir is None:
        return None
    return Cache(settings.cache_dir, f"{__version__}\0{rules.digest}\0split={settings.split_parts}")


def _prepare(rules: RuleSet, settings: Settings) -> None:
    global _rules, _settings, _cache
    _rules, _settings = rules, settings
    _cache = cache_for(rules, settings)


def _start_worker(settings: Settings, pack: RulePack, parent: int) -> None:
    from markaudit.run.rulepack import load as load_pack
    from markaudit.run.signals import end_with_parent, worker_defaults

    worker_defaults()
    end_with_parent(parent)  # never left orphaned, blocked on a pipe, after a kill -9
    if _rules is None or _rules.digest != pack.digest or _settings != settings:
        _prepare(load_pack(pack), settings)


def _audit(task: tuple[Source, bytes | None]) -> Result:
    source, data = task
    assert _rules is not None and _settings is not None
    return audit_one(source, data, _rules, _settings, _cache)


def audit_one(source: Source, data: bytes | None, rules: RuleSet, settings: Settings,
              cache: Cache | None, location: str | None = None) -> Result:
    """Audit one source: a pure function of its bytes, the rule pack and the settings.

    Every engine runs this. `data` is the document's bytes when they were read already
    (standard input); otherwise they are read from `location` (default: the source's path, a
    local path or a URL). The report names the source's path as the user gave it.
    """
    known = look_up(source, data, settings, cache, location)
    if isinstance(known, Result):
        return known
    content, key = known
    try:
        # Parsing is under the time limit too: a file built to be slow to parse (thousands of
        # unclosed tags, pages sharing one content stream) costs its limit, then is listed.
        # OCR is not: a long scan takes Tesseract seconds a page, however well formed.
        scan = settings.ocr is not None and settings.ocr.active and (
            content.startswith(b"%PDF-") or image_format(content[:8]) is not None)
        with time_limit(None if scan else settings.time_limit):
            document = document_from_bytes(content, source.name, settings.ocr)
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
    return Result(source, report, ocr_pages=document.ocr_pages)


def look_up(source: Source, data: bytes | None, settings: Settings, cache: Cache | None,
            location: str | None = None) -> Result | tuple[bytes, str]:
    """What is known of a source without auditing it: its cached report, or the reason it
    cannot be read; otherwise its bytes and their cache key."""
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
        return Result(source, stored, cached=True)
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


def read_stdin(limit: int | None) -> bytes:
    """Standard input's bytes, at most limit + 1 of them: enough to tell it is too large."""
    return sys.stdin.buffer.read() if limit is None else sys.stdin.buffer.read(limit + 1)


def audit_sources(sources: Sequence[Source], rules: RuleSet, settings: Settings,
                  jobs: int = 1) -> Iterator[Result]:
    """Audit every source, yielding results in the order of `sources`.

    Standard input is read here, in the main process, before any worker starts.
    """
    tasks = [(s, read_stdin(settings.max_bytes) if s.path == STDIN else None) for s in sources]
    workers = min(jobs, len(tasks))
    if settings.ocr is not None and workers >= 1:
        # The cores the workers leave idle OCR one document's pages at once (one long PDF).
        settings = replace(settings, ocr=replace(settings.ocr, threads=max(1, jobs // workers)))
    _prepare(rules, settings)
    if workers <= 1:
        # One file (the pre-commit case) or --jobs 1: workers would cost more than they save.
        yield from map(_audit, tasks)
        return
    from markaudit.run.rulepack import pack_of  # the workers' copy of the pack: only they need it

    yield from _in_workers(tasks, settings, pack_of(rules), workers)


Task = tuple[Source, bytes | None]


def _in_workers(tasks: Sequence[Task], settings: Settings, pack: RulePack,
                workers: int) -> Iterator[Result]:
    """Results in task order from a pool of workers, surviving a worker's death.

    A regular file is looked up in the cache here first: a worker gets only what must be
    audited, and a run that finds everything cached starts no worker at all (measured: a
    warm run of 150 files took 0.24 s with the pool, 0.17 s without). A URL is left to the
    workers, which read it in parallel, and so is a pipe or a device, whose reading may block.

    A bounded window of tasks is in flight, so memory does not grow with the batch. When a
    worker dies (killed, out of memory, a crash in a C extension) every unfinished task is lost
    with the pool: each is then audited again alone in a fresh process, and the one that kills
    its worker a second time is reported as not audited instead of stopping the run.
    """
    from concurrent.futures.process import BrokenProcessPool

    window = workers * 4
    # each task with its result: known already, or to come from a worker
    pending: deque[tuple[Task, Future[Result] | Result]] = deque()
    running = 0  # tasks in `pending` that a worker has
    upcoming = iter(tasks)
    executor: ProcessPoolExecutor | None = None
    try:
        while True:
            while running < window and len(pending) < window * 16 and (
                    task := next(upcoming, None)) is not None:
                known = _known(task, settings)
                if known is not None:
                    pending.append((task, known))
                    continue
                executor = executor or _executor(workers, settings, pack)
                pending.append((task, executor.submit(_audit, task)))
                running += 1
            if not pending:
                break
            task, outcome = pending.popleft()
            if isinstance(outcome, Result):
                yield outcome
                continue
            running -= 1
            try:
                yield outcome.result()
            except BrokenProcessPool:
                assert executor is not None
                _stop(executor)
                yield _alone(task, settings, pack)
                executor = _executor(workers, settings, pack)
                pending = deque((t, o if isinstance(o, Result) else executor.submit(_audit, t))
                                for t, o in pending)
    except BaseException:  # Ctrl-C, or the consumer stopped reading
        if executor is not None:
            _stop(executor)
        raise
    if executor is not None:
        executor.shutdown(wait=True)


def _known(task: Task, settings: Settings) -> Result | None:
    """A local file's result where the main process knows it without a worker: cached, or
    unreadable. Otherwise the worker reads the file again, from the system's page cache:
    cheaper than sending its bytes."""
    source, data = task
    if data is None and source.refused is None and not _regular_file(source.path):
        return None  # a URL, or a pipe or device that may block: read where it can be killed
    known = look_up(source, data, settings, _cache)
    return known if isinstance(known, Result) else None


def _regular_file(path: str) -> bool:
    try:
        return "://" not in path and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _alone(task: Task, settings: Settings, pack: RulePack) -> Result:
    """Audit one task in a process of its own; a crash there is this file's doing."""
    from concurrent.futures.process import BrokenProcessPool

    executor = _executor(1, settings, pack)
    try:
        return executor.submit(_audit, task).result()
    except BrokenProcessPool:
        return died(task[0])
    finally:
        _stop(executor)


def died(source: Source) -> Result:
    """The report of a file whose worker died auditing it, twice: the run goes on without it."""
    return Result(source, DocumentReport.unreadable(
        source.name, "the process auditing this file died (killed, out of memory or crashed)"))


def _executor(workers: int, settings: Settings, pack: RulePack) -> ProcessPoolExecutor:
    # fork shares the parsed rule pack with the workers at no cost; where fork is not
    # available (Windows, macOS by default) each worker parses the pack's texts once at start,
    # as a Dask worker does. Imported here: a run on one file starts no process.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker, initargs=(settings, pack, os.getpid()))


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop at once: after Ctrl-C or a crash, nothing a worker still does is wanted."""
    # A worker stuck on a file (a pipe nobody writes to, a hung network mount) would keep the
    # interpreter from exiting: the executor offers no terminate(), so end its processes here.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1
