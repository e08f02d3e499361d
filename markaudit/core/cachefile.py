"""The files of the cache folder: plain data (JSON), each with a keyed checksum and the versions
that made it, written atomically.

Nothing in the cache folder is code: a file is two lines of JSON, a header
(`{"kind", "versions", "checksum"}`) and the data. The checksum is an HMAC-SHA256 of the kind,
the versions and the data's bytes, keyed by a random key kept in the folder itself (`key`), so
that a team sharing one folder shares the key. `unseal` gives the data back only when the
header is whole, the kind and versions are this run's and the checksum holds; anything else (a
damaged, truncated or planted file, one made by another version) is None: a miss, which the
caller rebuilds and writes again. The checksum is checked before the data is parsed, so a file
without it costs a hash, never a parse.

The key is no secret from whoever can write the folder: the caller validates the data against
its own types as well (a wrong type is a miss, too), so that no file here can crash a run or
run code, whoever wrote it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
import secrets
import tempfile
from pathlib import Path
from typing import Any

import regex

from markaudit.core.files import set_mode
from markaudit.core.version import __version__

# Kept beside the entries: backup tools skip the folder (CACHEDIR.TAG), git ignores it.
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# markaudit cache\n"
KEY_FILE = "key"
_KEY_LENGTH = 64  # hex digits: 32 random bytes
_HEADER_LIMIT = 4096  # a header is some 200 bytes; a longer one is not parsed
# The versions whose output a file holds: any other makes the file a miss.
VERSIONS = {"markaudit": __version__, "python": platform.python_version(),
            "regex": regex.__version__}
_VERSIONS_TEXT = json.dumps(VERSIONS, sort_keys=True)
_keys: dict[Path, bytes] = {}  # per folder, read once per process


def seal(directory: Path, kind: str, data: Any) -> bytes | None:
    """The file holding `data` (plain JSON data) in the cache `directory`; None when the key
    cannot be made (a read-only folder) or `data` is not JSON."""
    key = _key(directory, create=True)
    if key is None:
        return None
    try:
        # ASCII escapes: a file name that is not valid UTF-8 (lone surrogates) is kept.
        body = json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")
    except (TypeError, ValueError, RecursionError):
        return None
    header = {"kind": kind, "versions": VERSIONS, "checksum": _checksum(key, kind, body)}
    return json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n" + body


def unseal(directory: Path, kind: str, raw: bytes) -> Any | None:
    """The data of a file `seal` made for `kind` in `directory`; None for anything else."""
    key = _key(directory, create=False)
    end = raw.find(b"\n", 0, _HEADER_LIMIT)
    if key is None or end < 0:
        return None
    try:
        header = json.loads(raw[:end])
    except (ValueError, RecursionError):
        return None
    if not isinstance(header, dict) or header.get("kind") != kind or header.get(
            "versions") != VERSIONS or not isinstance(header.get("checksum"), str):
        return None
    body = raw[end + 1:]
    if not hmac.compare_digest(header["checksum"], _checksum(key, kind, body)):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def read(directory: Path, path: Path, kind: str) -> Any | None:
    """The data of the cache file at `path`, or None (absent, unreadable, not valid)."""
    try:
        raw = path.read_bytes()
    except (OSError, ValueError):
        return None
    return unseal(directory, kind, raw)


def write(directory: Path, path: Path, kind: str, data: Any) -> None:
    """Keep `data` at `path` in the cache `directory`; a folder that cannot be written only
    costs the next run the work the file would have saved."""
    sealed = seal(directory, kind, data)
    if sealed is not None:
        write_entry(directory, path, sealed)


def forget(directory: Path) -> None:
    """Forget the key read from `directory` (its folder was removed)."""
    _keys.pop(directory, None)


def _checksum(key: bytes, kind: str, body: bytes) -> str:
    message = kind.encode() + b"\0" + _VERSIONS_TEXT.encode() + b"\0" + body
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _key(directory: Path, create: bool) -> bytes | None:
    """The folder's key: read once; made (at random) when `create` and there is none."""
    known = _keys.get(directory)
    if known is not None:
        return known
    path = directory / KEY_FILE
    key = _read_key(path)
    if key is None and create:
        try:
            prepare(directory, directory)
            _make_key(path)
        except OSError:
            return None
        key = _read_key(path)
    if key is not None:
        _keys[directory] = key
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        with path.open("rb") as stream:  # bounded: a planted key could be /dev/zero
            text = stream.read(_KEY_LENGTH + 2).strip()
    except OSError:
        return None
    valid = len(text) == _KEY_LENGTH and all(c in b"0123456789abcdef" for c in text)
    return text if valid else None


def _make_key(path: Path) -> None:
    """Write a new random key: the first of two runs making one at once wins, and both use it.
    A damaged key is replaced, which makes every entry a miss (and they are written again)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        set_mode(temporary)  # a team sharing the folder shares the key
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_hex(_KEY_LENGTH // 2).encode() + b"\n")
        try:
            os.link(temporary, path)  # fails if another run made it first
        except FileExistsError:
            if _read_key(path) is None:
                os.replace(temporary, path)
        except OSError:  # a file system without hard links
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def write_entry(directory: Path, path: Path, data: bytes) -> None:
    """Write `data` to `path` in the cache `directory` atomically: a temporary file, renamed.

    A read-only or full disk slows the next run down; it must not fail this one. Two runs
    sharing the cache write the same entry at once safely: each renames a whole file of its own
    into place.
    """
    temporary = None
    try:
        if not path.parent.is_dir():
            prepare(directory, path.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        set_mode(temporary)  # not mkstemp's 0o600: a team may share one cache
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException as error:  # Ctrl-C too: no temporary file is left behind
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise


def prepare(directory: Path, folder: Path) -> None:
    """Make `folder` inside the cache `directory`, tagged so that backups and git skip it and
    `cache clean` knows it for one of ours."""
    folder.mkdir(parents=True, exist_ok=True)
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(CACHEDIR_TAG, encoding="utf-8")
        (directory / ".gitignore").write_text("*\n", encoding="utf-8")


class Invalid(Exception):
    """Data read from the cache that is not of the types its reader expects: a miss."""


def typed(data: object, types: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """The `types` keys of the mapping `data`, each of its type; Invalid otherwise. A bool is
    no number (JSON `true` is not 1) unless `bool` or `object` is the type asked for."""
    if not isinstance(data, dict):
        raise Invalid
    values = {}
    for name, kind in types.items():
        value = data.get(name, Invalid)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kind) or (isinstance(value, bool) and not {bool, object} & set(
                kinds)):
            raise Invalid
        values[name] = value
    return values


def strings(values: object) -> tuple[str, ...]:
    """A list of strings, as a tuple; Invalid otherwise."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise Invalid
    return tuple(values)
