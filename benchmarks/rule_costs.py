#!/usr/bin/env python3
"""Time each marking rule's search on real pages: which rules the engine's time goes to.

    python benchmarks/rule_costs.py [--pages 900] [--top 15] [--rules DIR]

Takes the pages `benchmarks/throughput.py` builds its collection from (fixtures and, when it is
there, `../shared/corpus`), a fixed sample of `--pages` of them, and runs detection on them once
with the whole pack (the total a run pays), then once per rule with that rule alone, in one
process, after one warm-up page so that compiling is not counted. Prints pages/s for the whole
pack and the rules that cost the most, with the markings each found. A rule's time alone also
counts the page's normalising and scanning, which the whole pack pays once: the `floor` line is
that shared cost, timed with no rule at all. Times are the process's CPU time, which other
work on the machine disturbs less than the clock.

Nothing here is a test: it prints numbers to compare before and after a change to a rule or the
engine, in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.throughput import real_pages  # noqa: E402
from markaudit.core.model import Document  # noqa: E402
from markaudit.engine.detect import detect  # noqa: E402
from markaudit.engine.rules import load_rules  # noqa: E402
from markaudit.engine.ruleset import RuleSet  # noqa: E402
from markaudit.read.text import document_from_text  # noqa: E402
from markaudit.run.audit import default_rules_path  # noqa: E402


def timed_detect(documents: list[Document], rules: RuleSet) -> tuple[float, int]:
    """Seconds to detect every document with `rules`, and the markings found."""
    detect(documents[0], rules)  # compiles what the rules need, outside the timing
    began = time.process_time()
    found = sum(len(detect(document, rules)) for document in documents)
    return time.process_time() - began, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=900)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--rules", type=Path, default=None, help="the pack (default: shipped)")
    options = parser.parse_args()
    pages = real_pages()
    sample = random.Random(1962).sample(pages, min(options.pages, len(pages)))
    documents = [document_from_text(text, f"page{number}.txt")
                 for number, text in enumerate(sample)]
    rules = load_rules([options.rules or default_rules_path()])
    total, found = timed_detect(documents, rules)
    print(f"whole pack: {len(sample) / total:,.0f} pages/s ({total:.2f} s, {found} markings, "
          f"{len(rules.markings)} rules)")
    floor, _ = timed_detect(documents, replace(rules, markings=()))
    print(f"floor (no rule): {floor:.2f} s")
    costs = []
    for rule in rules.markings:
        seconds, count = timed_detect(documents, replace(rules, markings=(rule,)))
        costs.append((seconds - floor, rule.id, "pattern" if not rule.declared else rule.declared,
                      count))
    costs.sort(reverse=True)
    print(f"{'rule':45} {'kind':8} {'seconds':>8} {'found':>6}")
    for seconds, rule_id, kind, count in costs[:options.top]:
        print(f"{rule_id:45} {kind:8} {seconds:8.2f} {count:6}")
    print(f"sum over rules: {sum(c[0] for c in costs):.2f} s")


if __name__ == "__main__":
    main()
