"""The loaded rule pack kept in the cache folder between runs (engine/rules.py, engine/compiled.py).

A run of an unchanged pack reads the pack back instead of parsing its YAML again, and reports
exactly what a run that parses it reports; anything else in the cache is ignored.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from typer.testing import CliRunner

from markaudit.cli import app
from markaudit.core import cachefile
from markaudit.engine import compiled, packdata, rules, yamlfile
from tests.conftest import FIXTURES, SEED, run_markaudit

# The seed, and documents whose markings are read by parsers named `term:NAME` and `terms:NAME`
# (portion marks, a downgrading notice).
DOCUMENTS = [str(SEED), *(str(FIXTURES / "synthetic" / f"{name}.txt")
                          for name in ("portions-over-banner", "library-nlj"))]

PACK = """\
levels: [CONFIDENTIAL, SECRET, TOP SECRET]
vocabularies:
  caveat: [EYES ONLY]
markings:
  - id: x.banner
    kind: banner
    pattern: '^(?P<level>{{level}})(?P<caveats>(?:\\s*--\\s*{{caveat}})*)$'
    ocr_edits: 1
    fields: {level: level, caveats: caveats}
    value: "{level} -- {caveats}"
  - id: x.memo
    kind: document-start
    phrase: %s
checks:
  - id: x.every-page
    type: every_page
    marking: x.banner
    zones: [top]
    message: "page {page}: no banner at the {zone}"
"""


pytestmark = pytest.mark.usefixtures("no_pattern_store")


@pytest.fixture
def yaml_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rule files were parsed as YAML."""
    reads: list[int] = []
    original = yamlfile.load

    def counting(text: str) -> object:
        reads.append(1)
        return original(text)

    monkeypatch.setattr(yamlfile, "load", counting)
    return reads


def _audit(cache: Path, *args: str) -> tuple[int, str]:
    """An audit of DOCUMENTS as a new process runs it, the reports taken from no report cache."""
    compiled.open_store(None, "")
    for entry in cache.glob("??/*.json"):
        entry.unlink()
    result = CliRunner().invoke(app, ["audit", *DOCUMENTS, "--format", "json", "--cache-dir",
                                      str(cache), *args])
    return result.exit_code, json.dumps(json.loads(result.stdout)["documents"])


def test_a_second_run_reads_the_pack_back_and_reports_the_same(tmp_path: Path,
                                                               yaml_reads: list[int]) -> None:
    cache = tmp_path / "cache"
    first = _audit(cache)
    assert yaml_reads and list((cache / "packs").glob("*.json"))
    assert '"rule": "portion.mark"' in first[1] and '"text_group": "1"' in first[1]
    yaml_reads.clear()
    second = _audit(cache)
    assert yaml_reads == []  # no rule file was parsed
    assert second == first
    fresh = CliRunner().invoke(app, ["audit", *DOCUMENTS, "--format", "json", "--no-cache"])
    assert (fresh.exit_code, json.dumps(json.loads(fresh.stdout)["documents"])) == first


def test_a_changed_rule_file_is_read_again(tmp_path: Path, yaml_reads: list[int]) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK % "MEMORANDUM FOR", encoding="utf-8")
    cache = tmp_path / "cache"
    _, before = _audit(cache, "--no-default-rules", "--rules", str(pack))
    assert "x.memo" in before
    pack.write_text(PACK % "Relations of the United States", encoding="utf-8")
    yaml_reads.clear()
    _, after = _audit(cache, "--no-default-rules", "--rules", str(pack))
    assert yaml_reads
    assert '"value": "MEMORANDUM FOR"' in before and '"value": "MEMORANDUM FOR"' not in after
    assert "Relations of the United States" in after


def test_another_markaudit_does_not_read_the_pack_back(tmp_path: Path, yaml_reads: list[int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = _audit(cache)
    monkeypatch.setattr(rules, "__version__", "0.0.0-another")
    yaml_reads.clear()
    assert _audit(cache) == first
    assert yaml_reads
    assert len(list((cache / "packs").glob("*.json"))) == 2


def test_a_rule_file_error_is_reported_as_without_a_cache(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK % "MEMORANDUM FOR", encoding="utf-8")
    cache = tmp_path / "cache"
    arguments = ["audit", str(SEED), "--no-default-rules", "--rules", str(pack)]
    assert run_markaudit(*arguments, "--cache-dir", str(cache)).returncode in (0, 1)
    pack.write_text((PACK % "MEMORANDUM FOR").replace("zones: [top]", "zone: [top]"),
                    encoding="utf-8")
    cached = run_markaudit(*arguments, "--cache-dir", str(cache))
    uncached = run_markaudit(*arguments, "--no-cache")
    assert (cached.returncode, cached.stderr, cached.stdout) == \
        (uncached.returncode, uncached.stderr, uncached.stdout)
    assert cached.returncode == 2
    assert f"{pack}:" in cached.stderr and "unknown key 'zone'" in cached.stderr


def _plantings(kept: Path, other: Path) -> list[bytes]:
    """What a damaged, planted or stale pack file may hold: each must be a miss."""
    cache = kept.parent.parent
    good = kept.read_bytes()
    header, body = good.split(b"\n", 1)
    data = json.loads(body)
    pickled = pickle.dumps({"rules": data})  # the old format
    nested = b"[" * 100_000 + b"]" * 100_000
    sealed = [
        rules.load_rules([other]),  # a pack, but of other files
        {**data, "markings": "lots"},
        {**data, "checks": [{**data["checks"][0], "severity": "fatal"}]},
        {**data, "markings": [{**data["markings"][0], "min_confidence": "high"}]},
        {**data, "markings": [{**data["markings"][0], "compiled": [["(?R)?X", 0]]}]},
        {**data, "markings": [{**data["markings"][0], "compiled": [["X", 128]]}]},  # DEBUG
        {**data, "checks": [{**data["checks"][0], "message": "{page.__class__}"}]},
        {**data, "markings": []},  # every rule removed: the checksum holds, the checks do not
    ]
    with_key = [cachefile.seal(cache, "pack", packdata.to_data(item) if isinstance(
        item, rules.RuleSet) else item) or b"" for item in sealed]
    return [
        pickled, b"not json", b"", good[:-1], body, header + b"\n" + nested,
        header + b"\n" + body.replace(b'"severity":"warning"', b'"severity":"info"', 1),
        header + b"\n" + json.dumps({**data, "markings": []}).encode(),  # checksum fails
        *with_key,
    ]


def test_a_planted_or_damaged_pack_is_a_miss_and_runs_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    arguments = ["audit", str(SEED), "--format", "json", "--cache-dir", str(cache)]
    clean = run_markaudit(*arguments)
    [kept] = (cache / "packs").glob("*.json")
    other = tmp_path / "other.yaml"
    other.write_text(PACK % "MEMORANDUM FOR", encoding="utf-8")
    for planted in _plantings(kept, other):
        kept.write_bytes(planted)
        for entry in cache.glob("??/*.json"):
            entry.unlink()  # the document is audited, not taken from the report cache
        again = run_markaudit(*arguments)
        assert (again.returncode, again.stderr) == (clean.returncode, clean.stderr)
        assert json.loads(again.stdout)["documents"] == json.loads(clean.stdout)["documents"]
        assert kept.read_bytes() != planted  # replaced by the pack this run loaded


def test_no_cache_neither_reads_nor_keeps_a_pack(tmp_path: Path, yaml_reads: list[int]) -> None:
    cache = tmp_path / "cache"
    code, _ = _audit(cache)
    kept = {path: path.read_bytes() for path in cache.rglob("*") if path.is_file()}
    yaml_reads.clear()
    result = CliRunner().invoke(app, ["audit", *DOCUMENTS, "--no-cache", "--cache-dir",
                                      str(cache)])
    assert result.exit_code == code
    assert yaml_reads  # parsed, not read back
    assert {path: path.read_bytes() for path in cache.rglob("*") if path.is_file()} == kept


def test_a_sealed_pack_of_valid_types_but_impossible_patterns_is_audited_without_a_crash(
        tmp_path: Path) -> None:
    """Found by benchmarks/fuzz.py: a pack written with the folder's key whose pattern nests too
    deeply for `regex` to compile, or whose word list is too large for one pattern."""
    cache = tmp_path / "cache"
    arguments = ["audit", str(SEED), "--format", "json", "--cache-dir", str(cache)]
    clean = run_markaudit(*arguments)
    [kept] = (cache / "packs").glob("*.json")
    data = json.loads(kept.read_bytes().split(b"\n", 1)[1])
    first = data["markings"][0]
    deep = [["(?:" * 2000 + "(?:SECRET){e<=1}" + ")" * 2000, first["compiled"][0][1]]]
    huge = {**data["vocabularies"], "caveat": [[f"CAVEAT{i:05d}", []] for i in range(8000)]}
    for planted in ({**data, "markings": [{**first, "compiled": deep}, *data["markings"][1:]]},
                    {**data, "vocabularies": huge}):
        kept.write_bytes(cachefile.seal(cache, "pack", planted) or b"")
        for entry in cache.glob("??/*.json"):
            entry.unlink()
        again = run_markaudit(*arguments)
        assert again.returncode == clean.returncode, again.stderr
        assert "internal error" not in again.stderr
