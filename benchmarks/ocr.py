#!/usr/bin/env python3
"""Time OCR: pages per second per core of scans read by Tesseract, beside text-only throughput.

    python benchmarks/ocr.py [--copies 1] [--runs 1] [--html]

The collection is the committed scans (fixtures/ocr/scans: the seed as a multi-page TIFF and as
an image-only PDF, crest-memo as a TIFF, nara-nnd as a PNG per page; 9 pages), `--copies` times
over. Each copy of a page is the same image, so the copies are audited with `--no-cache`, which
turns the OCR cache off too: every page is OCR'd. Timed, as a user runs the installed command:

- cold, 1 worker and 2 workers: every page OCR'd (pages/s, and pages per CPU-second: what one
  core does, the figure that holds on a machine other programs share);
- warm: the same run again with a cache (the reports come from it);
- OCR cache only: a run with another rule pack (every report is made again, every page's text
  comes from the OCR cache, no page is OCR'd);
- text only: the text versions of the same documents, 50 times over, 2 workers, no cache;
- with `--html`: the size of the html report of the scans, pictures embedded and beside it.

Figures are the median of `--runs` runs. Nothing here is a test: it prints numbers to quote.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "fixtures" / "ocr" / "scans"
TEXTS = [ROOT / "fixtures" / "frus-1962-10-27-inr.txt",
         ROOT / "fixtures" / "synthetic" / "crest-memo.txt",
         ROOT / "fixtures" / "synthetic" / "nara-nnd.txt"]
PAGES_PER_COPY = 9  # 2 + 2 (seed TIFF and PDF) + 3 (crest-memo) + 2 (nara-nnd PNGs)
TEXT_COPIES = 50


def command() -> list[str]:
    found = shutil.which("markaudit")
    return [found, "audit"] if found else [sys.executable, "-m", "markaudit", "audit"]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(arguments: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds of a run, and the CPU seconds it and its processes (workers,
    Tesseract) used: on a shared machine the second tells a core's throughput."""
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run([*command(), *arguments], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"markaudit failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, _cpu() - cpu


def median(arguments: Sequence[str], runs: int,
           env: dict[str, str] | None = None) -> tuple[float, float]:
    results = [timed(arguments, env) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--html", action="store_true", help="also measure the html report")
    options = parser.parse_args()
    if shutil.which("tesseract") is None:
        raise SystemExit("Tesseract is not installed (apt-get install tesseract-ocr)")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        scans, texts = work / "scans", work / "texts"
        for copy in range(options.copies):
            for scan in sorted(SCANS.glob("*.*")):
                if scan.suffix in (".tif", ".png", ".pdf"):
                    target = scans / f"{copy:03d}" / scan.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(scan, target)
        for copy in range(TEXT_COPIES):
            for text in TEXTS:
                target = texts / f"{copy:03d}" / text.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(text, target)
        pages = PAGES_PER_COPY * options.copies
        report = ["-f", "json", "-o", os.devnull]
        print(f"scans: {pages} pages ({options.copies} x 9); tesseract on PATH; "
              f"median of {options.runs} run(s)")

        def line(label: str, times: tuple[float, float], count: int) -> None:
            seconds, cpu = times
            print(f"{label:<36}{seconds:8.2f} s  {count / seconds:8.2f} pages/s  "
                  f"{cpu:8.2f} CPU s  {count / cpu:7.2f} pages per CPU-second (one core)")

        one = median([str(scans), "--no-cache", "-j", "1", *report], options.runs)
        line("OCR, cold, 1 worker", one, pages)
        two = median([str(scans), "--no-cache", "-j", "2", *report], options.runs)
        line("OCR, cold, 2 workers", two, pages)
        cache = {"MARKAUDIT_CACHE_DIR": str(work / "cache")}
        timed([str(scans), "-j", "2", *report], cache)
        warm = median([str(scans), "-j", "2", *report], options.runs, cache)
        line("warm (reports from the cache)", warm, pages)
        other = work / "other.yaml"
        other.write_text("markings: []\n", encoding="utf-8")
        pages_only = median([str(scans), "-j", "2", "--rules", str(other), *report],
                            options.runs, cache)
        line("OCR cache only (another pack)", pages_only, pages)
        text_pages = (2 + 3 + 2) * TEXT_COPIES
        text = median([str(texts), "--no-cache", "-j", "2", *report], options.runs)
        line(f"text only, {text_pages} pages, 2 workers", text, text_pages)
        print(f"2 workers over 1 (OCR, wall clock):  {one[0] / two[0]:5.2f}x")
        if options.html:
            for mode in ("embed", "beside"):
                page = work / f"report-{mode}.html"
                timed([str(scans), "-j", "2", "-f", "html", "-o", str(page),
                       "--html-images", mode], cache)
                beside = work / f"report-{mode}-pages"
                pictures = sum(p.stat().st_size for p in beside.glob("*")) if beside.is_dir() \
                    else 0
                print(f"html, pictures {mode:<7} {page.stat().st_size / 1e6:8.2f} MB report"
                      f" + {pictures / 1e6:.2f} MB pictures = "
                      f"{(page.stat().st_size + pictures) / pages / 1e3:.0f} kB a page")


if __name__ == "__main__":
    main()
