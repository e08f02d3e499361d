"""Writing a report file atomically: readers see the old file or the whole new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path`: readers see the old file or the whole new one."""
    target = AtomicFile(path)
    try:
        target.stream.write(text)
    except BaseException:
        target.discard()
        raise
    target.commit()


class AtomicFile:
    """A report file written as it goes, seen by readers only when whole.

    Text goes to a temporary file beside the target; `commit` renames it into place, `discard`
    removes it. An interrupted or failed run never leaves a half-written report.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        directory = self.path.parent if str(self.path.parent) else Path(".")
        handle, self._temporary = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.",
                                                   suffix=".tmp")
        self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")

    def commit(self) -> None:
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self._temporary, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        Path(self._temporary).unlink(missing_ok=True)
