"""A time limit on reading a document: parsing a file built to be slow stops at `--timeout`.

The search for markings keeps its own time, page by page (engine.detect); reading a file
(decoding it, parsing its PDF, ALTO or hOCR, splitting its pages) is one call into a reader,
with no place to look at a clock. A timer signal (SIGALRM) interrupts it from outside instead,
in the process that reads: a worker, or the main process with one job. It raises ReadTimeout, a
BaseException, so that a reader's own `except Exception` (pypdf repairing a damaged file) does
not take it for a parse error and go on.

Where no timer signal can be set (Windows, a thread other than the main one, as in a Dask
worker), reading is not interrupted: the readers are linear in the size of the file, which
--max-size bounds.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadTimeout(BaseException):
    """Reading a document took longer than its time limit."""


def _expired(signum: int, frame: object) -> None:
    raise ReadTimeout()


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ReadTimeout in the block once `seconds` have passed (None: no limit)."""
    if not seconds or not _can_interrupt():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
