"""Errors a user can act on: each renders as one line naming the file (and line, for rules)."""

from __future__ import annotations

from dataclasses import dataclass


class MarkauditError(Exception):
    """Base of every error markaudit reports to a user without a traceback."""


class InputError(MarkauditError):
    """A document that could not be read: it is reported, and the run goes on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem in one rule file."""

    path: str
    line: int | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RuleFileError(MarkauditError):
    """Every problem found in the rule files, reported together before any document is read."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
