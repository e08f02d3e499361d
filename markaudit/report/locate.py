"""Where a finding points, as the formats that place findings in a file (SARIF, GitHub, ...) ask.

A finding may carry a line, or only the markings it concerns, or neither (a finding about the
whole document). Every format that places findings in a file asks the same two questions, so
they are answered once here.
"""

from __future__ import annotations

from markaudit.core.model import Classification, Finding


def position(finding: Finding) -> tuple[int | None, int | None]:
    """(line, column) of a finding, 1-based; None where it is not known.

    The line is the finding's own, else its first marking's. The column is that of a marking on
    that line: a column taken from a marking on another line would point at the wrong text.
    """
    line = finding.line
    if line is None and finding.markings:
        line = finding.markings[0].line
    column = next((m.column for m in finding.markings if m.line == line and m.column > 0), None)
    return line, column


def confidence(finding: Finding) -> float | None:
    """The highest confidence among the finding's markings: how sure the reading behind it is."""
    return max((m.confidence for m in finding.markings), default=None)


def marking_texts(finding: Finding, separator: str = " | ") -> str:
    """The raw texts of the finding's markings, each on one line, joined."""
    return separator.join(" ".join(m.text.split()) for m in finding.markings)


def level_text(classification: Classification | None) -> str:
    """'TOP SECRET -- EYES ONLY', as the console heading writes it; '' when nothing is marked."""
    if classification is None:
        return ""
    if classification.caveats:
        return f"{classification.level} -- {'/'.join(classification.caveats)}"
    return classification.level
