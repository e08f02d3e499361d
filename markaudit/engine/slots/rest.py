"""rest: what follows on the line, up to 60 characters, kept as written; perhaps nothing.

For the free text after a caption: "Derived From: {source:rest}", "Classified By: {by:rest}".
Unlike `text`, which takes as little as the rest of the phrase allows, it reads to the end of
the line.
"""

PATTERN = r"[^\n]{0,60}"
PARSER = "text"
