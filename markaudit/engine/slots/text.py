"""text: any text on the line, at most 40 characters, as short as the rest allows.

For what a stamp writes by hand or a form leaves blank. Kept as written.
"""

PATTERN = r"[^\n]{1,40}?"
PARSER = "text"
