"""Report cache entries that are damaged or planted (markaudit/run/cache.py,
markaudit/core/cachefile.py).

Every entry carries a keyed checksum and the versions that made it, and its values are checked
against the model's types: any entry that fails is a miss, the file is audited again and the
entry rewritten, and the report is the one `--no-cache` gives. Never a crash, never a trusted
lie.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from markaudit.core import cachefile
from tests.conftest import FIXTURES, SEED, run_markaudit

DOCUMENTS = [str(SEED), str(FIXTURES / "synthetic" / "portions-over-banner.txt")]


def _run(*args: str) -> tuple[int, list[Any], str]:
    result = run_markaudit("audit", *DOCUMENTS, "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)["documents"], result.stderr


@pytest.fixture(scope="module")
def expected() -> tuple[int, list[Any], str]:
    """What an audit without the cache gives."""
    return _run("--no-cache")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder after one run."""
    cache = tmp_path_factory.mktemp("filled") / "cache"
    _run("--cache-dir", str(cache))
    return cache


@pytest.fixture
def cache(tmp_path: Path, filled: Path) -> Path:
    """A copy of the filled cache folder, for one test to damage."""
    shutil.copytree(filled, tmp_path / "cache")
    return tmp_path / "cache"


def _with_findings(entries: list[Path]) -> tuple[Path, bytes, dict[str, Any]]:
    """An entry of a report with findings and markings, its bytes and its data."""
    for entry in entries:
        raw = entry.read_bytes()
        data = json.loads(raw.split(b"\n", 1)[1])
        if data["report"]["findings"] and data["report"]["markings"]:
            return entry, raw, data
    raise AssertionError("no entry holds findings")


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


# Each a change to an entry's data, sealed again with the folder's key (as a teammate sharing the
# folder could), so that only the check of the types can refuse it.
TYPE_CHANGES = {
    "pages lots": _set(("report", "pages"), "lots"),
    "string confidence": _set(("report", "markings", 0, "confidence"), "high"),
    "bad severity": _set(("report", "findings", 0, "severity"), "fatal"),
    "confidence 7": _set(("report", "markings", 0, "confidence"), 7),
    "bool page": _set(("report", "markings", 0, "page"), True),
    "zone": _set(("report", "markings", 0, "zone"), "middle"),
    "box of 3": _set(("report", "markings", 0, "box"), [1, 2, 3]),
    "fields dict": _set(("report", "markings", 0, "fields"), {"level": {"a": 1}}),
    "no findings key": lambda data: data["report"].pop("findings"),
    "report a list": _set(("report",), []),
    "parts": _set(("report", "parts"), [{"first_page": "1"}]),
    "classification": _set(("report", "classification"), {"level": 3, "caveats": []}),
    "another file's key": _set(("key",), "0" * 64),
}


@pytest.mark.parametrize("change", TYPE_CHANGES.values(), ids=TYPE_CHANGES.keys())
def test_an_entry_of_the_wrong_types_is_a_miss(cache: Path, expected: object,
                                               change: Callable[[dict[str, Any]], None]) -> None:
    entry, _, data = _with_findings(sorted(cache.glob("??/*.json")))
    change(data)
    planted = cachefile.seal(cache, "report", data)
    assert planted is not None
    entry.write_bytes(planted)
    assert _run("--cache-dir", str(cache)) == expected
    assert entry.read_bytes() != planted  # rewritten


def _removed_findings(raw: bytes) -> bytes:
    header, body = raw.split(b"\n", 1)
    data = json.loads(body)
    data["report"]["findings"] = []
    return header + b"\n" + json.dumps(data).encode()


DAMAGE = {
    "findings removed": _removed_findings,
    "not json": lambda raw: b"not json",
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "no header": lambda raw: raw.split(b"\n", 1)[1],
    "deeply nested": lambda raw: raw.split(b"\n", 1)[0] + b"\n" + b"[" * 200_000,
    "nested header": lambda raw: b"[" * 100_000 + b"\n" + raw,
    "other version": lambda raw: raw.replace(b'"markaudit":"', b'"markaudit":"9', 1),
    "old format": lambda raw: json.dumps(json.loads(raw.split(b"\n", 1)[1])["report"]).encode(),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_entry_is_a_miss(cache: Path, expected: object,
                                   damage: Callable[[bytes], bytes]) -> None:
    entry, raw, _ = _with_findings(sorted(cache.glob("??/*.json")))
    planted = damage(raw)
    entry.write_bytes(planted)
    assert _run("--cache-dir", str(cache)) == expected
    assert entry.read_bytes() != planted


def test_a_deeply_nested_entry_with_the_key_is_a_miss(cache: Path, expected: object) -> None:
    """The one case the checksum cannot refuse before parsing: the parser's RecursionError."""
    entry, _, _ = _with_findings(sorted(cache.glob("??/*.json")))
    key = (cache / "key").read_bytes().strip()
    body = b"[" * 200_000 + b"]" * 200_000
    header = {"kind": "report", "versions": cachefile.VERSIONS,
              "checksum": cachefile._checksum(key, "report", body)}
    entry.write_bytes(json.dumps(header, separators=(",", ":")).encode() + b"\n" + body)
    assert _run("--cache-dir", str(cache)) == expected


def test_an_entry_is_trusted_only_with_the_folders_key(cache: Path, expected: Any) -> None:
    first = expected[1]
    key = cache / "key"
    assert key.is_file() and len(key.read_text().strip()) == 64
    # Another key (a folder copied without it, a key replaced): every entry is a miss, and the
    # run gives what an audit gives.
    key.write_text("f" * 64 + "\n")
    result = run_markaudit("audit", *DOCUMENTS, "--format", "json", "--cache-dir", str(cache))
    assert json.loads(result.stdout)["documents"] == first
    assert json.loads(result.stdout)["rollup"]["cached"] == 0
    # A damaged key is replaced by a new one.
    key.write_bytes(b"\x00" * 10)
    result = run_markaudit("audit", *DOCUMENTS, "--format", "json", "--cache-dir", str(cache))
    assert json.loads(result.stdout)["documents"] == first
    assert len(key.read_text().strip()) == 64
    again = run_markaudit("audit", *DOCUMENTS, "--format", "json", "--cache-dir", str(cache))
    assert json.loads(again.stdout)["rollup"]["cached"] == len(DOCUMENTS)
