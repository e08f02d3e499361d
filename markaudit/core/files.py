"""Writing a report file atomically: readers see the old file or the whole new one."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import stat
import sys
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

    A temporary carries the pid of the process writing it (`.report.json.<pid>.<random>.tmp`):
    one left by a run that was killed (`kill -9`, a power cut) is removed by the next run that
    writes the same report, once no process of that pid is running.

    The file renamed into place has the mode of the file it replaces, or, when new, the mode any
    program would give it (`new_file_mode`), not the private mode of a temporary file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._temporary: str | None = None
        try:
            existing = _mode(self.path)
            if existing is not None and _is_special(existing):
                handle = os.open(self.path, os.O_WRONLY | os.O_TRUNC)
            else:
                directory = self.path.parent if str(self.path.parent) else Path(".")
                remove_stale_temporaries(directory, self.path.name)
                handle, self._temporary = tempfile.mkstemp(
                    dir=directory, prefix=f".{self.path.name}.{os.getpid()}.", suffix=".tmp")
                set_mode(self._temporary, existing)
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


def remove_stale_temporaries(directory: Path, name: str) -> None:
    """Remove the temporaries of report `name` that a killed run left in `directory`."""
    if sys.platform == "win32":
        return  # no safe way to ask whether a pid runs (os.kill would end it)
    prefix = f".{name}."
    try:
        candidates = [e for e in os.scandir(directory)
                      if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return  # mkstemp will say what is wrong with the folder
    for entry in candidates:
        pid = entry.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


@functools.cache
def new_file_mode() -> int:
    """The mode a program gives a file it creates: 0o666 less the process umask.

    For files written to a temporary first (reports, cache entries): mkstemp makes them 0o600.
    """
    # The umask can be read only by setting it. Set back at once, and read once per process: a
    # file another thread created in between would not be masked, and markaudit makes its files
    # in the main thread (its workers are processes, each with a umask of its own).
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def set_mode(temporary: str, replaced: int | None = None) -> None:
    """Give a temporary file the mode of the file it will replace (`replaced`, an st_mode), or
    when there is none the mode of a new file, before anything is written to it."""
    mode = stat.S_IMODE(replaced) if replaced is not None else new_file_mode()
    # A file system without modes (some network mounts) refuses: the file keeps what it gives.
    with contextlib.suppress(OSError):
        os.chmod(temporary, mode)


def _mode(path: Path) -> int | None:
    """The mode of the file at `path`; None when it is absent (the usual case) or unreachable,
    which mkstemp or the rename will then say."""
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


def _is_special(mode: int) -> bool:
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _naming(error: OSError, path: Path) -> OSError:
    """The same error, naming the report file rather than its temporary."""
    named = type(error)(error.errno, error.strerror or str(error))
    named.filename = str(path)
    return named
