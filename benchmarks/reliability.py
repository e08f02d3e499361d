#!/usr/bin/env python3
"""Time and memory of `markaudit audit` on pathological documents, with the default limits.

    python benchmarks/reliability.py [--sizes 20,100]

Generates, in a temporary folder: a 1 MB line with no line break (the synthetic fixtures' text,
repeated), and for each size in MB a file of typed pages (the synthetic fixtures, form feed
between them). Each is audited once with the default limits (`--timeout 60`, a page limit of
10 s, `--max-size 32`) and, for the large files, once with `--max-size 0` (no size limit), to
show what the limits bound. Prints wall time, peak memory (RSS) and the limit findings.
Nothing here is a test: it prints numbers to quote.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = ROOT / "fixtures" / "synthetic"

# Run in a child of its own, so that its peak memory is its alone.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.monotonic() - started, "code": result.returncode,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
                  "stdout": result.stdout, "stderr": result.stderr}))
"""


def measure(path: Path, *options: str) -> str:
    command = [sys.executable, "-m", "markaudit", "audit", str(path), "--no-cache", "-f", "json",
               *options]
    out = json.loads(subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout)
    try:
        [document] = json.loads(out["stdout"])["documents"]
    except ValueError:
        return f"exit {out['code']}: {out['stderr'].strip()}"
    limits = [f["message"] for f in document["findings"] if f["rule"] in (
        "markaudit.page-timeout", "markaudit.document-timeout")]
    what = "; ".join(document["errors"] + limits) or "searched in full"
    return (f"{out['seconds']:6.1f} s {out['peak_mb']:6,} MB  exit {out['code']}  "
            f"{document['pages']:,} pages  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,100", help="sizes in MB of the typed files")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SYNTHETIC.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as folder:
        line = Path(folder) / "line.txt"
        flat = " ".join(t.replace("\n", " ").replace("\f", " ") for t in texts)
        line.write_text((flat * (1_000_000 // len(flat) + 1))[:1_000_000], encoding="utf-8")
        print(f"1 MB line            {measure(line)}")
        pages = ("\f".join(texts) + "\f").encode("utf-8")
        for size in (int(s) for s in args.sizes.split(",")):
            big = Path(folder) / f"{size}mb.txt"
            started = time.monotonic()
            big.write_bytes((pages * (size * 1_000_000 // len(pages) + 1))[:size * 1_000_000])
            print(f"{size} MB (written in {time.monotonic() - started:.1f} s)")
            print(f"  default limits     {measure(big)}")
            print(f"  --max-size 0       {measure(big, '--max-size', '0')}")


if __name__ == "__main__":
    main()
