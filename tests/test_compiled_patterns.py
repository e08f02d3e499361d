"""What the patterns of a pack give, kept in the cache folder between runs as plain data
(engine/compiled.py): never a compiled pattern."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from typer.testing import CliRunner

from markaudit.cli import app
from markaudit.core import cachefile
from markaudit.engine import compiled, detect
from markaudit.engine.rules import load_rules
from markaudit.run.audit import default_rules_path

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "frus-1962-10-27-inr.txt"


pytestmark = pytest.mark.usefixtures("no_pattern_store")


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The patterns `regex` had to compile (the parsing that the store saves)."""
    seen: list[str] = []
    original = regex.compile

    def counting(pattern: str, flags: int = 0, **kwargs: object) -> regex.Pattern[str]:
        seen.append(pattern)
        return original(pattern, flags, **kwargs)

    monkeypatch.setattr(compiled.regex, "compile", counting)
    yield seen


def test_a_second_run_of_the_same_pack_compiles_only_what_it_uses(
        tmp_path: Path, compiles: list[str]) -> None:
    first = load_rules([default_rules_path()], tmp_path)
    assert len(compiles) > 50  # every rule pattern of the pack
    assert list((tmp_path / "patterns").glob("*.json"))
    assert not list(tmp_path.rglob("*.pickle"))
    compiles.clear()
    compiled.open_store(None, "")  # as a new process starts
    second = load_rules([default_rules_path()], tmp_path)
    # a marking's pattern is compiled when first used (a check's few options are checked)
    assert not set(compiles) & {p.pattern for rule in first.markings for p in rule.compiled}
    for a, b in zip(first.markings, second.markings, strict=True):
        assert [p.pattern for p in a.compiled] == [p.pattern for p in b.compiled]
        text = "TOP SECRET -- EYES ONLY\nT0P SECRFT\nApproved For Release 2001/09/04"
        assert [m.span() for p in a.compiled for m in p.finditer(text)] == \
            [m.span() for p in b.compiled for m in p.finditer(text)]


def test_a_changed_rule_file_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("markings:\n- id: x.stamp\n  kind: stamp\n  patterns: ['STAMP ONE']\n")
    load_rules([rules], tmp_path / "cache")
    rules.write_text("markings:\n- id: x.stamp\n  kind: stamp\n  patterns: ['STAMP TWO']\n")
    compiles.clear()
    compiled.open_store(None, "")
    pack = load_rules([rules], tmp_path / "cache")
    assert any("STAMP TWO" in p for p in compiles)
    assert pack.markings[0].compiled[0].search("a STAMP TWO here")


def _audit(*args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["audit", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def _findings(report: dict[str, object]) -> list[object]:
    return [(f["rule"], f["page"]) for d in report["documents"] for f in d["findings"]]


def test_a_planted_or_damaged_file_is_a_miss(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    detect._DERIVED.clear()  # as a new process starts: every prefilter is worked out and kept
    code, clean = _audit(str(SEED), "--cache-dir", str(cache))
    [store] = (cache / "patterns").glob("*.json")
    good = store.read_bytes()
    header, body = good.split(b"\n", 1)
    data = json.loads(body)
    [pattern] = [p for p, v in data["derived"]["prefilter"].items() if v][:1]
    plantings = [
        b"not json", b"", good[:-10], header + b"\n" + body.replace(b"true", b"false", 1),
        json.dumps(data).encode(),  # the data without its header (no checksum)
    ]
    for planted_value in ("lots", {"prefilter": [{"pieces": [["(?R)", 0]], "edits": 0}],
                                   "at_line_start": False}, {"line_filter": []}):
        data["derived"]["prefilter"][pattern] = planted_value  # sealed with the key below
        plantings.append(cachefile.seal(cache, "patterns", data) or b"")
    for planted in plantings:
        store.write_bytes(planted)
        for entry in cache.glob("??/*.json"):
            entry.unlink()  # the document is audited, not taken from the report cache
        compiled.open_store(None, "")
        detect._DERIVED.clear()  # as a new process starts
        again_code, again = _audit(str(SEED), "--cache-dir", str(cache))
        assert (again_code, again["documents"]) == (code, clean["documents"])
        assert store.read_bytes() != planted  # rewritten


def test_no_cache_keeps_no_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _audit(str(SEED), "--no-cache")
    assert not (tmp_path / ".markaudit_cache").exists()


def test_cache_clean_removes_the_patterns_too(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _audit(str(SEED), "--cache-dir", str(cache))
    assert list((cache / "patterns").glob("*.json"))
    result = CliRunner().invoke(app, ["cache", "clean", "--cache-dir", str(cache)])
    assert result.exit_code == 0 and not cache.exists()


def test_a_second_run_works_out_no_prefilter_again(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from markaudit.engine import detect

    def audit() -> list[object]:
        detect._DERIVED.clear()  # as a new process starts
        compiled.open_store(None, "")
        code, report = _audit(str(SEED), "--cache-dir", str(tmp_path))
        for entry in tmp_path.glob("??/*.json"):
            entry.unlink()  # the document is audited again, not taken from the report cache
        return [code, _findings(report), [(m["rule"], m["line"]) for d in report["documents"]
                                          for m in d["markings"]]]

    first = audit()
    worked_out: list[str] = []
    original = detect.prefilter
    monkeypatch.setattr(detect, "prefilter",
                        lambda pattern: worked_out.append(pattern) or original(pattern))
    assert audit() == first
    assert worked_out == []
