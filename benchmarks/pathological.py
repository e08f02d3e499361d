#!/usr/bin/env python3
"""Time and memory of `markaudit audit` on the pathological inputs of issue 24 (items 2 and 4).

    python benchmarks/pathological.py [--only hocr-100k,fifo] [--checkout PATH] [--memory-mb N]
                                      [--give-up SECONDS]

Generates, in a temporary folder, each input the adversarial review found slow or unbounded,
and audits it alone with the default limits (`--timeout 5` where the issue used it):

- hOCR of unclosed `<span>` and stray `</b>` tags, 100, 200 and 400 KB;
- ALTO of 40,000 nested `<Page>` elements;
- a PDF whose 100 pages share one 16 KB content stream, and a PDF of 20,000 pages;
- a 32 MB text of 16 million two-byte lines;
- a folder holding a good document and `zero.txt -> /dev/zero` (followed), and one holding a
  named pipe, audited under a memory limit.

`--checkout` runs another copy of markaudit (say, `git archive main` unpacked) for the
before/after table. Prints wall time, peak memory (RSS) and what the report says. Nothing here
is a test: it prints numbers to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "frus-1962-10-27-inr.txt"

# Run in a child of its own, so that its peak memory is its alone; RLIMIT_AS when asked.
MEASURE = """
import json, resource, subprocess, sys, time
limit, give_up = int(sys.argv[1]), float(sys.argv[2])
def cap():
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit << 20, limit << 20))
started = time.monotonic()
try:
    result = subprocess.run(sys.argv[3:], capture_output=True, text=True, timeout=give_up,
                            preexec_fn=cap)
    code, out, err = result.returncode, result.stdout, result.stderr
except subprocess.TimeoutExpired:
    code, out, err = "none", "", f"still running after {give_up:g} s: killed"
print(json.dumps({"seconds": time.monotonic() - started, "code": code,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
                  "stdout": out, "stderr": err}))
"""


def hocr(kilobytes: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        head = ('<html><body><div class="ocr_page" title="bbox 0 0 100 100">'
                '<span class="ocr_line" title="bbox 0 0 10 10"><span class="ocrx_word">SECRET'
                '</span></span>')
        unit = "<span></b>"  # 10 bytes: an element never closed, an end tag never opened
        path = folder / f"unclosed-{kilobytes}k.hocr"
        path.write_text(head + unit * (kilobytes * 100) + "</div></body></html>",
                        encoding="utf-8")
        return path
    return make


def alto_nested(folder: Path) -> Path:
    path = folder / "nested.alto.xml"
    line = ('<TextLine><String CONTENT="SECRET" HPOS="0" VPOS="0" WIDTH="1" HEIGHT="1"/>'
            '</TextLine>')
    path.write_text('<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout>'
                    + "<Page>" * 40_000 + line + "</Page>" * 40_000 + "</Layout></alto>",
                    encoding="utf-8")
    return path


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the catalog first), with a valid xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def pdf_pages(pages: int, stream: bytes) -> bytes:
    """A PDF of `pages` pages that all draw the one content stream `stream`."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 3 0 R >> >> >>"] * pages
    return _pdf(objects)


def pdf_shared(folder: Path) -> Path:
    ops = b"BT /F1 12 Tf 72 720 Td (TOP SECRET) Tj ET\n"
    ops += b"BT /F1 9 Tf 72 700 Td (x) Tj ET\n" * (16_000 // 32)
    path = folder / "shared-stream.pdf"
    path.write_bytes(pdf_pages(100, ops))
    return path


def pdf_many(folder: Path) -> Path:
    path = folder / "twenty-thousand-pages.pdf"
    path.write_bytes(pdf_pages(20_000, b"BT /F1 12 Tf 72 720 Td (SECRET) Tj ET"))
    return path


def tiny_lines(folder: Path) -> Path:
    path = folder / "tiny-lines.txt"
    path.write_bytes(b"x\n" * 16_000_000)
    return path


def dev_zero(folder: Path) -> Path:
    box = folder / "zero-box"
    box.mkdir()
    shutil.copy(SEED, box / "a.txt")
    (box / "zero.txt").symlink_to("/dev/zero")
    return box


def fifo(folder: Path) -> Path:
    box = folder / "fifo-box"
    box.mkdir()
    shutil.copy(SEED, box / "a.txt")
    os.mkfifo(box / "pipe.txt")
    return box


CASES: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "hocr-100k": (hocr(100), ["--timeout", "5"]),
    "hocr-200k": (hocr(200), ["--timeout", "5"]),
    "hocr-400k": (hocr(400), ["--timeout", "5"]),
    "alto-nested": (alto_nested, ["--timeout", "5"]),
    "pdf-shared": (pdf_shared, ["--timeout", "5"]),
    "pdf-20000": (pdf_many, ["--timeout", "5"]),
    "tiny-lines": (tiny_lines, []),
    "dev-zero": (dev_zero, ["--follow-links", "--jobs", "1"]),
    "fifo": (fifo, ["--jobs", "1"]),
}


def measure(checkout: Path, path: Path, options: list[str], memory_mb: int,
            give_up: float) -> str:
    command = [sys.executable, "-m", "markaudit", "audit", str(path), "--no-cache", "-f",
               "json", *options]
    environment = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"}
    out = json.loads(subprocess.run(
        [sys.executable, "-c", MEASURE, str(memory_mb), str(give_up), *command], cwd=checkout,
        capture_output=True, text=True, check=True, env=environment).stdout)
    try:
        documents = json.loads(out["stdout"])["documents"]
    except ValueError:
        what = (out["stderr"].strip().splitlines() or [""])[-1][:150]
    else:
        what = "; ".join(f"{Path(d['path']).name}: {'; '.join(d['errors']) or 'audited'}"
                         for d in documents)[:150]
    return (f"{out['seconds']:7.1f} s {out['peak_mb']:7,} MB  exit {out['code']}  {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CASES), help="cases, comma-separated")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="markaudit to run")
    parser.add_argument("--memory-mb", type=int, default=0,
                        help="RLIMIT_AS for each run, in MB (0: none)")
    parser.add_argument("--give-up", type=float, default=900,
                        help="seconds after which a run is killed and reported as such")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.only.split(","):
            make, options = CASES[name]
            path = make(Path(folder))
            shown = measure(args.checkout, path, options, args.memory_mb, args.give_up)
            print(f"{name:12} {shown}", flush=True)


if __name__ == "__main__":
    main()
