#!/usr/bin/env python3
"""Time the pre-commit hook's work: one transcription audited in a configured project.

    python benchmarks/hook.py [--runs 5]

Builds a throw-away project (a `markaudit.toml` with `input = "transcription"`, a baseline) around
the seed document and times, as the hook runs it, `markaudit audit FILE` (configuration found,
baseline applied), against `python -c "import markaudit"`, the floor of any Python hook, and
against the import of typer and rich, which the command line and its console report need:

- first commit: the project's cache folder is empty (removed before every run): the pack is
  parsed, checked and compiled, then kept in the cache folder;
- later commits: the file's text changes before every run (a commit's files are new to the
  report cache), the cache folder keeps the loaded and compiled pack from the runs before.

The interpreter writes bytecode as an installed package has it (PYTHONDONTWRITEBYTECODE is
cleared for the runs). Medians of `--runs` runs. Nothing here is a test: it prints numbers to
quote.

Beside it, in the same run, yamllint linting one small YAML file (the Python linter our users
know from pre-commit; `pip install yamllint`, skipped when it is not installed): the issue's
target is a hook run no slower than it. The runs of the two alternate, so that a machine that
gets busier part way through slows both alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "frus-1962-10-27-inr.txt"


# The project's own cache folder, `.markaudit_cache/`, whatever this shell names.
ENVIRONMENT = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "MARKAUDIT_CACHE_DIR")}


def median_seconds(command: list[str], cwd: Path, runs: int, edit: Path | None = None,
                   empty: Path | None = None) -> float:
    times = []
    for run in range(runs):
        if empty is not None:
            shutil.rmtree(empty, ignore_errors=True)
        if edit is not None:
            with edit.open("a", encoding="utf-8") as text:
                text.write(f"\nA line added by commit {run}.\n")
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False, env=ENVIRONMENT)
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
        first = median_seconds([markaudit, "audit", "memo.txt"], project, runs,
                               empty=project / ".markaudit_cache")
        later = median_seconds([markaudit, "audit", "memo.txt"], project, runs + 1,
                               edit=project / "memo.txt")
        yamllint = shutil.which("yamllint") or str(Path(sys.executable).parent / "yamllint")
        lint = None
        if Path(yamllint).exists():
            (project / "small.yaml").write_text("key: value\nlist:\n  - 1\n  - 2\n",
                                                encoding="utf-8")
            pairs = [(median_seconds([markaudit, "audit", "memo.txt"], project, 1,
                                     edit=project / "memo.txt"),
                      median_seconds([yamllint, "small.yaml"], project, 1))
                     for _ in range(runs)]
            lint = statistics.median(y for _, y in pairs)
            later_paired = statistics.median(m for m, _ in pairs)
        floor = median_seconds([sys.executable, "-c", "import markaudit"], project, runs)
        libraries = median_seconds([sys.executable, "-c", "import typer, rich.console"],
                                   project, runs)
    print(f"import markaudit: {floor * 1000:.0f} ms; median of {runs}")
    print(f"import typer, rich.console (the command line's libraries, paid by any run): "
          f"{libraries * 1000:.0f} ms ({libraries / floor:.1f}x)")
    print(f"hook run, one file, first commit (empty cache): {first * 1000:.0f} ms "
          f"({first / floor:.1f}x)")
    print(f"hook run, one file, later commits (changed text): {later * 1000:.0f} ms "
          f"({later / floor:.1f}x)")
    if lint is not None:
        print(f"yamllint, one small file: {lint * 1000:.0f} ms; the hook run alternating with "
              f"it: {later_paired * 1000:.0f} ms ({later_paired / lint:.2f}x yamllint)")
    else:
        print("yamllint: not installed (pip install yamllint), not compared")


if __name__ == "__main__":
    main()
