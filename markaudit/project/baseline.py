"""The baseline: findings a project has accepted, kept outside the text it audits.

A transcription must stay byte for byte the document, so a finding cannot be silenced by a
comment in the file. The baseline (YAML, or JSON when its name ends in `.json`) lists accepted
findings instead, each by document path (relative to the baseline's folder), rule, page and the
finding's fingerprint (a hash of rule, page and the text of its markings, not of line numbers,
so an entry survives lines added elsewhere). `message` is there for the reader; `reason`,
`reviewer` and `date` are the project's own and are kept by `markaudit baseline update`.
Entries are sorted by path, page, rule and fingerprint, one field per line, so that two branches
that accept different findings merge cleanly.

With `--baseline`, a finding that matches an entry is not reported; an entry of an audited
document that matches no finding any more is reported as `markaudit.unused-baseline-entry`
(info, like ruff's unused `noqa`), so the baseline does not rot. Entries for documents a run did
not audit (a pre-commit run sees only the files changed) are left alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markaudit.core.builtin import UNUSED_BASELINE_ENTRY
from markaudit.core.errors import MarkauditError
from markaudit.core.model import DocumentReport, Finding

UNUSED_RULE = UNUSED_BASELINE_ENTRY.id
FORMAT_VERSION = 1
REQUIRED = ("path", "rule", "fingerprint")
FIELDS = ("path", "page", "rule", "fingerprint", "message", "reason", "reviewer", "date")
HEADER = ("# markaudit baseline: accepted findings, not reported by `markaudit audit --baseline`.\n"
          "# Regenerate with `markaudit baseline update`; reason, reviewer and date are kept.\n")


class BaselineError(MarkauditError):
    """A baseline file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One accepted finding."""

    path: str
    rule: str
    fingerprint: str
    page: int | None = None
    message: str = ""
    reason: str | None = None
    reviewer: str | None = None
    date: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.fingerprint)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.page or 0, self.rule, self.fingerprint)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in FIELDS}
        # Notes a reviewer did not write are left out; page stays (null: the whole document).
        return {k: v for k, v in data.items() if v is not None or k == "page"}


class Baseline:
    """The entries of one baseline file, looked up by document."""

    def __init__(self, path: str | Path, entries: Iterable[Entry] = ()) -> None:
        self.path = Path(path)
        self.folder = Path(os.path.abspath(self.path.parent))
        self.entries = sorted(entries, key=Entry.sort_key)
        self._by_document: dict[str, dict[tuple[str, str], Entry]] = {}
        for entry in self.entries:
            self._by_document.setdefault(entry.path, {}).setdefault(entry.key, entry)

    def document_path(self, path: str) -> str:
        """A report's document path as the baseline writes it: relative to its folder."""
        return Path(os.path.relpath(os.path.abspath(path), self.folder)).as_posix()

    def apply(self, report: DocumentReport) -> DocumentReport:
        """The report without accepted findings, with a finding for each unused entry."""
        if report.errors or report.path == "<stdin>":
            return report
        accepted = self._by_document.get(self.document_path(report.path), {})
        if not accepted:
            return report
        used: set[tuple[str, str]] = set()
        kept: list[Finding] = []
        for finding in report.findings:
            key = (finding.rule, finding.fingerprint)
            if key in accepted:
                used.add(key)
            else:
                kept.append(finding)
        kept += [Finding(
            rule=UNUSED_RULE, severity=UNUSED_BASELINE_ENTRY.severity, page=entry.page, message=(
                f"baseline entry for {entry.rule} matches no finding any more "
                f"({entry.message or entry.fingerprint}); remove it with "
                f"`markaudit baseline update`"))
            for key, entry in accepted.items() if key not in used]
        return replace(report, findings=tuple(kept))

    def updated(self, reports: Iterable[DocumentReport]) -> tuple[Baseline, int, int]:
        """A baseline of the findings of `reports`, keeping the reviewers' notes of old entries.

        Entries of documents not in `reports` (or not readable this time) stay as they are.
        Returns the new baseline, the number of entries added and the number removed.
        """
        audited: set[str] = set()
        entries: list[Entry] = []
        for report in reports:
            if report.errors or report.path == "<stdin>":
                continue
            path = self.document_path(report.path)
            audited.add(path)
            old = self._by_document.get(path, {})
            seen: set[tuple[str, str]] = set()
            for finding in report.findings:
                key = (finding.rule, finding.fingerprint)
                if finding.rule == UNUSED_RULE or key in seen:
                    continue
                seen.add(key)
                previous = old.get(key)
                entries.append(Entry(
                    path=path, rule=finding.rule, fingerprint=finding.fingerprint,
                    page=finding.page, message=finding.message,
                    reason=previous.reason if previous else None,
                    reviewer=previous.reviewer if previous else None,
                    date=previous.date if previous else None))
        before = {(e.path, *e.key) for e in self.entries if e.path in audited}
        after = {(e.path, *e.key) for e in entries}
        entries += [e for e in self.entries if e.path not in audited]
        return Baseline(self.path, entries), len(after - before), len(before - after)

    def dumps(self) -> str:
        """The file's text: sorted, one field per line, stable from run to run."""
        data = {"version": FORMAT_VERSION, "entries": [e.to_dict() for e in self.entries]}
        if self.path.suffix == ".json":
            return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        import yaml

        return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000,
                                       default_flow_style=False)

    def save(self) -> None:
        from markaudit.core.files import write_atomic

        write_atomic(self.path, self.dumps())


def load(path: str | Path) -> Baseline:
    """Read a baseline file; every problem is a BaselineError naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline (create it with `markaudit baseline "
                            f"create PATHS -o {path}`)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read baseline: {error}") from None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BaselineError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from None
        except RecursionError:  # the decoder nests by recursion
            raise BaselineError(f"{path}: invalid JSON: nested too deeply") from None
        return Baseline(path, _entries(path, data, lambda node, key: None))
    import yaml

    from markaudit.engine import yamlfile

    try:
        data = yamlfile.load(text)
    except yaml.YAMLError as error:
        line = yamlfile.error_line(error)
        raise BaselineError(f"{path}{f':{line}' if line else ''}: "
                            f"{yamlfile.error_message(error)}") from None

    def line_of(node: Any, key: Any) -> int | None:
        return node.line_of(key) if hasattr(node, "line_of") else None

    return Baseline(path, _entries(path, data, line_of))


def _entries(path: Path, data: Any, line_of: Any) -> list[Entry]:
    def fail(message: str, node: Any = None, key: Any = None) -> BaselineError:
        line = line_of(node, key) if node is not None else None
        return BaselineError(f"{path}{f':{line}' if line else ''}: {message}")

    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("entries", []), list):
        raise fail("a baseline is a mapping with a list of `entries`")
    for key in data:
        if key not in ("version", "entries"):
            raise fail(f"unknown key '{key}' (a baseline has: version, entries)", data, key)
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise fail(f"version {data['version']!r} is not supported (this markaudit writes "
                   f"{FORMAT_VERSION})", data, "version")
    entries: list[Entry] = []
    items = data.get("entries") or []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise fail("each entry is a mapping of path, rule, page, fingerprint, ...",
                       items, index)
        for key in item:
            if key not in FIELDS:
                raise fail(f"unknown key '{key}' (an entry has: {', '.join(FIELDS)})",
                           item, key)
        for key in REQUIRED:
            if not isinstance(item.get(key), str) or not item[key]:
                raise fail(f"an entry needs `{key}` as text", item, key if key in item
                           else next(iter(item), None))
        page = item.get("page")
        if page is not None and (isinstance(page, bool) or not isinstance(page, int)):
            raise fail(f"page must be a number or null, not {page!r}", item, "page")
        notes = {k: None if item.get(k) is None else str(item[k])
                 for k in ("message", "reason", "reviewer", "date")}
        entries.append(Entry(path=item["path"], rule=item["rule"],
                             fingerprint=item["fingerprint"], page=page,
                             message=notes["message"] or "", reason=notes["reason"],
                             reviewer=notes["reviewer"], date=notes["date"]))
    return entries
