"""Every marking the shipped pack finds on ../shared/corpus, against the reviewed snapshot.

A change to the pack or the engine that changes a marking on the real corpus is a behaviour
change: this test names each one, and passes again once the snapshot is rewritten (after
review) with

    python benchmarks/markings.py -o tests/snapshots/corpus-markings.tsv
"""

from __future__ import annotations

import pytest

from benchmarks.markings import CORPUS, diff, snapshot_lines
from tests.conftest import ROOT

SNAPSHOT = ROOT / "tests" / "snapshots" / "corpus-markings.tsv"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
def test_the_markings_on_the_corpus_are_those_of_the_reviewed_snapshot():
    stored = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    now = snapshot_lines()
    if now != stored:
        changes = diff(stored, now)
        shown = "\n".join(changes[:40] + (["..."] if len(changes) > 41 else []) + changes[-1:])
        pytest.fail(f"the markings on the corpus changed:\n{shown}\nreview them, then rewrite "
                    "the snapshot: python benchmarks/markings.py -o "
                    "tests/snapshots/corpus-markings.tsv")
