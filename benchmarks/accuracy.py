#!/usr/bin/env python3
"""Score the shipped rule pack against the hand-labelled real documents in fixtures/corpus/.

    python benchmarks/accuracy.py [--verbose] [LABEL_FILE_OR_FOLDER...]

For each kind of marking: precision and recall of markings (a label is found when a marking of
its kind starts within two lines of it), and the share of found markings whose parsed fields
(level, issuer, date) equal the label. The documents are read in place from ../shared/corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markaudit.audit import audit_file, default_rules_path  # noqa: E402
from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.expect import SCORED_FIELDS, Tally, load_expectation, score  # noqa: E402


def label_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for path in map(Path, paths or [ROOT / "fixtures" / "corpus"]):
        files.extend(sorted(path.rglob("*.expect.yaml")) if path.is_dir() else [path])
    return files


def measure(files: list[Path], verbose: bool = False) -> dict[str, Tally]:
    rules = load_rules([default_rules_path()])
    tallies: dict[str, Tally] = {}
    for file in files:
        expectation = load_expectation(file)
        misses = score(expectation, audit_file(expectation.document, rules), tallies)
        if verbose and misses:
            print(f"{file.relative_to(ROOT)}:", *(f"  {m}" for m in misses), sep="\n")
    return tallies


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
    print(table(measure(files, arguments.verbose), len(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
