"""date: a date in any of the archive's usual forms, read as YYYY-MM-DD.

`2004/06/23`, `10/27/62`, `11-09-2020`, `11 09 - 2020` (OCR's spacing), `27 Oct 1962`,
`October 27, 1962`. Two-digit years below 30 are read as 20xx, others as 19xx.

OCR reads a date's slashes as `1`, `I`, `l` or `|`, and its digits as `O` (0) or `Z` (2): a
CREST stamp's `2002111I18` is 2002/11/18, `2003I11IZ1` 2003/11/21. Such a form is read only
when it is the whole token and its month and day come out valid; otherwise no date.
"""

_MONTH = (r"(?:JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?"
          r"|SEPT?(?:EMBER)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)")
# year, a separator read as a letter or digit, month, the same, day: ten characters in all
_OCR_YMD = (r"(?<![\w/])(?:19|20)\d\d[/1Il|](?:[0O][1-9O]|1[0-2OZ])[/1Il|](?:[0-3OZ][\dOZ])"
            r"(?![\w/])")
PATTERN = (rf"(?:{_OCR_YMD}"
           r"|\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}"
           r"|\d{1,2}\s*[/.:-]\s*\d{1,2}\s*[/.:-]\s*-?\s*(?:\d{4}|\d{2})(?!\d)"
           r"|\d{2}\s\d{2}\s*-\s*\d{4}"
           rf"|{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}"
           rf"|\d{{1,2}}\s+{_MONTH}\.?,?\s+(?:\d{{4}}|\d{{2}})(?!\d))")
PARSER = "date"
