"""Signals: SIGTERM stops a run as Ctrl-C does, and worker processes end with their parent.

A CI runner or a job scheduler stops a run with SIGTERM, and a user with Ctrl-C: both end the
same way, with every report file finished as a partial report, whole (exit 143 and 130, as a
shell reports them). A worker never outlives the run: on Linux the kernel kills it when its
parent dies, even by `kill -9` (prctl PR_SET_PDEATHSIG); everywhere else on POSIX a watchdog
thread notices that its parent changed and ends it, within a second.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

EXIT_TERMINATED = 128 + signal.SIGTERM  # 143
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WATCH_SECONDS = 1.0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would raise KeyboardInterrupt, and handled the same way."""


class Stop:
    """What stopped a run early, if anything did: `terminated` once SIGTERM arrived."""

    terminated = False

    def exit_code(self) -> int:
        """The exit code of a run stopped early: 143 after SIGTERM, 130 after Ctrl-C."""
        return EXIT_TERMINATED if self.terminated else 130


@contextmanager
def sigterm_as_interrupt() -> Iterator[Stop]:
    """Within the block, SIGTERM raises Terminated (a KeyboardInterrupt) in the main thread."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def terminate(signum: int, frame: object) -> None:
        stop.terminated = True
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)


def worker_defaults() -> None:
    """In a worker: Ctrl-C is the parent's to handle, SIGTERM ends the worker at once (the
    parent stops its workers with it), whatever handlers a forked worker inherited."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def end_with_parent(parent: int) -> None:
    """End this worker process when `parent` (the pid of the run) dies, however it dies."""
    if sys.platform == "win32":
        return  # no getppid change to watch; the pool notices its pipes closing instead
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl (another libc): the watchdog below still ends the worker
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="markaudit-parent-watch",
                     daemon=True).start()


def _watch(parent: int) -> None:
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent:  # re-parented: the run is gone, nobody wants the result
            os._exit(1)
