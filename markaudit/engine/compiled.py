"""What a run of the rule pack works out once and the next run reads back from the cache folder,
as plain data: never a compiled pattern, never pickle.

`regex` parses a pattern in Python, and a compiled pattern can only be kept as the engine's own
code, which `_regex.compile` takes back without checking it (a planted file crashed every run).
So nothing compiled is kept. What is kept, as sealed JSON (markaudit/core/cachefile.py: a keyed
checksum and the versions that made it), is:

- the patterns that passed the loader's checks (`known_before`), so that a changed pack does not
  check its unchanged patterns again;
- what the engine derives from a pattern (`remembered`: its prefilter, its line filter), each
  value checked by the caller's `decode` on reading;
- a loaded rule pack as data (`read_pack`, `keep_pack`; engine/packdata.py makes and checks it),
  whose patterns are compiled when first used (`LazyPattern`): a run on one file (the pre-commit
  case) compiles only the patterns its pages get to;
- the Hyperscan database of the pack's words (`read_scan`, `keep_scan`), as Hyperscan's own
  serialised form: `hyperscan.loadb` checks it (its magic, version, platform and checksum) as
  `regex` does not check its compiled code, and the sealed file's keyed checksum comes first.

The store's file is under a key made of the pack's digest, the versions of markaudit, `regex` and
Python, and the text of prefilter.py: change any of them and the file is simply not found. A
file that fails any check is a miss, rebuilt and written again.

`open_store` makes one store current for the process. `compile_pattern` is how the engine
compiles: it refuses recursion first (engine/bounded.py), and `regex` keeps what it compiled
for the process.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import regex

from markaudit.core import cachefile
from markaudit.core.version import __version__
from markaudit.engine.bounded import refuse

_PREFILTER_SOURCE = Path(__file__).with_name("prefilter.py")
T = TypeVar("T")
_STORE_KIND = "patterns"
_PACK_KIND = "pack"
_SCAN_KIND = "scan"
_NOTHING = "(?!)"  # a pattern that matches nowhere


class LazyPattern:
    """A pattern compiled on first use: it answers as the `regex.Pattern` it stands for.

    Only patterns the loader compiled and checked before (a kept pack's) are made so: they are
    known to compile.
    """

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only for what the instance lacks: once looked up, a method is the instance's own.
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            compiled = compile_pattern(self.pattern, self.flags)
        except regex.error:
            # Only a pack written with the folder's key but not by markaudit gets here (the
            # loader compiled every pattern it kept): such a pattern finds nothing.
            compiled = regex.compile(_NOTHING)
        value = getattr(compiled, name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags})"


class CompiledPatterns:
    """What one rule pack's patterns gave (checks passed, derived values), read from a cache
    `folder` and written back."""

    def __init__(self, folder: str | Path | None, digest: str) -> None:
        # The prefilters are the work of prefilter.py: its text is in the key too, so that a
        # changed prefilter (between two releases, in a working copy) is never read back.
        key = hashlib.sha256(
            f"{__version__}\0{regex.__version__}\0{sys.version}\0{digest}\0".encode()
            + _PREFILTER_SOURCE.read_bytes()
        ).hexdigest()[:32]
        self.folder = Path(folder) if folder is not None else None
        self.path = self.folder / "patterns" / f"{key}.json" if self.folder else None
        self._checked, self._derived = self._read()
        self._decoded: dict[tuple[str, str], object] = {}
        self._added = False

    def checked(self, pattern: str, flags: int) -> None:
        """Note that the pattern passed the loader's checks, for the next run."""
        key = (pattern, int(flags))
        if key not in self._checked:
            self._checked.add(key)
            self._added = True

    def remember(self, kind: str, key: str, make: Callable[[], T],
                 encode: Callable[[T], object], decode: Callable[[object], T]) -> T:
        """What `make` derives from `key` (a pattern's prefilter, say), kept with the patterns
        as the data `encode` gives; `decode` raises ValueError for data it does not accept."""
        if (kind, key) in self._decoded:
            return self._decoded[kind, key]  # type: ignore[return-value]
        table = self._derived.setdefault(kind, {})
        try:
            value = decode(table[key])
        except (KeyError, ValueError, TypeError):  # not kept, or not valid: worked out again
            value = make()
            table[key] = encode(value)
            self._added = True
        self._decoded[kind, key] = value
        return value

    def known_before(self, pattern: str, flags: int) -> bool:
        """Whether an earlier run's loader compiled and checked the pattern."""
        return (pattern, int(flags)) in self._checked

    def save(self) -> None:
        """Write what this run added; a folder that cannot be written only costs the next run
        the work."""
        if self.folder is None or self.path is None or not self._added:
            return
        cachefile.write(self.folder, self.path, _STORE_KIND, {
            "checked": sorted([p, f] for p, f in self._checked), "derived": self._derived})
        self._added = False

    def _read(self) -> tuple[set[tuple[str, int]], dict[str, dict[str, object]]]:
        if self.folder is None or self.path is None:
            return set(), {}
        data = cachefile.read(self.folder, self.path, _STORE_KIND)
        if not isinstance(data, dict):
            return set(), {}
        listed, derived = data.get("checked"), data.get("derived")
        checked = {(p[0], p[1]) for p in listed if _is_pattern_key(p)} if isinstance(
            listed, list) else set()
        if not isinstance(derived, dict) or not all(
                isinstance(v, dict) for v in derived.values()):
            derived = {}
        return checked, derived


def _is_pattern_key(item: object) -> bool:
    return (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            and isinstance(item[1], int) and not isinstance(item[1], bool))


_current: CompiledPatterns | None = None


def open_store(folder: str | Path | None, digest: str) -> CompiledPatterns | None:
    """Make the store of the pack with `digest` in `folder` the current one (None: no store)."""
    global _current
    _current = CompiledPatterns(folder, digest) if folder is not None else None
    return _current


def compile_pattern(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile`, which every pattern of the engine goes through: a pattern whose search
    `regex` cannot bound (recursion, length) or that nests too deeply for its parser raises
    `regex.error`, as a bad one does."""
    refuse(pattern)
    try:
        return regex.compile(pattern, flags)
    except RecursionError:  # `regex` parses nested groups by recursion: some 300 levels
        raise regex.error("the pattern nests groups too deeply to compile", pattern) from None


def remembered(kind: str, key: str, make: Callable[[], T], encode: Callable[[T], object],
               decode: Callable[[object], T]) -> T:
    """What `make` derives from `key`, through the current store when there is one."""
    if _current is None:
        return make()
    return _current.remember(kind, key, make, encode, decode)


def save() -> None:
    """Keep what this run worked out for the next run (after an audit: the engine derives the
    prefilters it needs as it goes)."""
    if _current is not None:
        _current.save()


def _pack_path(folder: str | Path, key: str) -> Path:
    return Path(folder) / "packs" / f"{key}.json"


def read_pack(folder: str | Path, key: str) -> object | None:
    """The data of the rule pack kept under `key` in the cache `folder`; None when there is
    none or its file is not valid (the caller checks the data's types)."""
    return cachefile.read(Path(folder), _pack_path(folder, key), _PACK_KIND)


def keep_pack(folder: str | Path, key: str, pack: object) -> None:
    """Keep a loaded rule pack's data under `key` for the next run."""
    cachefile.write(Path(folder), _pack_path(folder, key), _PACK_KIND, pack)


def read_scan(key: str) -> bytes | None:
    """The serialised word-scan database kept under `key` in the current store's folder; None
    when there is no store, no such file, or the file is not valid."""
    if _current is None or _current.folder is None:
        return None
    data = cachefile.read(_current.folder, _current.folder / "scans" / f"{key}.json", _SCAN_KIND)
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        return None


def keep_scan(key: str, database: bytes) -> None:
    """Keep a serialised word-scan database under `key`, for the next run of the pack."""
    if _current is not None and _current.folder is not None:
        cachefile.write(_current.folder, _current.folder / "scans" / f"{key}.json", _SCAN_KIND,
                        base64.b64encode(database).decode("ascii"))
