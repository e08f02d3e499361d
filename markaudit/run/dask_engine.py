"""The Dask engine: documents audited on the workers of a dask.distributed cluster.

Each task reads one document (through fsspec for a URL, from the path for a local file) and
runs `source.audit_source`, the function the local engine runs, so a document's report is the same
on either engine. The rule pack travels as the texts of its files (`markaudit.run.rulepack`), sent
to every worker once and parsed once per worker process. Results come back in the order of the
sources from a bounded window of tasks, as in the local engine, so the reports are the same
and memory does not grow with the batch.

The cache: workers read and write it, at the cache folder's absolute path. On a local cluster
that is the local engine's cache (same keys); on a cluster given with `--scheduler` the command
line turns it off unless a cache folder is named, which must then be one every worker reaches.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from markaudit.core.errors import MarkauditError
from markaudit.core.version import __version__
from markaudit.engine.rules import RuleSet
from markaudit.run.batch import cache_for, died, read_stdin
from markaudit.run.rulepack import RulePack, load, pack_of
from markaudit.run.source import Result, Settings, audit_source
from markaudit.run.sources import STDIN, Source

MISSING = "--engine dask needs the dask extra: pip install 'markaudit[dask]'"


def require() -> None:
    """MarkauditError naming the extra when dask.distributed is not installed."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise MarkauditError(MISSING) from None


def worker_version() -> str:
    """Run on every worker: the markaudit it has, which must be the client's."""
    return __version__


def audit_task(pack: RulePack, settings: Settings, source: Source, data: bytes | None,
               location: str | None) -> Result:
    """One document, on a worker."""
    rules = load(pack)
    return audit_source(source, data, rules, settings, cache_for(rules, settings), location)


class DaskEngine:
    """A connection to a cluster (or a local cluster started for the run), as a context.

    Connecting happens on entering, before any report is started, so an unreachable scheduler
    is a one-line error and no half-written report.
    """

    def __init__(self, scheduler: str | None, workers: int) -> None:
        self.scheduler = scheduler
        self.workers = workers
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        require()
        from distributed import Client, LocalCluster

        try:
            if self.scheduler is None:
                # Processes, one thread each: the audit is pure Python and holds the GIL.
                # No dashboard; the scheduler's own HTTP server takes any free port, not
                # 8787, which a notebook's cluster often holds (a warning on the user's
                # terminal otherwise).
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"},
                    silence_logs=logging.ERROR)
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler)
        except (OSError, TimeoutError, ValueError) as error:
            self.__exit__(None, None, None)
            where = self.scheduler or "a local cluster"
            raise MarkauditError(f"cannot reach the Dask scheduler at {where}: "
                                 f"{' '.join(str(error).split())}") from None
        self._check_workers()
        return self

    def _check_workers(self) -> None:
        try:
            versions = self._client.run(worker_version)
        except Exception as error:  # a worker without markaudit cannot even unpickle the call
            self.__exit__(None, None, None)
            raise MarkauditError(f"the Dask workers cannot run markaudit {__version__} "
                                 f"(install it on every worker): {error}") from None
        if not versions:
            self.__exit__(None, None, None)
            raise MarkauditError(f"the Dask cluster at {self.scheduler} has no workers")
        other = sorted({v for v in versions.values() if v != __version__})
        if other:
            self.__exit__(None, None, None)
            raise MarkauditError(f"the Dask workers run markaudit {', '.join(other)}, this "
                                 f"is {__version__}: install the same version everywhere")

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def audit(self, sources: Sequence[Source], rules: RuleSet, settings: Settings
              ) -> Iterator[Result]:
        """Audit every source on the cluster, yielding results in the order of `sources`."""
        from distributed import KilledWorker

        client = self._client
        # Sent once to every worker; tasks refer to it instead of carrying the texts.
        pack = client.scatter(pack_of(rules), broadcast=True, hash=False)
        window = max(len(client.scheduler_info()["workers"]), 1) * 4
        upcoming = iter(sources)
        pending: deque[tuple[Source, Any]] = deque()
        try:
            while True:
                while len(pending) < window and (source := next(upcoming, None)) is not None:
                    data, location = _task_input(source, settings)
                    pending.append((source, client.submit(
                        audit_task, pack, settings, source, data, location, pure=False)))
                if not pending:
                    break
                source, future = pending.popleft()
                try:
                    yield future.result()
                except KilledWorker:  # the scheduler gave up after it killed several workers
                    yield died(source)
        finally:
            for _, future in pending:
                future.cancel()


def _task_input(source: Source, settings: Settings) -> tuple[bytes | None, str | None]:
    """What a worker reads: standard input's bytes (read here), or an absolute path."""
    if source.path == STDIN:
        return read_stdin(settings.max_bytes), None
    if "://" in source.path:
        return None, None
    # Workers may run in another folder; on another machine, the path must be shared.
    return None, os.path.abspath(source.path)
