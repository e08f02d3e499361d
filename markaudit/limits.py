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
