"""rdp: the CREST document number of a CIA release stamp, `CIA-RDP65B00383R000200240010-5`.

Its parts become fields too: `job_year` (65), `series` (B), `job` (383), `box` (2),
`folder` (24), `sequence` (10). OCR's `ClA`, `C1A` and `O` for zero are read.
"""

PATTERN = (r"C[I1l]A-?\s?RDP(?P<job_year>\d\d)(?P<series>[A-Z]|-)(?P<job>[\dO]{5})[AR]"
           r"(?P<box>[\dO]{4})\s?(?P<folder>[\dO]{4})\s?(?P<sequence>[\dO]{4})\s?-\s?\d")
PARSER = "rdp"
SUBFIELDS = {"job_year": "int", "series": "text", "job": "int", "box": "int", "folder": "int",
             "sequence": "int"}
