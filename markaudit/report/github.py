"""GitHub Actions workflow commands: each finding an annotation on the line of its document.

Read by the GitHub Actions runner, which turns each `::error file=…,line=…::message` line of a
step's output into an annotation on the pull request's diff and the run's summary (as ruff's
`github` format does). GitHub shows at most 10 errors and 10 warnings per step and 50 per job:
the full report belongs in another format written beside this one.
"""

from __future__ import annotations

import re

from markaudit.core.model import DocumentReport, Finding
from markaudit.report.base import Reporter
from markaudit.report.locate import position
from markaudit.run.rollup import Rollup

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
# Other control characters pass through the runner into the log, where an ESC starts a colour
# sequence and a form feed or line separator breaks the line for other readers of the output:
# in document text they are OCR debris, shown as U+FFFD.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


def escape_data(text: str) -> str:
    """The message part, escaped as the runner unescapes it (actions/toolkit `escapeData`)."""
    text = CONTROL.sub("\ufffd", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ':' and ',', which would end the value early."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}"
                      for key, value in properties.items() if value is not None)
    return f"::{kind} {fields}::{escape_data(message)}\n"


def annotation(path: str, finding: Finding) -> str:
    line, column = position(finding)
    # A finding without a line (about the whole document) is a file-level annotation: a made-up
    # line 1 would point a reviewer at text that has nothing to do with it.
    return command(COMMANDS[finding.severity], finding.message, file=path, line=line,
                   col=column if line is not None else None, title=finding.rule)


class GithubReporter(Reporter):
    """One workflow command per finding, and one error per unreadable document."""

    def document(self, document: DocumentReport) -> None:
        for finding in document.findings:
            self.stream.write(annotation(document.path, finding))

    def finish(self, rollup: Rollup) -> None:
        self.stream.flush()
