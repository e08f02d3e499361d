"""Limits that keep one document from holding up a batch: time for the search, size to read.

Kept in a module of their own, with no imports, so that the command line can show them as its
defaults without loading the engine.
"""

from __future__ import annotations

RULE_TIMEOUT = 2.0  # seconds one pattern may search one stretch of a page
# Seconds all the rules together may search one page. A real page (a few thousand characters)
# takes milliseconds; only a pathological one (a megabyte with no line break) comes near this,
# and it must not hold a worker for minutes.
PAGE_TIMEOUT = 10.0
DOCUMENT_TIMEOUT = 60.0  # the default of `audit --timeout`: seconds for one document's search
# The default of `audit --max-size`, in megabytes. Reading takes about ten times a text's size
# in memory (its lines, pages and zones), and a search of more than a few megabytes runs into
# the time limit anyway; the largest document of the corpus is 0.27 MB, a 2,000-page OCR text 4.
MAX_DOCUMENT_MB = 32.0
# Lines a text file may hold to be read, with the size limit (--max-size 0 lifts both). Each line
# costs about 40 µs and 450 bytes to read into pages and zones, however short: 32 MB of two-byte
# lines (16 million) took 112 s and 7 GB. 32 MB of prose is about 500,000 lines; a million lines
# read in 20 to 40 s and under 0.5 GB.
MAX_DOCUMENT_LINES = 1_000_000
# Pages a PDF may have to be read. Reading costs about 20 ms a page however little a page holds,
# so a 3 MB file of 20,000 pages would take minutes; the largest release in the corpus has a few
# hundred pages, and a 5,000-page PDF is read in under two minutes.
MAX_PDF_PAGES = 5_000
