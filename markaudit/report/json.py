"""The JSON report: a public interface, documented in the README. Keep it stable."""

from __future__ import annotations

import json

from markaudit.model import Report


def render(report: Report, **_: object) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
