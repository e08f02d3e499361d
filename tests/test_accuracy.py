"""The shipped pack keeps its measured accuracy on the hand-labelled real documents.

The labels (fixtures/corpus/, written by reading the documents, see LABELING.md) are scored
with benchmarks/accuracy.py. The floors below guard what the pack reaches today, so that a rule
change that loses banners or stamps, or starts finding look-alikes, fails here. The issue's
targets (0.95 recall for banners and release stamps) are higher: see the table in docs/rule-pack.md.

The floors hold the families the pack was built on (JFK, JFK-tesseract, State FOIA). The
families labelled later (CREST, presidential libraries, FBI Vault, FRUS) are scored by the
benchmark, each in its own row, but have no floor yet: today's figures on them are where later
work starts, not a level to keep.
"""

from __future__ import annotations

import pytest

from benchmarks.accuracy import (
    FAMILIES,
    findings_table,
    label_files,
    measure,
    measure_families,
    summary_table,
    table,
)
from markaudit.authoring.expect import load_expectation
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
# docs/rule-pack.md); the floor keeps it from falling.
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


EARLIER_FAMILIES = ("jfk", "jfk-tesseract", "state-foia")


@pytest.fixture(scope="module")
def scored():
    files = label_files([str(ROOT / "fixtures" / "corpus" / name) for name in EARLIER_FAMILIES])
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


def test_a_sampled_document_is_scored_only_on_its_sample(tmp_path):
    # The report's second page (from line 37) is outside the sample: its stamp is not an extra.
    document = SHARED / "corpus" / "crest" / "stargate_CIA-RDP96-00789R000700670001-1.txt"
    label = tmp_path / "sampled.expect.yaml"
    label.write_text(f"document: {document}\nkinds: [release]\nlines: [[1, 36]]\n"
                     "markings:\n  - {kind: release, line: 35, fields: {issuer: CIA}}\n")
    release = measure([label])["release"]
    assert (release.true_positives, release.false_positives, release.false_negatives) == (1, 0, 0)


def test_every_family_has_its_own_row_in_every_table():
    corpus = ROOT / "fixtures" / "corpus"
    # The smallest file of each family that labels markings (some label only findings).
    files = [min((f for f in folder.glob("*.expect.yaml")
                  if load_expectation(f).data.get("kinds")),
                 key=lambda f: f.stat().st_size)
             for folder in sorted(corpus.iterdir()) if folder.is_dir()]
    scores = measure_families(files)
    names = [FAMILIES[folder.parent.name] for folder in files]
    assert set(names) == set(FAMILIES.values())
    for printed in (summary_table(scores), table(scores), findings_table(scores)):
        rows = [row.split("|")[1].strip() for row in printed.splitlines()[2:]]
        assert set(names) <= set(rows), printed
