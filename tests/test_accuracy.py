"""The shipped pack keeps its measured accuracy on the hand-labelled real documents.

The labels (fixtures/corpus/, written by reading the documents, see LABELING.md) are scored
with benchmarks/accuracy.py. The floors below guard what the pack reaches today, so that a rule
change that loses banners or stamps, or starts finding look-alikes, fails here. The issue's
targets (0.95 recall for banners and release stamps) are higher: see the README's table.
"""

from __future__ import annotations

import pytest

from benchmarks.accuracy import label_files, measure
from tests.conftest import ROOT, SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(),
                                reason="../shared/corpus is not present")

FLOORS = {
    # kind: (precision, recall)
    "banner": (0.95, 0.93),
    "release": (0.95, 0.94),
    "page-number": (0.90, 0.50),
    "authority": (0.90, 0.80),
    "downgrading": (0.90, 0.75),
    "portion": (0.90, 0.70),
}


# check: (precision, recall, reviewed findings at least) on the documents whose findings were
# reviewed.
# banner.every-page is low: OCR merges pages and garbles banners (a document whose only banner
# is garbled reads as unclassified, and goes unchecked, unless it keeps a "Classified by" or
# "Declassify on" line), and attachments without banners sit in their memo's sub-document (see
# the README); the floor keeps it from falling.
CHECK_FLOORS = {
    "banner.every-page": (0.64, 0.90, 50),
    "release.classified-without-stamp": (0.95, 0.95, 5),
    # Reviewed on the documents where it once fired (issue 20): a number needs its place and
    # its sequence, which took it from 5 right of 31 made to 5 of 7; the two false alarms left
    # are a misread "-8-" between -3- and -6-, and "(Page 11)" citations at a page's foot.
    "page-number.sequence": (0.70, 1.0, 5),
    # The DocId most pages agree on is the reference: the one variant far from it is reported
    # against it, and no document is compared with a variant of its own DocId.
    "control-number.jfk-docid-consistent": (1.0, 1.0, 1),
}


@pytest.fixture(scope="module")
def scored():
    files = label_files([str(ROOT / "fixtures" / "corpus")])
    assert len(files) >= 60, "the issue asks for at least 60 labelled real documents"
    checks: dict = {}
    return measure(files, checks=checks), checks


@pytest.fixture(scope="module")
def tallies(scored):
    return scored[0]


@pytest.mark.parametrize("check", sorted(CHECK_FLOORS))
def test_findings_precision_and_recall_floor(scored, check):
    precision, recall, reviewed = CHECK_FLOORS[check]
    tally = scored[1][check]
    assert tally.true_positives + tally.false_negatives >= reviewed, "too few reviewed findings"
    assert tally.precision >= precision, f"{check} precision {tally.precision:.3f}"
    assert tally.recall >= recall, f"{check} recall {tally.recall:.3f}"


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_precision_and_recall_floor(tallies, kind):
    precision, recall = FLOORS[kind]
    tally = tallies[kind]
    assert tally.precision >= precision, f"{kind} precision {tally.precision:.3f}"
    assert tally.recall >= recall, f"{kind} recall {tally.recall:.3f}"


def test_parsed_fields_are_right(tallies):
    assert tallies["banner"].field_accuracy("level") >= 0.95
    assert tallies["release"].field_accuracy("issuer") >= 0.95
    assert tallies["release"].field_accuracy("date") >= 0.95
