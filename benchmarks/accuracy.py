#!/usr/bin/env python3
"""Score the shipped rule pack against the hand-labelled real documents in fixtures/corpus/.

    python benchmarks/accuracy.py [--verbose] [LABEL_FILE_OR_FOLDER...]

For each kind of marking: precision and recall of markings (a label is found when a marking of
its kind starts within two lines of it), and the share of found markings whose parsed fields
(level, issuer, date) equal the label. Where a label file also lists the findings a reviewer
judged right by reading the document, the precision and recall of each default check.
The documents are read in place from ../shared/corpus.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markaudit.audit import audit_file, default_rules_path  # noqa: E402
from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.expect import SCORED_FIELDS, Tally, load_expectation, score  # noqa: E402
from markaudit.model import DocumentReport  # noqa: E402


def label_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths or [ROOT / "fixtures" / "corpus"]):
        files.extend(sorted(path.rglob("*.expect.yaml")) if path.is_dir() else [path])
    return files


def measure(files: list[Path], verbose: bool = False,
            checks: dict[str, Tally] | None = None) -> dict[str, Tally]:
    """Per-kind marking tallies; per-check finding tallies go to `checks` when given."""
    rules = load_rules([default_rules_path()])
    tallies: dict[str, Tally] = {}
    for file in files:
        expectation = load_expectation(file)
        report = audit_file(expectation.document, rules)
        misses = score(expectation, report, tallies)
        if checks is not None and "findings" in expectation.data:
            misses += score_findings(expectation.data["findings"] or [], report, checks,
                                     expectation.data.get("checks"))
        if verbose and misses:
            print(f"{file.resolve().relative_to(ROOT)}:", *(f"  {m}" for m in misses), sep="\n")
    return tallies


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


def findings_table(tallies: dict[str, Tally]) -> str:
    rows = ["| check | reviewed | made | precision | recall |", "|---|---:|---:|---:|---:|"]
    for check, tally in sorted(tallies.items()):
        reviewed = tally.true_positives + tally.false_negatives
        made = tally.true_positives + tally.false_positives
        rows.append(f"| {check} | {reviewed} | {made} | {tally.precision:.2f} | "
                    f"{tally.recall:.2f} |")
    return "\n".join(rows)


def table(tallies: dict[str, Tally], documents: int) -> str:
    rows = [f"| kind | labelled | found | precision | recall | {' | '.join(SCORED_FIELDS)} |",
            "|---|---:|---:|---:|---:|" + "---:|" * len(SCORED_FIELDS)]
    for kind, tally in sorted(tallies.items()):
        labelled = tally.true_positives + tally.false_negatives
        found = tally.true_positives + tally.false_positives
        fields = []
        for name in SCORED_FIELDS:
            accuracy = tally.field_accuracy(name)
            fields.append("-" if accuracy is None else
                          f"{accuracy:.2f} ({tally.field_total[name]})")
        rows.append(f"| {kind} | {labelled} | {found} | {tally.precision:.2f} | "
                    f"{tally.recall:.2f} | {' | '.join(fields)} |")
    return f"{documents} labelled documents\n\n" + "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="label files or folders (default fixtures/corpus)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and extra")
    arguments = parser.parse_args()
    files = label_files(arguments.paths)
    checks: dict[str, Tally] = {}
    labelled = sum(1 for f in files if load_expectation(f).data.get("kinds"))
    print(table(measure(files, arguments.verbose, checks), labelled))
    reviewed = sum(1 for f in files if "findings" in load_expectation(f).data)
    if reviewed:
        print(f"\nFindings of the default checks on the {reviewed} documents whose findings "
              f"were reviewed:\n\n{findings_table(checks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
