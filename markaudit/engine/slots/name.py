"""name: a reviewer's name or initials, one to three words on the line (`By JK NARA`).

Kept as written. It never runs over a line's end.
"""

PATTERN = r"[^\W\d_][\w.'/-]{0,24}(?:[ \t]+[^\W\d_][\w.'/-]{0,24}){0,2}?"
PARSER = "text"
