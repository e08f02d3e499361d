"""The content cache: a file is not audited again while its bytes and the rules are unchanged.

Like ruff's cache, it lives in `.markaudit_cache/` of the working folder (or `--cache-dir`, or
`MARKAUDIT_CACHE_DIR`). An entry is keyed by the SHA-256 of markaudit's version, the rule pack's
digest, the audit options and the file's bytes: change any of them and the entry is simply not
found, so a cache never needs invalidating by hand. Entries are JSON written atomically (temp file,
then rename), one per document, so an interrupted run leaves only whole entries.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from markaudit.errors import MarkauditError
from markaudit.model import Classification, DocumentReport, Finding, Marking
from markaudit.parts import Part
from markaudit.report.output import set_mode

DEFAULT_DIR = ".markaudit_cache"
# Kept beside the entries: backup tools skip the folder (CACHEDIR.TAG), git ignores it.
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# markaudit cache\n"


def default_dir() -> Path:
    return Path(os.environ.get("MARKAUDIT_CACHE_DIR") or DEFAULT_DIR)


class Cache:
    """Reports stored by content key under `directory`."""

    def __init__(self, directory: str | Path, salt: str) -> None:
        self.directory = Path(directory)
        self._salt = salt.encode("utf-8")  # version, rule digest and options

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + b"\0" + data).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key: str, path: str) -> DocumentReport | None:
        """The report stored under `key`, renamed to `path`; None if absent or unreadable."""
        try:
            data = json.loads(self._entry(key).read_text(encoding="utf-8"))
            return _decode(data, path)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is a miss: the file is audited again

    def store(self, key: str, report: DocumentReport) -> None:
        try:
            # ASCII escapes: a file name that is not valid UTF-8 (lone surrogates) is kept.
            # dumps, not dump: only dumps has the C encoder (dump was half of storing).
            data = json.dumps(_encode(report)).encode("ascii")
        except ValueError:
            return
        write_entry(self.directory, self._entry(key), data)


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


def clean(directory: str | Path) -> bool:
    """Remove a cache folder; False if there was none."""
    folder = Path(directory)
    if not folder.is_dir():
        return False
    if not (folder / "CACHEDIR.TAG").exists():
        # Never delete a folder markaudit did not make (a mistyped --cache-dir, say).
        raise MarkauditError(f"{folder}: not a markaudit cache (no CACHEDIR.TAG), left alone")
    shutil.rmtree(folder)
    return True


def _encode(report: DocumentReport) -> dict[str, Any]:
    data = report.to_dict()
    # The JSON report names a finding's markings by reference; the cache keeps them whole, so
    # that fingerprints and every format's output are the same from cache as from an audit.
    data["findings"] = [{**f.to_dict(), "markings": [m.to_dict() for m in f.markings],
                         "occurrence": f.occurrence} for f in report.findings]
    data["page_lines"] = list(report.page_lines)
    return data


def _decode(data: dict[str, Any], path: str) -> DocumentReport:
    level = data["classification"]
    return DocumentReport(
        path=path,
        pages=data["pages"],
        encoding=data["encoding"],
        classification=Classification(level["level"], tuple(level["caveats"])) if level else None,
        markings=tuple(_marking(m) for m in data["markings"]),
        findings=tuple(Finding(
            rule=f["rule"], severity=f["severity"], message=f["message"], page=f["page"],
            line=f["line"], markings=tuple(_marking(m) for m in f["markings"]),
            occurrence=f["occurrence"])
            for f in data["findings"]),
        errors=tuple(data["errors"]),
        parts=tuple(Part(p["first_page"], p["last_page"], p["reason"]) for p in data["parts"]),
        # An entry of an older markaudit has none: a miss (KeyError), audited again.
        page_lines=tuple(data["page_lines"]),
    )


def _marking(data: dict[str, Any]) -> Marking:
    # JSON has no tuples: the geometry of scans (box, page size) comes back as lists.
    for key in ("box", "page_size"):
        if data.get(key) is not None:
            data = {**data, key: tuple(data[key])}
    return Marking(**data)
