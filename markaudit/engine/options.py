"""The option kinds of checks: what each kind of option takes, and the error a wrong value gets.

A check type declares its options (`markings`, `level`, `condition`...; markaudit/checks/);
`option_value` judges a check's value for one against the pack's markings and levels. The
loader (engine/rules.py) and a pack read back from the cache (engine/packdata.py) both use it.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import string
from typing import Any

import regex

from markaudit.checks.base import CONDITION_KEYS, Option
from markaudit.engine.compiled import compile_pattern
from markaudit.engine.spec import ZONES


def option_value(option: Any, value: Any, marking_ids: set[str],
                  levels: list[str]) -> tuple[Any, str | None]:
    """The option's value, checked against its declared kind; or an error to report."""
    kind = option.kind
    if kind == "markings":
        refs = [value] if isinstance(value, str) else value
        if not is_string_list(refs) or not refs:
            return None, "names a marking rule id, or a list of them"
        for ref in refs:
            if not any(fnmatch.fnmatchcase(i, ref) for i in marking_ids):
                return None, f"names marking '{ref}', which no rule defines"
        return list(refs), None
    if kind == "level":
        if value in levels:
            return value, None
        return None, f"must be one of the levels: {', '.join(levels) or '(none defined)'}"
    if kind == "condition":
        if not isinstance(value, dict) or not value or set(value) - set(CONDITION_KEYS):
            return None, f"is a mapping of any of: {', '.join(CONDITION_KEYS)}"
        condition: dict[str, Any] = {}
        for key, item in value.items():
            sub_kind = {"marking": "markings", "caveat": "words"}.get(key, "level")
            if key == "classified":  # true, false, or the markings that show it classified
                sub_kind = "boolean" if isinstance(item, bool) else "markings"
            checked, error = option_value(Option(sub_kind, ""), item, marking_ids, levels)
            if error:
                return None, f"{key} {error}"
            condition[key] = checked
        return condition, None
    if kind == "words":
        words = [value] if isinstance(value, str) else value
        if not is_string_list(words) or not words:
            return None, "is a word, or a list of words"
        return list(words), None
    if kind == "fields":
        if not isinstance(value, dict) or not value or not all(
                isinstance(k, str) and isinstance(v, str | int) for k, v in value.items()):
            return None, "maps field names to regular expressions"
        for pattern in value.values():
            try:
                compile_pattern(str(pattern))
            except regex.error as error:
                return None, f"has a bad regular expression: {error.msg}"
        return {k: str(v) for k, v in value.items()}, None
    if kind == "regex":
        try:
            compile_pattern(str(value))
        except regex.error as error:
            return None, f"is a bad regular expression: {error.msg}"
        return str(value), None
    if kind == "zones":
        if not is_string_list(value) or set(value) - set(ZONES):
            return None, "is a list of top, bottom, body"
        return list(value), None
    if kind == "text":
        return (value, None) if isinstance(value, str) and value else (None, "must be text")
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return (value, None) if ok else (None, "must be a whole number, 0 or more")
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return (float(value), None) if ok else (None, "must be a number")
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (None, "must be true or false")
    if kind == "choice":
        ok = value in option.choices
        return (value, None) if ok else (None, f"must be one of {', '.join(option.choices)}")
    if kind == "date":
        if value in ("document", "today"):
            return value, None
        # YAML reads `2020-01-01 10:00` as a datetime, whose isoformat is no date: refused below.
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat(), None
        try:
            return dt.date.fromisoformat(str(value)).isoformat(), None
        except ValueError:
            return None, "must be 'document', 'today' or a date YYYY-MM-DD"
    raise AssertionError(f"option kind {kind} has no validator")


def is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def placeholders(template: str) -> set[str] | None:
    """The `{names}` a template uses, or None if it is not a valid template."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:
        return None
