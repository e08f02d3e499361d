"""full_date: a date written out in full, read as YYYY-MM-DD: the month by its whole name and
a four-digit year (`October 27, 1962`, `27 October 1962`), or year first (`1962/10/27`).

The date a typist gives a document; the short forms of `date` (`10/27/62`, `27 Oct 62`) are as
often a stamp's date or a routing slip's.
"""

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December)")
PATTERN = (rf"(?:{_MONTH}[ \t]+\d{{1,2}},?[ \t]+\d{{4}}"
           rf"|\d{{1,2}}[ \t]+{_MONTH}[ \t]+\d{{4}}"
           r"|\d{4}/\d{1,2}/\d{1,2})(?!\d)")
PARSER = "date"
