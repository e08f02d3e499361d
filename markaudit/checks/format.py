"""format: a parsed field is well formed.

Identifiers have a structure: a CREST document id is `CIA-RDP` + job year, series, job number,
`A`/`R`, twelve digits and a check digit; a JFK Act case number is `NW` + five digits. A field
that does not fit was misread by OCR or mistyped in a transcription.

```yaml
- id: release.crest-id-format
  type: format
  marking: release.cia-crest
  field: document_id
  pattern: 'CIA-RDP\\d{2}[A-Z-]\\d{5}[AR]\\d{12}-\\d'
  severity: warning
```

The pattern must match the whole field. Markings without the field are skipped.
Placeholders: `{field}`, `{value}`, `{pattern}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from markaudit.checks.base import CheckContext, Option, Violation, marking_ids
from markaudit.engine.compiled import compile_pattern

OPTIONS = {
    "marking": Option("markings", "the marking rule id(s) whose field is checked", required=True),
    "field": Option("text", "the parsed field to check", required=True),
    "pattern": Option("regex", "a regular expression the whole field must match",
                      required=True),
}
MESSAGE = "{field} '{value}' is not well formed (expected {pattern}); check the scan"
PLACEHOLDERS = ("field", "value", "pattern")


def run(options: Mapping[str, Any], context: CheckContext) -> Iterator[Violation]:
    pattern = compile_pattern(options["pattern"])
    for marking in context.select(marking_ids(options["marking"])):
        value = marking.fields.get(options["field"])
        if value is not None and not pattern.fullmatch(str(value)):
            yield Violation(page=marking.page, line=marking.line, markings=(marking,),
                            details={"field": options["field"], "value": value,
                                     "pattern": options["pattern"]})
