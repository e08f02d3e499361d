"""date: a date in any of the archive's usual forms, read as YYYY-MM-DD.

`2004/06/23`, `10/27/62`, `11-09-2020`, `11 09 - 2020` (OCR's spacing), `27 Oct 1962`,
`October 27, 1962`. Two-digit years below 30 are read as 20xx, others as 19xx.
"""

_MONTH = (r"(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
          r"|SEPT?(?:EMBER)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)")
PATTERN = (r"(?:\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}"
           r"|\d{1,2}\s*[/.:-]\s*\d{1,2}\s*[/.:-]\s*-?\s*(?:\d{4}|\d{2})(?!\d)"
           r"|\d{2}\s\d{2}\s*-\s*\d{4}"
           rf"|{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}"
           rf"|\d{{1,2}}\s+{_MONTH}\.?,?\s+(?:\d{{4}}|\d{{2}})(?!\d))")
PARSER = "date"
