"""year: a year of four digits, 1900 to 2099 (`SANITIZED COPY FOR RELEASE {year}`)."""

PATTERN = r"(?:19|20)\d\d(?!\d)"
PARSER = "int"
