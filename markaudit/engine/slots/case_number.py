"""case_number: a FOIA or review case number, `2015-0772-M`, `M-2014-09876`, `#68177`.

Digits with dashes, and a letter at either end. Kept as written, in capitals.
"""

PATTERN = r"#?\s?(?:[A-Z]{1,3}-)?\d{2,6}(?:-\d{1,6}){0,3}(?:-[A-Z]{1,2})?(?![\w])"
PARSER = "upper"
