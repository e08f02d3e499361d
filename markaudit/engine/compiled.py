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

A loaded rule pack is kept the same way (`read_pack`, `keep_pack`; engine/rules.py makes the
key), so that a run of an unchanged pack neither parses its YAML nor validates it again. Its
file may call nothing but `_regex.compile`, the classes a RuleSet is made of (whose
constructors only set fields) and the lookup of a field parser by name.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import regex

from markaudit import __version__

Key = tuple[str, int]  # (pattern, flags)
_PREFILTER_SOURCE = Path(__file__).with_name("prefilter.py")
T = TypeVar("T")
_REGEX = frozenset({("_regex", "compile"), ("regex._regex", "compile")})
# What a store file may hold: compiled patterns, and the prefilters derived from them.
_ALLOWED = _REGEX | {("markaudit.engine.prefilter", name)
                     for name in ("Prefilter", "LineFilter", "Alternative", "Piece")}
# What a kept rule pack may hold: compiled patterns, and the classes of a loaded pack.
_PACK_ALLOWED = _REGEX | {("markaudit.engine.vocabulary", "Vocabulary")} | {
    ("markaudit.engine.rules", name) for name in ("RuleSet", "MarkingRule", "CheckRule",
                                                  "NotNear", "FormLists", "_field_spec")}


class _Only(pickle.Unpickler):
    """An unpickler that may call only the functions and classes `allowed` names."""

    def __init__(self, data: bytes, allowed: frozenset[tuple[str, str]]) -> None:
        super().__init__(io.BytesIO(data))
        self.allowed = allowed

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in self.allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} may not be read from the cache")


def _load(data: bytes, allowed: frozenset[tuple[str, str]]) -> object | None:
    """What `data` holds, or None when it cannot be read with only `allowed` called."""
    try:
        return _Only(data, allowed).load()
    except Exception:  # whatever a damaged or planted file raises, it is not used
        return None


def _write(folder: Path, path: Path, data: bytes) -> None:
    """Write `data` atomically; a folder that cannot be written only costs the next run the
    work the file would have saved."""
    from markaudit.cache import write_entry  # here: the cache module imports the model

    write_entry(folder, path, data)


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
        _write(self.folder, self.path, pickle.dumps(
            {"patterns": self._known, "derived": self._derived}, protocol=pickle.HIGHEST_PROTOCOL))
        self._added = False

    def _read(self) -> tuple[dict[Key, regex.Pattern[str]], dict[str, dict[str, object]]]:
        if self.path is None:
            return {}, {}
        try:
            data = _load(self.path.read_bytes(), _ALLOWED)
        except OSError:
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


def _pack_path(folder: str | Path, key: str) -> Path:
    return Path(folder) / "packs" / f"{key}.pickle"


def read_pack(folder: str | Path, key: str) -> object | None:
    """The rule pack kept under `key` in the cache `folder`; None when there is none, or when
    the file holds anything but compiled patterns and the classes of a pack."""
    try:
        data = _pack_path(folder, key).read_bytes()
    except OSError:
        return None
    return _load(data, _PACK_ALLOWED)


def keep_pack(folder: str | Path, key: str, pack: object) -> None:
    """Keep a loaded rule pack under `key` for the next run, if it can be read back."""
    try:
        data = pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    # A pack holding anything else (a value of a type the reader refuses) would be written on
    # every run and never read: check once, here, on the run that pays for loading anyway.
    if _load(data, _PACK_ALLOWED) is None:
        return
    _write(Path(folder), _pack_path(folder, key), data)
