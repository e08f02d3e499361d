"""The scan of the declarative rules' words (engine/scan.py): it only says where to look, so
it must never lose a marking the rules' patterns find, and without hyperscan markaudit says
so in one line."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from markaudit.engine.detect import detect
from markaudit.engine.rules import load_rules
from markaudit.engine.scan import hyperscan_module, parts_of
from markaudit.read import read_document
from markaudit.run.audit import default_rules_path
from tests.conftest import FIXTURES, ROOT, run_markaudit

CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def pack():
    return load_rules([default_rules_path()])


def test_every_declarative_rule_with_words_of_its_own_is_scanned(pack):
    # Banners and a vocabulary's words are searched line by line; a phrase that is one slot
    # (a control number) has no words to look for.
    worded = [rule.id for rule in pack.markings if rule.declared in ("phrase", "stamp")
              and rule.words]
    assert worded
    assert [i for i in worded if not next(r for r in pack.markings if r.id == i).scan_runs] \
        == []


def _damage(text: str, edits: int, rng: random.Random) -> str:
    """`text` with `edits` random substitutions, insertions and deletions of letters."""
    chars = list(text)
    for _ in range(edits):
        where = rng.randrange(len(chars))
        action = rng.choice(("substitute", "insert", "delete"))
        if action == "substitute":
            chars[where] = rng.choice("XQZJK#")
        elif action == "insert":
            chars.insert(where, rng.choice("XQZJK#"))
        elif len(chars) > 1:
            del chars[where]
    return "".join(chars)


def test_a_run_damaged_within_its_budget_is_always_found_by_one_of_its_parts(pack):
    hyperscan = hyperscan_module()
    rng = random.Random(1962)
    runs = {run for rule in pack.markings for run in rule.scan_runs}
    assert runs
    for words, edits in sorted(runs):
        parts = parts_of(0, words, edits, pack.ocr)
        database = hyperscan.Database()
        database.compile(
            expressions=[p.expression.encode() for p in parts], ids=list(range(len(parts))),
            elements=len(parts), flags=[hyperscan.HS_FLAG_CASELESS] * len(parts),
            ext=[hyperscan.ExpressionExt(flags=hyperscan.HS_EXT_FLAG_EDIT_DISTANCE,
                                         edit_distance=p.edits) if p.edits
                 else hyperscan.ExpressionExt(flags=0) for p in parts])
        for _ in range(40):
            damaged = _damage(" ".join(words), rng.randint(0, edits), rng)
            hits: list[int] = []
            database.scan(f"prose before. {damaged} and after".encode("ascii", "replace"),
                          match_event_handler=lambda i, *_, found=hits: found.append(i))
            assert hits, (words, edits, damaged, [p.expression for p in parts])


def _documents() -> list[Path]:
    files = [FIXTURES / "frus-1962-10-27-inr.txt", *sorted((FIXTURES / "synthetic").glob("*.txt"))]
    if CORPUS.is_dir():  # real OCR: a sample of every folder
        files += [p for folder in sorted(CORPUS.iterdir()) if folder.is_dir()
                  for p in sorted(folder.glob("*.txt"))[:4] if p.stat().st_size < 300_000]
    return files


def test_the_scan_loses_no_marking_the_patterns_find_alone(pack):
    unscanned = dataclasses.replace(pack, markings=tuple(
        dataclasses.replace(rule, scan_runs=()) for rule in pack.markings))
    for path in _documents():
        document = read_document(path)
        assert detect(document, pack) == detect(document, unscanned), path


def test_without_hyperscan_the_audit_says_so_in_one_line_and_exits_2(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "hyperscan.py").write_text("raise ImportError('no wheel for this platform')\n")
    result = run_markaudit("audit", str(FIXTURES / "frus-1962-10-27-inr.txt"), "--no-cache",
                           env={"PYTHONPATH": f"{blocker}:{ROOT}"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("markaudit: the hyperscan package cannot be loaded on this platform")
    assert "pip install hyperscan" in line


def test_a_pack_kept_in_the_cache_comes_back_with_its_declarative_rules_whole(tmp_path):
    first = load_rules([default_rules_path()], compiled_in=tmp_path)
    kept = load_rules([default_rules_path()], compiled_in=tmp_path)
    # Read back from the cache folder: only a kept pack's patterns wait to be compiled.
    assert type(kept.markings[0].compiled[0]).__name__ == "LazyPattern"
    assert [(r.id, r.declared, r.written, r.scan_runs, dict(r.example_places))
            for r in kept.markings] == [
        (r.id, r.declared, r.written, r.scan_runs, dict(r.example_places))
        for r in first.markings]
    assert kept.ocr == first.ocr
    seed = read_document(FIXTURES / "frus-1962-10-27-inr.txt")
    assert detect(seed, kept) == detect(seed, first)


def test_the_word_database_is_kept_in_the_cache_and_a_damaged_one_is_compiled_again(
        pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # The pre-commit case: a run on one file must not pay Hyperscan's compile every time.
    import hyperscan

    from markaudit.engine import compiled
    from markaudit.engine.ocr import OcrPolicy
    from markaudit.engine.scan import WordScan

    runs = [(order, run) for order, rule in enumerate(pack.markings) for run in rule.scan_runs]
    text = "Approved For Release 2001/09/04 : CIA-RDP80-00630A000200050001-3\n"
    compiled.open_store(tmp_path, pack.digest)
    first = WordScan(runs, OcrPolicy())
    assert list((tmp_path / "scans").glob("*.json"))

    class NoCompile:
        def compile(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("compiled again, though kept")

    with monkeypatch.context() as patch:
        patch.setattr(hyperscan, "Database", NoCompile)
        compiled.open_store(tmp_path, pack.digest)
        assert WordScan(runs, OcrPolicy()).places(text) == first.places(text) != {}
    for kept in (tmp_path / "scans").glob("*.json"):
        kept.write_bytes(kept.read_bytes()[:-40] + b"0" * 40)  # a damaged (or planted) file
    compiled.open_store(tmp_path, pack.digest)
    assert WordScan(runs, OcrPolicy()).places(text) == first.places(text)
    compiled.open_store(None, pack.digest)
