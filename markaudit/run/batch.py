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
from dataclasses import replace
from typing import TYPE_CHECKING

from markaudit.core.model import (
    DocumentReport,
)
from markaudit.core.version import __version__
from markaudit.engine.rules import RuleSet
from markaudit.run.cache import Cache
from markaudit.run.source import Result, Settings, audit_source, look_up
from markaudit.run.sources import STDIN, Source

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from markaudit.run.rulepack import RulePack

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
    return audit_source(source, data, _rules, _settings, _cache)


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
    assert _rules is not None  # set by _prepare before any task
    known = look_up(source, data, settings, _cache, layout=_rules.layout)
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
