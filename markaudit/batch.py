"""Auditing many files: in worker processes, through the cache, results in a stable order.

Results come back in the order the files were collected, whatever the number of workers
(`Pool.imap` keeps order), so that two runs of the same batch give the same report. Workers
ignore Ctrl-C: the main process alone stops the run, reports what was audited as partial and
writes its report files whole.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from markaudit import __version__
from markaudit.audit import audit_document
from markaudit.cache import Cache
from markaudit.collect import STDIN, Source
from markaudit.engine.rules import RuleSet, load_rules
from markaudit.errors import InputError
from markaudit.model import DocumentReport
from markaudit.read import document_from_bytes, read_bytes

STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to audit a file as the main process would."""

    rule_paths: tuple[str, ...]
    split_parts: bool = True
    cache_dir: str | None = None  # None: no cache


@dataclass(frozen=True, slots=True)
class Result:
    source: Source
    report: DocumentReport
    cached: bool = False


# Set in the main process before workers fork (they inherit it, parsed once), or by
# `_start_worker` where processes are spawned.
_rules: RuleSet | None = None
_settings: Settings | None = None
_cache: Cache | None = None


def _prepare(rules: RuleSet, settings: Settings) -> None:
    global _rules, _settings, _cache
    _rules, _settings = rules, settings
    _cache = None
    if settings.cache_dir is not None:
        salt = f"{__version__}\0{rules.digest}\0split={settings.split_parts}"
        _cache = Cache(settings.cache_dir, salt)


def _start_worker(settings: Settings) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _rules is None or _settings != settings:
        _prepare(load_rules([Path(p) for p in settings.rule_paths]), settings)


def _audit(task: tuple[Source, bytes | None]) -> Result:
    source, data = task
    assert _rules is not None and _settings is not None
    name = STDIN_NAME if source.path == STDIN else source.path
    try:
        content = data if data is not None else read_bytes(source.path)
        key = _cache.key(content) if _cache is not None else ""
        if _cache is not None and (stored := _cache.load(key, name)) is not None:
            return Result(source, stored, cached=True)
        document = document_from_bytes(content, name)
    except InputError as error:
        return Result(source, DocumentReport(path=name, errors=(error.reason,)))
    report = audit_document(document, _rules, _settings.split_parts)
    if _cache is not None:
        _cache.store(key, report)
    return Result(source, report)


def audit_sources(sources: Sequence[Source], rules: RuleSet, settings: Settings,
                  jobs: int = 1) -> Iterator[Result]:
    """Audit every source, yielding results in the order of `sources`.

    Standard input is read here, in the main process, before any worker starts.
    """
    tasks = [(s, sys.stdin.buffer.read() if s.path == STDIN else None) for s in sources]
    _prepare(rules, settings)
    workers = min(jobs, len(tasks))
    if workers <= 1:
        # One file (the pre-commit case) or --jobs 1: a pool would cost more than it saves.
        yield from map(_audit, tasks)
        return
    with _pool(workers, settings) as pool:
        # Small chunks keep the order cheap to restore and the progress bar moving.
        yield from pool.imap(_audit, tasks, chunksize=max(1, min(16, len(tasks) // (workers * 8))))


def _pool(workers: int, settings: Settings) -> multiprocessing.pool.Pool:
    # fork shares the parsed rule pack with the workers at no cost; where fork is not
    # available (Windows, macOS by default) each worker parses the pack once at start.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    return context.Pool(workers, initializer=_start_worker, initargs=(settings,))


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1
