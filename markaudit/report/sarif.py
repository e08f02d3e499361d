"""SARIF 2.1.0: findings as static-analysis results, for GitHub code scanning and SARIF viewers.

Read by GitHub code scanning (`github/codeql-action/upload-sarif`), which shows each result as
an alert on the line of the document, and by SARIF viewers in editors. A result's
`partialFingerprints` come from the finding's fingerprint (rule, page and marking text, not line
numbers), so an alert survives lines moving above it and is closed only when the marking changes.

Written as it goes: results are streamed, one per line. The tool object (with its rules) and the
invocation come after the results, which JSON allows: that way a rule met in a finding but absent
from the rule pack still gets a descriptor and a valid `ruleIndex`. An unreadable document is a
result of markaudit.not-audited, like ruff's E902.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from markaudit.core.builtin import (
    BUILTIN_FINDINGS,
    DOCUMENT_TIMEOUT,
    NEEDS_OCR,
    NOT_AUDITED,
    PAGE_TIMEOUT,
    RULE_TIMEOUT,
)
from markaudit.core.model import (
    DocumentReport,
    Finding,
)
from markaudit.report.base import Reporter
from markaudit.report.json import indented
from markaudit.report.locate import confidence, position
from markaudit.run.rollup import Rollup

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "markaudit/v1"
# Described in every log, met or not, as before the registry: the findings of the search and
# of reading. The other built-in findings get their descriptor when met.
ALWAYS_DESCRIBED = (RULE_TIMEOUT, PAGE_TIMEOUT, DOCUMENT_TIMEOUT, NEEDS_OCR, NOT_AUDITED)


def artifact_uri(path: str) -> tuple[str, bool]:
    """(URI, is relative) of a document path as the user gave it.

    Relative paths stay relative (code scanning resolves them against the repository root),
    with forward slashes and percent-encoding: a space or '#' in a file name must not end the URI.
    """
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri(), False
    return quote(pure.as_posix(), safe="/"), True


def _location(path: str) -> dict[str, Any]:
    uri, relative = artifact_uri(path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    return {"physicalLocation": {"artifactLocation": artifact}}


def _first_sentence(text: str) -> str:
    return " ".join(text.split()).split(". ")[0].rstrip(".")


def _descriptor(rule_id: str, description: str, severity: str, kind: str,
                source: str = "") -> dict[str, Any]:
    full = " ".join(description.split()) or rule_id
    help_text = full
    if source:
        help_text += (f"\n\nDefined in {source}; `markaudit rules explain {rule_id}` prints "
                      "its options.")
    return {
        "id": rule_id,
        "shortDescription": {"text": _first_sentence(full) or rule_id},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"tags": ["markaudit", kind]},
    }


def _short_source(source: str) -> str:
    # Rule files are named by file name and line: a full path would name the auditor's machine.
    path, _, line = source.rpartition(":")
    return f"{PurePath(path).name}:{line}" if path else source


class SarifReporter(Reporter):
    """One run; results streamed as documents arrive; tool and invocation written at the end."""

    def start(self) -> None:
        self._rules: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}
        for check in self.run.rules.checks if self.run.rules else ():
            self._add_rule(_descriptor(check.id, check.description, check.severity, check.type,
                                       _short_source(check.source)))
        for builtin in ALWAYS_DESCRIBED:
            self._add_rule(_descriptor(builtin.id, builtin.description, builtin.severity,
                                       "built-in"))
        self._results = 0
        self.stream.write('{\n  "$schema": ' + json.dumps(SCHEMA_URI)
                          + ',\n  "version": "2.1.0",\n  "runs": [{\n'
                          + '    "columnKind": "unicodeCodePoints",\n    "results": [')

    def _add_rule(self, descriptor: dict[str, Any]) -> int:
        self._index[descriptor["id"]] = len(self._rules)
        self._rules.append(descriptor)
        return self._index[descriptor["id"]]

    def _rule_index(self, finding: Finding) -> int:
        index = self._index.get(finding.rule)
        if index is None:
            builtin = BUILTIN_FINDINGS.get(finding.rule)
            if builtin is not None:
                return self._add_rule(_descriptor(builtin.id, builtin.description,
                                                  builtin.severity, "built-in"))
            # A finding of a rule the pack does not describe (no rule set given): name it anyway.
            index = self._add_rule(_descriptor(finding.rule, "", finding.severity, "unknown"))
        return index

    def document(self, document: DocumentReport) -> None:
        # An unreadable document is a result like any other finding (markaudit.not-audited),
        # shown as an alert on the file, unless the project ignores that rule.
        classification = document.classification.to_dict() if document.classification else None
        for finding in document.findings:
            result = self._result(document.path, finding, document.page_line(finding.page))
            result["properties"]["classification"] = classification
            self.stream.write(("," if self._results else "") + "\n      "
                              + json.dumps(result, ensure_ascii=False))
            self._results += 1

    def _result(self, path: str, finding: Finding, page_line: int | None = None
                ) -> dict[str, Any]:
        line, column = position(finding)
        # A finding about a whole page (a missing banner) points at the page's first line.
        region: dict[str, int] = {"startLine": line or page_line or 1}
        if column is not None and line is not None:
            region["startColumn"] = column
            first = next(m for m in finding.markings if m.line == line and m.column == column)
            if "\n" not in first.text:
                region["endColumn"] = column + len(first.text)
        location = _location(path)
        location["physicalLocation"]["region"] = region
        properties: dict[str, Any] = {"severity": finding.severity}
        if finding.page is not None:
            properties["page"] = finding.page
        if finding.pages:
            properties["pages"] = list(finding.pages)
        if finding.causes:
            properties["causes"] = [cause.to_dict() for cause in finding.causes]
        if (sure := confidence(finding)) is not None:
            properties["confidence"] = sure
        # Where on the scan (ALTO, hOCR, PDF input), so that a viewer can open the spot.
        placed = next((m for m in finding.markings if m.box is not None), None)
        if placed is not None:
            properties["box"] = list(placed.box or ())
            if placed.page_size is not None:
                properties["pageSize"] = list(placed.page_size)
        if (image := next((m.image for m in finding.markings if m.image), None)) is not None:
            properties["image"] = image
        return {
            "ruleId": finding.rule,
            "ruleIndex": self._rule_index(finding),
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
            "properties": properties,
        }

    def finish(self, rollup: Rollup) -> None:
        driver = {"name": "markaudit", "version": self.run.version, "rules": self._rules}
        notifications = []
        if rollup.partial:
            notifications.append({"level": "error", "message": {
                "text": "the run was interrupted: these results cover only what was audited"}})
        invocation: dict[str, Any] = {
            "executionSuccessful": not notifications,
            "toolExecutionNotifications": notifications,
        }
        close = "\n    ]" if self._results else "]"
        self.stream.write(f'{close},\n    "tool": {indented({"driver": driver}, 2)},\n'
                          f'    "invocations": [{indented(invocation, 2)}]\n  }}]\n}}\n')

