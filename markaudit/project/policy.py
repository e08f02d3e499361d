"""What a run makes of each document's findings: severities first, then which ones it keeps.

The checks write the same findings whatever the project; a project's configuration (or the
command line) then decides, in the main process and after the cache, so that cached reports stay
valid whatever the settings:

1. `grade`: for input `transcription`, typing errors in markings become findings, and a check
   whose type declares a `TRANSCRIPTION_SEVERITY` takes it (`every_page`: a missing banner is an
   error, since a transcription carries every banner its page has); then the `severity`
   overrides, the most specific id or prefix winning.
2. (the baseline, in `markaudit.project.baseline`, drops accepted findings)
3. `keep`: `--severity`, `select` / `ignore` by id or prefix, `per-file-ignores`, and
   `min-confidence`: a finding about markings that were all read below that confidence is
   dropped (a finding about a missing marking names none and is kept).
4. `word`: for transcriptions, messages lose their clause about OCR.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex

from markaudit.checks import CHECK_TYPES
from markaudit.core.model import DocumentReport, Finding, count_occurrences
from markaudit.engine.rules import RuleSet
from markaudit.project.config import matches

_OCR_CLAUSE = regex.compile(r";[^;]*\bOCR\b[^;]*$")


@dataclass
class Policy:
    """Settings merged from the configuration file and the command line."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    per_file_ignores: Mapping[str, Sequence[str]] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)  # per-file-ignores globs are relative to it
    min_confidence: float = 0.0
    input: str = "ocr"
    severities: tuple[str, ...] = ()  # --severity: report only these (empty: every one)

    def __post_init__(self) -> None:
        if self.per_file_ignores:  # pathspec only when there are globs: a hook run has none
            from pathspec import GitIgnoreSpec

            self._per_file = [(GitIgnoreSpec.from_lines([glob]), tuple(ids))
                              for glob, ids in self.per_file_ignores.items()]
        else:
            self._per_file = []
        self._transcribed: dict[str, str] = {}  # check id -> its severity on transcriptions
        self._caps: dict[str, float] = {}

    def bind(self, rules: RuleSet) -> Policy:
        """Learn from the rule pack the severity its check types give transcriptions, and how
        sure each rule gets."""
        self._transcribed = {c.id: severity for c in rules.checks if (severity := getattr(
            CHECK_TYPES.get(c.type), "TRANSCRIPTION_SEVERITY", None)) is not None}
        self._caps = {m.id: m.max_confidence for m in rules.markings}
        return self

    @property
    def transcription(self) -> bool:
        return self.input == "transcription"

    def grade(self, report: DocumentReport) -> DocumentReport:
        findings = list(report.findings)
        if self.transcription:
            from markaudit.project.fix import (
                misspellings,  # transcriptions only: an OCR run does without
            )

            findings = [replace(f, severity=self._transcribed[f.rule])  # type: ignore[arg-type]
                        if f.rule in self._transcribed else f for f in findings]
            findings += misspellings(report, self._caps)
            findings.sort(key=lambda f: (f.page or 0, f.line or 0, f.rule))
            findings = count_occurrences(findings)
        if self.severity:
            findings = [self._override(f) for f in findings]
        return replace(report, findings=tuple(findings))

    def word(self, report: DocumentReport) -> DocumentReport:
        """For transcriptions, messages without their closing clause about OCR ("; OCR may
        have lost it, check the scan"): a transcription is typed from the page. After the
        baseline, whose fingerprints hold the messages as the checks wrote them."""
        if not self.transcription:
            return report
        findings = tuple(replace(f, message=message) if (message := _OCR_CLAUSE.sub(
            "", f.message)) != f.message else f for f in report.findings)
        return replace(report, findings=findings)

    def _override(self, finding: Finding) -> Finding:
        named = [s for s in self.severity if matches(s, finding.rule)]
        if not named:
            return finding
        most_specific = max(named, key=len)
        return replace(finding, severity=self.severity[most_specific])  # type: ignore[arg-type]

    def keep(self, report: DocumentReport) -> DocumentReport:
        ignored = list(self.ignore)
        if self._per_file and report.path != "<stdin>":
            relative = Path(os.path.relpath(os.path.abspath(report.path), self.root)).as_posix()
            for spec, ids in self._per_file:
                if spec.match_file(relative):
                    ignored.extend(ids)
        findings = tuple(f for f in report.findings if self._wanted(f, ignored))
        return report if len(findings) == len(report.findings) else \
            replace(report, findings=findings)

    def _wanted(self, finding: Finding, ignored: Sequence[str]) -> bool:
        if self.severities and finding.severity not in self.severities:
            return False
        if self.select and not any(matches(s, finding.rule) for s in self.select):
            return False
        if any(matches(s, finding.rule) for s in ignored):
            return False
        return not (self.min_confidence and finding.markings and
                    all(m.confidence < self.min_confidence for m in finding.markings))
