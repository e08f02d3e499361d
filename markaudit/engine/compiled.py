"""`regex.compile` with a cache that outlives the process, so a run on one file does not
recompile the rule pack.

`regex` parses a pattern in Python: for the shipped pack that was over a third of a single-file
run (the pre-commit case). It pickles a compiled pattern as the engine's own code, which
`_regex.compile` takes back in microseconds. So the patterns of a rule pack (its rules, and the
word-list finders and prefilter pieces the engine derives from them) and the prefilters the
engine works out from them (`remembered`) are kept in the cache folder
under a key made of the pack's digest, the versions of markaudit, `regex` and Python, and the
text of prefilter.py: change any of them and the file is simply not found.

`open_store` makes one store current for the process, as `regex` keeps its own cache for the
process; `compile_pattern` uses the current store, or plain `regex.compile` when there is none.
Only `_regex.compile` and the prefilter's own classes may be called while a file is read back,
so a planted file fails to load (and is then ignored) but cannot run code. The file is written
atomically, like the report cache.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import regex

from markaudit import __version__

Key = tuple[str, int]  # (pattern, flags)
_PREFILTER_SOURCE = Path(__file__).with_name("prefilter.py")
T = TypeVar("T")
# What a store file may hold: compiled patterns, and the prefilters derived from them.
_ALLOWED = {("_regex", "compile"), ("regex._regex", "compile"),
            *(("markaudit.engine.prefilter", name) for name in ("Prefilter", "Alternative",
                                                                 "Piece"))}


class _OnlyRegex(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a compiled pattern")


class CompiledPatterns:
    """The compiled patterns of one rule pack, read from a cache `folder` and written back."""

    def __init__(self, folder: str | Path | None, digest: str) -> None:
        # The prefilters are the work of prefilter.py: its text is in the key too, so that a
        # changed prefilter (between two releases, in a working copy) is never read back.
        key = hashlib.sha256(
            f"{__version__}\0{regex.__version__}\0{sys.version}\0{digest}\0".encode()
            + _PREFILTER_SOURCE.read_bytes()
        ).hexdigest()[:32]
        self.folder = Path(folder) if folder is not None else None
        self.path = self.folder / "patterns" / f"{key}.pickle" if self.folder else None
        self._known, self._derived = self._read()
        self._read_keys = frozenset(self._known)
        self._added = False

    def compile(self, pattern: str, flags: int = 0) -> regex.Pattern[str]:
        key = (pattern, int(flags))  # no enum in the file: only plain data is read back
        compiled = self._known.get(key)
        if compiled is None:
            compiled = self._known[key] = regex.compile(pattern, flags)
            self._added = True
        return compiled

    def remember(self, kind: str, key: str, make: Callable[[], T]) -> T:
        """What `make` derives from `key` (a pattern's prefilter, say), kept with the patterns."""
        table = self._derived.setdefault(kind, {})
        if key not in table:
            table[key] = make()
            self._added = True
        return table[key]  # type: ignore[no-any-return]

    def known_before(self, pattern: str, flags: int) -> bool:
        """Whether the pattern came from the folder: an earlier run compiled and checked it."""
        return (pattern, int(flags)) in self._read_keys

    def save(self) -> None:
        """Write the patterns if any was compiled in this run; a folder that cannot be written
        only costs the next run its compile time."""
        if self.folder is None or self.path is None or not self._added:
            return
        from markaudit.cache import prepare

        try:
            prepare(self.folder, self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump({"patterns": self._known, "derived": self._derived}, out,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
        self._added = False

    def _read(self) -> tuple[dict[Key, regex.Pattern[str]], dict[str, dict[str, object]]]:
        if self.path is None:
            return {}, {}
        try:
            data = _OnlyRegex(io.BytesIO(self.path.read_bytes())).load()
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
                AttributeError, IndexError, KeyError, regex.error):
            return {}, {}
        known, derived = (data.get("patterns"), data.get("derived")) if isinstance(
            data, dict) else (None, None)
        if not isinstance(known, dict) or not all(
                isinstance(k, tuple) and isinstance(v, regex.Pattern) for k, v in known.items()):
            return {}, {}
        if not isinstance(derived, dict) or not all(isinstance(v, dict) for v in derived.values()):
            return known, {}
        return known, derived


_current: CompiledPatterns | None = None


def open_store(folder: str | Path | None, digest: str) -> CompiledPatterns | None:
    """Make the store of the pack with `digest` in `folder` the current one (None: no store)."""
    global _current
    _current = CompiledPatterns(folder, digest) if folder is not None else None
    return _current


def compile_pattern(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile`, through the current store when there is one."""
    if _current is None:
        return regex.compile(pattern, flags)
    return _current.compile(pattern, flags)


def remembered(kind: str, key: str, make: Callable[[], T]) -> T:
    """What `make` derives from `key`, through the current store when there is one."""
    if _current is None:
        return make()
    return _current.remember(kind, key, make)


def save() -> None:
    """Keep what this run compiled for the next run (after an audit: the engine compiles the
    prefilter pieces and word-list finders it needs as it goes)."""
    if _current is not None:
        _current.save()
