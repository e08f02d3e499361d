"""number: a number of one to ten digits, possibly with dashes (`NND 959000`, `94-484`).

OCR's letters for digits (`O` for 0, `l` or `I` for 1) are read as the digits. The value
is kept as text, in capitals, so that dashes and leading zeros survive.
"""

PATTERN = r"[\dOIl](?:[\dOIl]|-(?=[\dOIl])){0,11}(?<=\d)(?![\w])|\d(?![\w])"
PARSER = "upper"
