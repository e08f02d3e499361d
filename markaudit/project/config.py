"""Project configuration: finding it, reading it, and saying where it is wrong.

A project keeps its settings in `.markaudit.toml`, `markaudit.toml`, `.markaudit.yaml` (or
`.yml`), or the `[tool.markaudit]` table of `pyproject.toml`. As with ruff, the file nearest to
the audited files wins and files are never merged: the search starts at the common folder of the
paths given (the current folder for standard input) and goes up to the root of the file system;
in one folder the names are tried in the order above, and a `pyproject.toml` counts only when it
has a `[tool.markaudit]` table. One configuration applies to the whole run. `--config FILE` names
one; `--isolated` ignores them all.

Every problem is a `ConfigError` naming the file and, where it can be found, the line: an unknown
key, a value of the wrong type, a path that does not exist. Paths in the file (rules, baseline,
per-file-ignores globs) are relative to the folder of the file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from markaudit.core.builtin import BUILTIN_FINDINGS
from markaudit.core.errors import MarkauditError
from markaudit.core.hints import did_you_mean

CONFIG_NAMES = (".markaudit.toml", "markaudit.toml", ".markaudit.yaml", ".markaudit.yml",
                "pyproject.toml")
SEVERITY_NAMES = ("error", "warning", "info")
INPUT_KINDS = ("ocr", "transcription")

# Findings markaudit makes itself, not a check of the rule files: they can be selected too.


class ConfigError(MarkauditError):
    """A configuration file that cannot be used; the message names the file and line."""


def matches(selector: str, rule: str) -> bool:
    """True if `selector` (a rule id, or a prefix such as `banner` or `banner.`) names `rule`."""
    return rule == selector or rule.startswith(selector if selector.endswith(".")
                                               else selector + ".")


@dataclass
class Config:
    """The settings of one configuration file; None or empty where the file says nothing."""

    path: Path
    rules: tuple[Path, ...] = ()
    default_rules: bool | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    force_exclude: bool | None = None
    extensions: tuple[str, ...] | None = None
    fail_on: str | None = None
    min_confidence: float | None = None
    input: str | None = None
    baseline: Path | None = None
    # (rule id or prefix, "file:line") for every id the file names: checked against the rules
    references: list[tuple[str, str]] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def check_rule_ids(self, known: Sequence[str]) -> None:
        """Raise ConfigError for an id or prefix that names no check of the active rules."""
        for selector, where in self.references:
            if (problem := unmatched(selector, known)) is not None:
                raise ConfigError(f"{where}: {problem}")


def unmatched(selector: str, known: Sequence[str]) -> str | None:
    """Why `selector` names none of the checks `known` nor a built-in rule, with the nearest id
    as a hint; None when it names one."""
    every = [*known, *BUILTIN_FINDINGS]
    if any(matches(selector, rule) for rule in every):
        return None
    hint = did_you_mean(selector, every, " (see: markaudit rules list)")
    return f"'{selector}' names no check{hint}"


def _tomllib() -> ModuleType:
    # Imported when a TOML file is read: a run with no configuration file does without it.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def discover(paths: Sequence[str], cwd: Path | None = None) -> Path | None:
    """The configuration file nearest to `paths`: their common folder, then its parents."""
    here = (cwd or Path.cwd()).resolve()
    folders = []
    for given in paths:
        if given == "-":
            continue
        path = _resolved(here / given)
        folders.append(str(path if path.is_dir() else path.parent))
    start = Path(os.path.commonpath(folders)) if folders else here
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _resolved(path: Path) -> Path:
    """`path` made absolute with its links followed; as given where a link loops (the file
    is then listed as unreadable by the run, not refused here)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def _has_tool_table(path: Path) -> bool:
    # Parsed only far enough to know: a broken pyproject.toml that is not ours is no concern.
    tomllib = _tomllib()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return bool(re.search(r"^\s*\[tool\.markaudit[.\]]", _read_or_empty(path), re.M))
    return isinstance(data.get("tool"), dict) and "markaudit" in data["tool"]


def _read_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


Locate = Callable[[tuple[str, ...], "str | None"], "int | None"]


def load(path: str | Path) -> Config:
    """Read and validate one configuration file (TOML, YAML, or pyproject.toml)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    if path.suffix in (".yaml", ".yml"):
        data, locate = _read_yaml(path, text)
    else:
        data, locate = _read_toml(path, text)
    return _validate(path, data, locate)


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], Locate]:
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = found.group(1) if found else \
            len(text.splitlines()) if "end of document" in str(error) else None
        message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "",
                         str(error))
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: invalid TOML: {message}") from None
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    root: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        root = ("tool", "markaudit")
        tool = data.get("tool", {})
        data = tool.get("markaudit") if isinstance(tool, dict) else None
        if data is None:
            raise ConfigError(f"{path}: no [tool.markaudit] table")
        if not isinstance(data, dict):
            raise ConfigError(f"{path}:{_toml_line(text, (), root, None) or 1}: "
                              "tool.markaudit must be a table")
    return data, lambda keys, item: _toml_line(text, root, keys, item)


def _toml_line(text: str, root: tuple[str, ...], keys: tuple[str, ...],
               item: str | None) -> int | None:
    """Best effort: the line of `keys` (then of a list `item`) below the table `root`.

    tomllib keeps no positions, so the text is searched: a key stands before `=` or closes a
    table header, quoted or bare.
    """
    lines = text.splitlines()
    start = 0
    if root:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, root)) + r"\s*[\].]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    found: int | None = None
    for key in keys:
        name = re.escape(key)
        pattern = re.compile(rf"""(?:^|[\s{{,.\[])(?:"{name}"|'{name}'|{name})\s*[=\].]""")
        for index in range(start, len(lines)):
            if pattern.search(lines[index]):
                found, start = index + 1, index
                break
        else:
            return found
    if item is not None:
        quoted = re.compile(rf"""["']{re.escape(item)}["']""")
        for index in range(start, len(lines)):
            if quoted.search(lines[index]):
                return index + 1
    return found


def _read_yaml(path: Path, text: str) -> tuple[dict[str, Any], Locate]:
    import yaml

    from markaudit.engine import yamlfile

    try:
        data = yamlfile.load(text)
    except yaml.YAMLError as error:
        line = yamlfile.error_line(error)
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: {yamlfile.error_message(error)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a configuration file is a mapping of settings")

    def locate(keys: tuple[str, ...], item: str | None) -> int | None:
        node: Any = data
        line: int | None = None
        for key in keys:
            if not isinstance(node, yamlfile.YamlMap) or key not in node:
                return line
            line = node.line_of(key)
            node = node[key]
        if item is not None and isinstance(node, yamlfile.YamlList) and item in node:
            return node.line_of(node.index(item))
        return line

    return data, locate


def _validate(path: Path, data: dict[str, Any], locate: Locate) -> Config:
    config = Config(path=path)

    def where(*keys: str, item: str | None = None) -> str:
        line = locate(keys, item)
        return f"{path}:{line}" if line else str(path)

    def fail(message: str, *keys: str, item: str | None = None) -> ConfigError:
        return ConfigError(f"{where(*keys, item=item)}: {message}")

    def strings(key: str, value: Any, *parents: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise fail(f"{key} must be a list of non-empty strings", *parents, key)
        return tuple(v.strip() for v in value)

    def rule_ids(key: str, value: Any, *parents: str) -> tuple[str, ...]:
        ids = strings(key, value, *parents)
        config.references.extend((i, where(*parents, key, item=i)) for i in ids)
        return ids

    def choice(key: str, value: Any, choices: Sequence[str], *parents: str) -> str:
        if value not in choices:
            raise fail(f"{key} must be one of {', '.join(choices)}, not {value!r}",
                       *parents, key)
        return value

    def existing(key: str, value: Any) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key} must be a path", key)
        target = path.parent / value
        if not target.exists():
            raise fail(f"{key}: {value} does not exist (paths are relative to "
                       f"{path.parent if str(path.parent) else '.'})", key, item=value)
        return target

    for key, value in data.items():
        if key == "rules":
            config.rules = tuple(existing(key, p) for p in strings(key, value))
        elif key == "default-rules":
            if not isinstance(value, bool):
                raise fail(f"default-rules must be true or false, not {value!r}", key)
            config.default_rules = value
        elif key in ("select", "ignore"):
            setattr(config, key, rule_ids(key, value))
        elif key == "severity":
            if not isinstance(value, dict):
                raise fail('severity must be a table of rule id = "error", "warning" or '
                           '"info"', key)
            for rule, level in value.items():
                if isinstance(level, dict):  # a bare dotted key: TOML read it as a table
                    raise fail(f"severity: quote the rule id (\"{rule}.…\" = \"error\"): a "
                               "bare dotted key is a table in TOML", key, rule)
                config.severity[rule] = choice(f"severity of '{rule}'", level, SEVERITY_NAMES,
                                               key, rule)
                config.references.append((rule, where(key, rule)))
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise fail("per-file-ignores must be a table of glob = [rule ids]", key)
            _check_patterns(list(value), lambda p: fail(f"per-file-ignores: bad glob {p!r}",
                                                        "per-file-ignores", p))
            for glob, ids in value.items():
                config.per_file_ignores[glob] = rule_ids(f"per-file-ignores '{glob}'", ids,
                                                         key, glob)
        elif key in ("include", "exclude"):
            patterns = strings(key, value)
            _check_patterns(patterns, lambda p, k=key: fail(f"{k}: bad pattern {p!r}", k))
            setattr(config, key, patterns)
        elif key == "force-exclude":
            if not isinstance(value, bool):
                raise fail(f"force-exclude must be true or false, not {value!r}", key)
            config.force_exclude = value
        elif key == "extensions":
            names = strings(key, value)
            config.extensions = tuple(n.lstrip(".").lower() for n in names)
        elif key == "fail-on":
            config.fail_on = choice(key, value, SEVERITY_NAMES)
        elif key == "min-confidence":
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not 0 <= value <= 1:
                raise fail(f"min-confidence must be a number from 0 to 1, not {value!r}", key)
            config.min_confidence = float(value)
        elif key == "input":
            config.input = choice(key, value, INPUT_KINDS)
        elif key == "baseline":
            if not isinstance(value, str) or not value.strip():
                raise fail("baseline must be a path", key)
            config.baseline = path.parent / value
        else:
            hint = did_you_mean(str(key), KEYS, f" (known keys: {', '.join(KEYS)})")
            raise fail(f"unknown key '{key}'{hint}", str(key))
    return config


KEYS = ("rules", "default-rules", "select", "ignore", "severity", "per-file-ignores", "include",
        "exclude", "force-exclude", "extensions", "fail-on", "min-confidence", "input",
        "baseline")


def _check_patterns(patterns: Sequence[str], fail: Callable[[str], ConfigError]) -> None:
    from pathspec import GitIgnoreSpec

    for pattern in patterns:
        try:
            GitIgnoreSpec.from_lines([pattern])
        except Exception:  # pathspec raises several types for a bad pattern
            raise fail(pattern) from None
