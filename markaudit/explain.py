"""Text for `markaudit rules list` and `markaudit rules explain`: what a rule pack holds."""

from __future__ import annotations

import inspect
from pathlib import Path

from markaudit.checks import CHECK_TYPES
from markaudit.engine.rules import CheckRule, MarkingRule, RuleSet


def _first_line(text: str) -> str:
    return " ".join(text.split()).split(". ")[0].rstrip(".") if text else ""


def _short_source(source: str) -> str:
    path, _, line = source.rpartition(":")
    return f"{Path(path).name}:{line}"


def rule_rows(rules: RuleSet) -> list[tuple[str, str, str, str, str]]:
    """One row per marking and check: id, kind or type, severity, description, source."""
    rows = [(m.id, m.kind, "", _first_line(m.description), _short_source(m.source))
            for m in rules.markings]
    rows += [(c.id, c.type, c.severity, _first_line(c.description), _short_source(c.source))
             for c in rules.checks]
    return rows


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
    return None


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
    lines.append("  patterns:")
    lines += ["    " + pattern.rstrip().replace("\n", "\n    ") for pattern in rule.patterns]
    lines.append(f"  ocr edits per word list or phrase: {rule.ocr_edits}")
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
