#!/usr/bin/env python3
"""Every marking the shipped pack finds on ../shared/corpus, as one sorted TSV, and the
difference between two such files.

    python benchmarks/markings.py [-o FILE]          # write the snapshot (standard output)
    python benchmarks/markings.py --diff OLD NEW     # what changed, grouped by rule

A change to the rule pack or the engine is a behaviour change where it changes a marking on
the real corpus: the snapshot in tests/snapshots/ is the markings of the last reviewed pack,
and tests/test_snapshot.py fails on any difference not written there.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.run.audit import default_rules_path  # noqa: E402
from markaudit.run.source import audit_file  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
HEADER = "file\tpage\tline\tcolumn\trule\tkind\tvalue\tconfidence"
EXTENSIONS = (".txt", ".xml", ".hocr", ".pdf")


def corpus_files(root: Path = CORPUS) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in EXTENSIONS)


def snapshot_lines(root: Path = CORPUS) -> list[str]:
    """One line per marking of every corpus document, in file and reading order.

    The time limits are lifted: a snapshot must not depend on how busy the machine is (a
    page of the FBI Vault parts takes seconds, and a loaded machine would stop its search).
    """
    from markaudit.engine import detect

    limits = detect.PAGE_TIMEOUT, detect.RULE_TIMEOUT
    detect.PAGE_TIMEOUT = detect.RULE_TIMEOUT = 1e6  # regex takes no infinite timeout
    try:
        rules = load_rules([default_rules_path()])
        lines = [HEADER]
        for path in corpus_files(root):
            report = audit_file(path, rules)
            name = path.relative_to(root).as_posix()
            for m in report.markings:
                value = " ".join(m.value.split()).replace("\t", " ")
                lines.append(f"{name}\t{m.page}\t{m.line}\t{m.column}\t{m.rule}\t{m.kind}"
                             f"\t{value}\t{m.confidence:.3f}")
    finally:
        detect.PAGE_TIMEOUT, detect.RULE_TIMEOUT = limits
    return lines


def diff(old: list[str], new: list[str]) -> list[str]:
    """The markings only one side has, by rule: `- ` lost, `+ ` gained."""
    before, after = Counter(old[1:]), Counter(new[1:])
    lost, gained = before - after, after - before
    out = []
    for sign, side in (("-", lost), ("+", gained)):
        for line in sorted(side.elements()):
            out.append(f"{sign} {line}")
    rules = Counter(line.split("\t")[4] for line in lost.elements()) + Counter(
        line.split("\t")[4] for line in gained.elements())
    out.append(f"{sum(lost.values())} lost, {sum(gained.values())} gained, of "
               f"{len(old) - 1} -> {len(new) - 1}; by rule: "
               + ", ".join(f"{rule} {count}" for rule, count in rules.most_common()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.diff:
        old, new = (p.read_text(encoding="utf-8").splitlines() for p in args.diff)
        print("\n".join(diff(old, new)))
        return 0
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    text = "\n".join(snapshot_lines()) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
