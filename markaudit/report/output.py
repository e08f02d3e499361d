"""Writing a report file atomically: readers see the old file or the whole new one."""

from __future__ import annotations

import contextlib
import io
import os
import stat
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
    removes it. An interrupted or failed run never leaves a half-written report. Every OSError
    names the target, not the temporary file (`report.json: No space left on device`).

    A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
    written directly: renaming a file over it would replace the device or pipe itself.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._temporary: str | None = None
        try:
            if _is_special(self.path):
                handle = os.open(self.path, os.O_WRONLY | os.O_TRUNC)
            else:
                directory = self.path.parent if str(self.path.parent) else Path(".")
                handle, self._temporary = tempfile.mkstemp(
                    dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as error:
            raise _naming(error, self.path) from None
        # A file name that is not valid UTF-8 (bytes from another system) reaches a report as
        # lone surrogates: written as `\udce9`, the report stays UTF-8 and the run goes on.
        self.stream = _ReportStream(io.BufferedWriter(io.FileIO(handle, "w")),
                                    encoding="utf-8", errors="backslashreplace", newline="")
        self.stream.target = self.path

    def commit(self) -> None:
        try:
            self.stream.flush()
            if self._temporary is not None:
                os.fsync(self.stream.fileno())
            self.stream.close()
            if self._temporary is not None:
                os.replace(self._temporary, self.path)
        except OSError as error:
            self.discard()
            raise _naming(error, self.path) from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if not self.stream.closed:
            # Closing flushes; on a full disk that fails again, and the file goes anyway.
            with contextlib.suppress(OSError):
                self.stream.close()
        if self._temporary is not None:
            Path(self._temporary).unlink(missing_ok=True)


class _ReportStream(io.TextIOWrapper):
    """The text stream of a report file: its write errors name the report file."""

    target: Path

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as error:
            raise _naming(error, self.target) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as error:
            raise _naming(error, self.target) from None


def _is_special(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # absent (the usual case) or unreachable: mkstemp will say
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the report file rather than its temporary."""
    named = type(error)(error.errno, error.strerror or str(error))
    named.filename = str(path)
    return named
