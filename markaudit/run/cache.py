"""The content cache: a file is not audited again while its bytes and the rules are unchanged.

Like ruff's cache, it lives in `.markaudit_cache/` of the working folder (or `--cache-dir`, or
`MARKAUDIT_CACHE_DIR`). An entry is keyed by the SHA-256 of markaudit's version, the rule pack's
digest, the audit options and the file's bytes: change any of them and the entry is simply not
found, so a cache never needs invalidating by hand. Entries are JSON written atomically (temp file,
then rename), one per document, so an interrupted run leaves only whole entries.

An entry is a sealed file (markaudit/core/cachefile.py: a keyed checksum and the versions that made
it) holding its key and the report; every value is checked against the model's types on
reading. An entry that fails any check is a miss: the file is audited and the entry rewritten.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any, get_args

from markaudit.core import cachefile
from markaudit.core.cachefile import Invalid, strings, typed
from markaudit.core.errors import MarkauditError
from markaudit.core.model import SEVERITIES, Classification, DocumentReport, Finding, Marking, Zone
from markaudit.read.parts import Part

_KIND = "report"
ZONES = get_args(Zone)

DEFAULT_DIR = ".markaudit_cache"


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
        """The report stored under `key`, renamed to `path`; None if absent or not valid."""
        data = cachefile.read(self.directory, self._entry(key), _KIND)
        # The key is inside the checksum: an entry copied to another file's name is a miss.
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        try:
            return _decode(data.get("report"), path)
        except Invalid:
            return None  # a miss: the file is audited again, and the entry written anew

    def store(self, key: str, report: DocumentReport) -> None:
        cachefile.write(self.directory, self._entry(key), _KIND,
                        {"key": key, "report": _encode(report)})


def clean(directory: str | Path) -> bool:
    """Remove a cache folder; False if there was none."""
    folder = Path(directory)
    if not folder.is_dir():
        return False
    if not (folder / "CACHEDIR.TAG").exists():
        # Never delete a folder markaudit did not make (a mistyped --cache-dir, say).
        raise MarkauditError(f"{folder}: not a markaudit cache (no CACHEDIR.TAG), left alone")
    shutil.rmtree(folder)
    cachefile.forget(folder)
    return True


def _encode(report: DocumentReport) -> dict[str, Any]:
    data = report.to_dict()
    # The JSON report names a finding's markings by reference; the cache keeps them whole, so
    # that fingerprints and every format's output are the same from cache as from an audit.
    data["findings"] = [{**f.to_dict(), "markings": [m.to_dict() for m in f.markings],
                         "occurrence": f.occurrence} for f in report.findings]
    data["page_lines"] = list(report.page_lines)
    return data


def _decode(data: object, path: str) -> DocumentReport:
    """The report `data` holds, every value checked against the model's types: an entry that
    is damaged or planted raises Invalid, never another error, whatever it holds."""
    report = typed(data, {"pages": int, "encoding": (str, type(None)), "classification": object,
                            "markings": list, "findings": list, "errors": list, "parts": list})
    level = report["classification"]
    if level is not None:
        level = typed(level, {"level": str, "caveats": list})
    return DocumentReport(
        path=path,
        pages=report["pages"],
        encoding=report["encoding"],
        classification=Classification(level["level"], strings(level["caveats"]))
        if level is not None else None,
        markings=tuple(_marking(m) for m in report["markings"]),
        findings=tuple(_finding(f) for f in report["findings"]),
        errors=strings(report["errors"]),
        parts=tuple(_part(p) for p in report["parts"]),
        page_lines=_page_lines(data),
    )


def _finding(data: object) -> Finding:
    finding = typed(data, {"rule": str, "severity": str, "message": str,
                             "page": (int, type(None)), "line": (int, type(None)),
                             "markings": list, "occurrence": int})
    if finding["severity"] not in SEVERITIES or finding["occurrence"] < 0:
        raise Invalid
    return Finding(rule=finding["rule"], severity=finding["severity"],
                   message=finding["message"], page=finding["page"], line=finding["line"],
                   markings=tuple(_marking(m) for m in finding["markings"]),
                   occurrence=finding["occurrence"])


def _page_lines(data: object) -> tuple[int, ...]:
    """Where each page starts (an entry of an older markaudit has none: a miss)."""
    lines = typed(data, {"page_lines": list})["page_lines"]
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in lines):
        raise Invalid
    return tuple(lines)


def _marking(data: object) -> Marking:
    marking = typed(data, {"rule": str, "kind": str, "text": str, "value": str, "page": int,
                             "line": int, "column": int, "zone": str, "confidence": (int, float),
                             "fields": dict})
    if marking["zone"] not in ZONES or not 0 <= marking["confidence"] <= 1 or not all(
            isinstance(v, _FIELD_VALUE) or (isinstance(v, list) and all(
                isinstance(i, str) for i in v)) for v in marking["fields"].values()):
        raise Invalid
    assert isinstance(data, dict)
    image = data.get("image")
    if image is not None and not isinstance(image, str):
        raise Invalid
    # JSON has no tuples: the geometry of scans (box, page size) comes back as lists.
    return Marking(**marking, box=_numbers(data.get("box"), 4), image=image,
                   page_size=_numbers(data.get("page_size"), 2))


def _part(data: object) -> Part:
    part = typed(data, {"first_page": int, "last_page": int, "reason": str})
    return Part(part["first_page"], part["last_page"], part["reason"])


_FIELD_VALUE = (str, int, float, bool, type(None))


def _numbers(values: object, count: int) -> Any:
    """A box (4 numbers) or page size (2), or None."""
    if values is None:
        return None
    if not isinstance(values, list) or len(values) != count or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise Invalid
    return tuple(values)
