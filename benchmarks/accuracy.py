"""Score the shipped rule pack against the hand-labelled real documents in fixtures/corpus/.

    python benchmarks/accuracy.py [--verbose] [LABEL_FILE_OR_FOLDER...]

Every table has one row per document family (the label file's folder: JFK, State FOIA, CREST,
...), since the pack is tuned on some families and meets others for the first time.

- Per family: document level accuracy (the audited document's classification against the
  labelled one, over the files that label markings or a level: a findings-only file does not),
  banner and release precision and recall, and the release issuer's precision (stamps found
  with the right issuer, among all stamps found), recall (among all labelled stamps) and the
  release-date recall (stamps found with the right date, among the labelled stamps that carry
  one).
- Per family and kind of marking: precision and recall of markings (a label is found when a
  marking of its kind starts within two lines of it), and the share of found markings whose
  parsed fields (level, issuer, date) equal the label.
- Where a label file also lists the findings a reviewer judged right by reading the document,
  the precision and recall of each default check.

The documents are read in place from ../shared/corpus.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markaudit.authoring.expect import SCORED_FIELDS, Tally, load_expectation, score  # noqa: E402
from markaudit.core.model import DocumentReport  # noqa: E402
from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.run.audit import CLASSIFYING_KINDS, default_rules_path  # noqa: E402
from markaudit.run.source import audit_file  # noqa: E402

# The families, in the order the tables print them: label folder -> name in the tables.
FAMILIES = {"jfk": "JFK", "jfk-tesseract": "JFK-tesseract", "state-foia": "State FOIA",
            "crest": "CREST", "library": "libraries", "fbi-nsa": "FBI/NSA", "frus-tei": "FRUS-TEI"}
ALL = "all families"


@dataclass
class Scores:
    """What one set of labelled documents scores."""

    documents: int = 0
    kinds: dict[str, Tally] = field(default_factory=dict)
    checks: dict[str, Tally] = field(default_factory=dict)
    reviewed: int = 0  # documents whose findings were reviewed
    levels_labelled: int = 0  # documents whose level was labelled (not findings-only files)
    levels_right: int = 0  # documents whose audited level is the labelled one

    @property
    def level_accuracy(self) -> float | None:
        return self.levels_right / self.levels_labelled if self.levels_labelled else None


def label_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths or [ROOT / "fixtures" / "corpus"]):
        files.extend(sorted(path.rglob("*.expect.yaml")) if path.is_dir() else [path])
    return files


def family(file: Path) -> str:
    """The family a label file belongs to: the name of its folder."""
    return FAMILIES.get(file.parent.name, file.parent.name)


def labelled_level(data: dict, levels: list[str]) -> str | None:
    """The document's level as labelled: its `classification`, or else the highest of `levels`
    among its labelled banners and portion marks (None: no level marked)."""
    if "classification" in data:
        return (data["classification"] or {}).get("level")
    marked = [m["fields"].get("level") for m in data.get("markings") or []
              if m.get("kind") in CLASSIFYING_KINDS and m.get("fields")]
    return max((level for level in marked if level in levels), key=levels.index, default=None)


def measure(files: list[Path], verbose: bool = False,
            checks: dict[str, Tally] | None = None) -> dict[str, Tally]:
    """Per-kind marking tallies over all `files`; per-check finding tallies go to `checks`."""
    scores = measure_families(files, verbose)[ALL]
    if checks is not None:
        checks.update(scores.checks)
    return scores.kinds


def measure_families(files: list[Path], verbose: bool = False) -> dict[str, Scores]:
    """Scores per family, and over all families under ALL (each document audited once)."""
    rules = load_rules([default_rules_path()])
    scores: dict[str, Scores] = {}
    for file in files:
        expectation = load_expectation(file)
        report = audit_file(expectation.document, rules)
        level = report.classification.level if report.classification else None
        for group in (family(file), ALL):
            into = scores.setdefault(group, Scores())
            into.documents += 1
            data = dict(expectation.data)
            # A file that reviews findings only labels no marking and no level: it says nothing
            # of the document's level, so it does not count for level accuracy.
            if "classification" in data or "markings" in data:
                into.levels_labelled += 1
                into.levels_right += level == labelled_level(data, rules.levels)
            misses = score(expectation, report, into.kinds)
            if "findings" in expectation.data:
                into.reviewed += 1
                misses += score_findings(expectation.data["findings"] or [], report,
                                         into.checks, expectation.data.get("checks"))
            if verbose and misses and group == ALL:
                print(f"{file.resolve().relative_to(ROOT)}:", *(f"  {m}" for m in misses),
                      sep="\n")
    order = [*FAMILIES.values(), ALL]
    return dict(sorted(scores.items(), key=lambda item: (order.index(item[0])
                                                         if item[0] in order else len(order),
                                                         item[0])))


def score_findings(labels: list[dict], report: DocumentReport, tallies: dict[str, Tally],
                   reviewed: list[str] | None = None) -> list[str]:
    """Findings reviewed by reading a document, against the audit's: matched on rule and page.

    A reviewed file lists every finding the default checks must produce (or, where it names
    the `checks` reviewed, every finding of those), so each finding the audit makes beyond them
    is a false alarm and each one it lacks a miss.
    """
    wanted = [(label["rule"], label.get("page")) for label in labels]
    made = [(finding.rule, finding.page) for finding in report.findings
            if not reviewed or finding.rule in reviewed]
    misses = []
    for rule in {rule for rule, _ in wanted + made} | set(reviewed or ()):
        tally = tallies.setdefault(rule, Tally())
        expected = Counter(key for key in wanted if key[0] == rule)
        found = Counter(key for key in made if key[0] == rule)
        tally.true_positives += sum((expected & found).values())
        tally.false_negatives += sum((expected - found).values())
        tally.false_positives += sum((found - expected).values())
        misses += [f"missed finding {r} page {p}" for r, p in (expected - found).elements()]
        misses += [f"extra finding {r} page {p}" for r, p in (found - expected).elements()]
    return misses


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def summary_table(scores: dict[str, Scores]) -> str:
    """The headline figures, one row per family."""
    rows = ["| family | documents | level accuracy | banner precision | banner recall | "
            "release precision | release recall | issuer precision | issuer recall | "
            "release-date recall |", "|---|---:|" + "---:|" * 8]
    for group, into in scores.items():
        banner, release = into.kinds.get("banner", Tally()), into.kinds.get("release", Tally())
        rows.append(f"| {group} | {into.documents} | {_ratio(into.level_accuracy)} | "
                    f"{banner.precision:.2f} | {banner.recall:.2f} | "
                    f"{release.precision:.2f} | {release.recall:.2f} | "
                    f"{_ratio(release.field_precision('issuer'))} | "
                    f"{_ratio(release.field_recall('issuer'))} | "
                    f"{_ratio(release.field_recall('date'))} |")
    return "\n".join(rows)


def table(scores: dict[str, Scores]) -> str:
    """Every kind of marking, one row per family and kind."""
    rows = [f"| family | kind | labelled | found | precision | recall | "
            f"{' | '.join(SCORED_FIELDS)} |",
            "|---|---|---:|---:|---:|---:|" + "---:|" * len(SCORED_FIELDS)]
    for group, into in scores.items():
        for kind, tally in sorted(into.kinds.items()):
            labelled = tally.true_positives + tally.false_negatives
            found = tally.true_positives + tally.false_positives
            fields = []
            for name in SCORED_FIELDS:
                accuracy = tally.field_accuracy(name)
                fields.append("-" if accuracy is None else
                              f"{accuracy:.2f} ({tally.field_total[name]})")
            rows.append(f"| {group} | {kind} | {labelled} | {found} | {tally.precision:.2f} | "
                        f"{tally.recall:.2f} | {' | '.join(fields)} |")
    return "\n".join(rows)


def findings_table(scores: dict[str, Scores]) -> str:
    """Each default check on the documents whose findings were reviewed, one row per family
    and check (a family without reviewed documents shows as such)."""
    rows = ["| family | check | reviewed | made | precision | recall |",
            "|---|---|---:|---:|---:|---:|"]
    for group, into in scores.items():
        if not into.checks:
            none = "no finding reviewed or made" if into.reviewed else "no document reviewed"
            rows.append(f"| {group} | ({none}) | - | - | - | - |")
        for check, tally in sorted(into.checks.items()):
            reviewed = tally.true_positives + tally.false_negatives
            made = tally.true_positives + tally.false_positives
            rows.append(f"| {group} | {check} | {reviewed} | {made} | {tally.precision:.2f} | "
                        f"{tally.recall:.2f} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="label files or folders (default fixtures/corpus)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and extra")
    arguments = parser.parse_args()
    files = label_files(arguments.paths)
    scores = measure_families(files, arguments.verbose)
    print(f"{len(files)} labelled documents\n\n{summary_table(scores)}\n\n"
          f"Every kind of marking:\n\n{table(scores)}\n\n"
          f"Findings of the default checks on the {scores[ALL].reviewed if scores else 0} "
          f"documents whose findings were reviewed:\n\n{findings_table(scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
