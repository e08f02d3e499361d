"""jfk_record: a JFK Assassination Records record number, `104-10049-10369`."""

PATTERN = r"\d{3}\s?-\s?\d{5}\s?-\s?\d{5}"
PARSER = "upper"
