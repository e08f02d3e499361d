#!/usr/bin/env python3
"""Time the pre-commit hook's work: one transcription audited in a configured project.

    python benchmarks/hook.py [--runs 5]

Builds a throw-away project (a `markaudit.toml` with `input = "transcription"`, a baseline) around
the seed document and times, as the hook runs it, `markaudit audit FILE` (configuration found,
baseline applied, no cache: a commit's files are new to the cache), against
`python -c "import markaudit"`, the floor of any Python hook. Medians of `--runs` runs.
Nothing here is a test: it prints numbers to quote.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "frus-1962-10-27-inr.txt"


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    markaudit = shutil.which("markaudit") or str(Path(sys.executable).parent / "markaudit")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        shutil.copy(SEED, project / "memo.txt")
        (project / "markaudit.toml").write_text(
            'input = "transcription"\nbaseline = "markaudit-baseline.yaml"\n', encoding="utf-8")
        subprocess.run([markaudit, "baseline", "create", "memo.txt"], cwd=project, check=True,
                       capture_output=True)
        hook = median_seconds([markaudit, "audit", "memo.txt", "--no-cache"], project, runs)
        floor = median_seconds([sys.executable, "-c", "import markaudit"], project, runs)
    print(f"hook run, one file (config + baseline, no cache): {hook * 1000:.0f} ms; "
          f"import markaudit: {floor * 1000:.0f} ms ({hook / floor:.1f}x); median of {runs}")


if __name__ == "__main__":
    main()
