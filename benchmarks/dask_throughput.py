#!/usr/bin/env python3
"""Time the Dask engine on a local cluster against the local engine, on the same collection.

    python benchmarks/dask_throughput.py [--documents N] [--runs 3] [--workers 2]

Builds the collection of `benchmarks/throughput.py` (real pages recombined with a fixed seed),
then times the installed `markaudit` command, without the cache:

- local engine, `--jobs N` worker processes;
- Dask engine, `--engine dask --jobs N`: a local cluster of N processes started by the run
  (its start-up included, as a user pays it);
- Dask engine on a cluster already running (`--scheduler`), N worker processes of one thread:
  the per-run cost of the cluster taken out.

Every figure is the median of `--runs` runs; the reports of the three are checked identical.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.throughput import build_collection, median_run, real_pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()

    from distributed import LocalCluster

    markaudit = shutil.which("markaudit", path=str(Path(sys.executable).parent)) or "markaudit"
    workspace = Path(tempfile.mkdtemp(prefix="markaudit-dask-bench-"))
    folder = workspace / "collection"
    try:
        page_count, size = build_collection(folder, options.documents, real_pages())
        print(f"collection: {options.documents} documents, {page_count} pages, "
              f"{size / 2**20:.1f} MiB; {options.workers} workers; median of {options.runs} "
              "runs, no cache\n")

        def audit(name: str, *args: str) -> list[str]:
            return [markaudit, "audit", str(folder), "--no-cache", "--format", "json",
                    "--output", str(workspace / f"{name}.json"), "--jobs",
                    str(options.workers), *args]

        def line(label: str, seconds: float) -> None:
            print(f"{label:<44}{seconds:8.2f} s  {page_count / seconds:7,.0f} pages/s")

        local, _ = median_run(audit("local"), options.runs)
        line("local engine", local)
        started, _ = median_run(audit("dask", "--engine", "dask"), options.runs)
        line("dask, local cluster started by the run", started)
        with LocalCluster(n_workers=options.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster:
            running, _ = median_run(audit("running", "--scheduler", cluster.scheduler_address),
                                    options.runs)
        line("dask, cluster already running", running)
        reports = [json.loads((workspace / f"{n}.json").read_text(encoding="utf-8"))
                   for n in ("local", "dask", "running")]
        same = all(r["documents"] == reports[0]["documents"] for r in reports)
        print(f"\ndask (started by the run) over local: {local / started:5.2f}x; "
              f"cluster running: {local / running:5.2f}x; reports identical: {same}")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    main()
