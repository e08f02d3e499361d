"""Text for `markaudit rules list` and `markaudit rules explain`: what a rule pack holds."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import regex

from markaudit.checks import CHECK_TYPES
from markaudit.core.builtin import BUILTIN_FINDINGS, BuiltinFinding
from markaudit.engine.kinds import KINDS
from markaudit.engine.rules import CheckRule, MarkingRule, RuleSet
from markaudit.engine.slots import CODE_DOC, SLOT_TYPES
from markaudit.engine.spec import keys_reference

RAW_PATTERN = "pattern"  # the mark of a rule written as a regular expression, and its --kind

def uses_raw_pattern(rule: MarkingRule) -> bool:
    """Whether the rule is written with `pattern:`/`patterns:`, the expert's escape hatch,
    rather than in a declarative kind (phrase, stamp, banner, words)."""
    return not rule.declared


@dataclass(frozen=True, slots=True)
class RuleRow:
    """What `rules list` shows of a marking or a check."""

    id: str
    kind: str  # a marking's kind or a check's type
    raw_pattern: bool
    severity: str  # a check's; markings have none
    description: str  # whole, on one line
    source: str  # file name:line

    def cells(self) -> tuple[str, str, str, str, str]:
        """id, kind (marked `(pattern)` for a raw pattern), severity, the description's first
        sentence, source."""
        kind = f"{self.kind} ({RAW_PATTERN})" if self.raw_pattern else self.kind
        return self.id, kind, self.severity, _first_line(self.description), self.source

    def selected(self, kinds: Collection[str], text: str) -> bool:
        """In `kinds` (if any are given; `pattern` selects the raw patterns) and holding
        `text` in the id or description, whatever its case."""
        if kinds and self.kind not in kinds and not (self.raw_pattern and RAW_PATTERN in kinds):
            return False
        needle = text.casefold()
        return needle in self.id.casefold() or needle in self.description.casefold()


# A full stop ending a sentence: after a word, before a capital.
_SENTENCE_END = regex.compile(r"(?<=[a-z0-9)\]\"'][a-z0-9)\]\"'])\.\s+(?=[A-Z\"(])")


def _first_line(text: str) -> str:
    """The first sentence: its full stop outside quotes and brackets, where a description
    quotes a stamp ("1. (S) Classified By:") or names the U.S. Government."""
    text = " ".join(text.split())
    for end in _SENTENCE_END.finditer(text):
        before = text[:end.start()]
        if before.count("(") == before.count(")") and before.count('"') % 2 == 0:
            return before
    return text.rstrip(".")


def _short_source(source: str) -> str:
    path, _, line = source.rpartition(":")
    return f"{Path(path).name}:{line}"


def rule_rows(rules: RuleSet, kinds: Collection[str] = (), text: str = "") -> list[RuleRow]:
    """One row per marking and check, those of `kinds` holding `text` (see RuleRow.selected)."""
    rows = [RuleRow(m.id, m.kind, uses_raw_pattern(m), "", " ".join(m.description.split()),
                    _short_source(m.source)) for m in rules.markings]
    rows += [RuleRow(c.id, c.type, False, c.severity, " ".join(c.description.split()),
                     _short_source(c.source)) for c in rules.checks]
    return [row for row in rows if row.selected(kinds, text)]


def known_kinds(rules: RuleSet) -> set[str]:
    """What `--kind` may name: the markings' kinds, the check types, and `pattern`."""
    return {m.kind for m in rules.markings} | set(CHECK_TYPES) | {RAW_PATTERN}


def explain(rules: RuleSet, name: str) -> str | None:
    """The full explanation of a rule id or a check type, or None if neither exists."""
    for marking in rules.markings:
        if marking.id == name:
            return _explain_marking(marking)
    for check in rules.checks:
        if check.id == name:
            return _explain_check(check)
    if name in CHECK_TYPES:
        return f"check type {name}\n\n{check_type_doc(name)}"
    if name in KINDS:
        kind = KINDS[name]
        keys = "\n".join(f"  {key}: {text}" for key, text in kind.keys.items())
        return f"marking kind {name}\n\n{kind.doc}\n\nKeys:\n{keys}"
    if name in SLOT_TYPES:
        return f"slot type {name}\n\n{SLOT_TYPES[name].doc}"
    if name == "code":
        return f"slot type code\n\n{CODE_DOC}"
    if name == "keys":
        return keys_reference()
    if name in BUILTIN_FINDINGS:
        return _explain_builtin(BUILTIN_FINDINGS[name])
    if name == "builtin":
        return "\n\n".join(_explain_builtin(finding) for finding in BUILTIN_FINDINGS.values())
    return None


def _explain_builtin(finding: BuiltinFinding) -> str:
    description = textwrap.fill(finding.description, 96, initial_indent="  ",
                                subsequent_indent="  ")
    return (f"built-in finding {finding.id}\n  severity: {finding.severity} (by default)\n"
            f"  made by: {finding.made_by}\n{description}")


def check_type_doc(name: str) -> str:
    module = CHECK_TYPES[name]
    options = "\n".join(
        f"  {key}: {option.help}" + (" (required)" if option.required else
                                     f" (default: {option.default!r})")
        for key, option in module.OPTIONS.items()
    )
    return f"{inspect.cleandoc(module.__doc__ or '')}\n\nOptions:\n{options}"


def _explain_marking(rule: MarkingRule) -> str:
    lines = [f"marking {rule.id}", f"  kind: {rule.kind}", f"  defined at: {rule.source}"]
    if rule.description:
        lines.append(f"  description: {' '.join(rule.description.split())}")
    if rule.declared:
        lines.append(f"  {rule.declared} (as written):")
        lines += [f"    {line}" for line in rule.written]
        lines.append("  compiled to:")
    else:
        lines.append("  patterns:")
    lines += ["    " + pattern.rstrip().replace("\n", "\n    ") for pattern in rule.patterns]
    lines.append("  ocr edits: the pack's OCR policy" + (f", at most {rule.ocr_edits} a run"
                                                        if rule.ocr_edits else "")
                 if rule.declared else f"  ocr edits per word list: {rule.ocr_edits}")
    lines.append(f"  zones: {', '.join(sorted(rule.zones))}"
                 + ("; first page only" if rule.first_page_only else ""))
    if rule.fields:
        lines.append("  fields: " + ", ".join(f"{f.name} ({f.parser} of group {f.group})"
                                              for f in rule.fields))
    if rule.constants:
        lines.append("  fixed fields: " + ", ".join(f"{k}={v}" for k, v in rule.constants.items()))
    if rule.value:
        lines.append(f"  value: {rule.value}")
    for key, title in (("match", "matches"), ("no_match", "does not match")):
        for example in rule.examples.get(key, ()):
            lines.append(f"  {title}: {example!r}")
    return "\n".join(lines)


def _explain_check(check: CheckRule) -> str:
    lines = [f"check {check.id}", f"  type: {check.type}", f"  severity: {check.severity}",
             f"  defined at: {check.source}"]
    if check.description:
        lines.append(f"  description: {' '.join(check.description.split())}")
    lines.append(f"  message: {check.message}")
    lines += [f"  {key}: {value!r}" for key, value in check.options.items()]
    lines += ["", f"About the check type {check.type}:", "", check_type_doc(check.type)]
    return "\n".join(lines)
