"""Safe YAML loading that remembers where every key, value and list item stands.

Rule-file errors must name `file:line:column`, so mappings and lists keep the lines and columns
they came from (1-based, as editors count them).
Only plain YAML is accepted: tags that would build Python objects are refused by SafeLoader.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from markaudit.engine.yamldata import Position, YamlList, YamlMap

__all__ = ["Position", "YamlList", "YamlMap", "load"]


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, line: int, column: int | None = None) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.line = line
        self.column = column


# libyaml's parser where PyYAML was built with it: ten times faster, which is most of the time a
# pre-commit run spends reading the rule pack. Safe loading either way: no Python objects.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    result = YamlMap()
    result.line, result.column = _position(node.start_mark)
    result.key_lines, result.key_columns, result.value_positions = {}, {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line, column = _position(key_node.start_mark)
        if key in result:
            raise DuplicateKey(key, line, column)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        result.key_columns[key] = column
        result.value_positions[key] = _position(value_node.start_mark)
    return result


def _position(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.column = _position(node.start_mark)
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    result.item_columns = [child.start_mark.column + 1 for child in node.value]
    return result


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # `1992-13-01` looks like a date to YAML, which then raises a bare ValueError: report it
    # as a YAML problem with its line instead of a traceback.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid date {node.value!r} ({error})", node.start_mark) from None


# YAML 1.2 booleans: only true and false. YAML 1.1 also reads on/off/yes/no as booleans, which
# turns a field named `on` ("Declassify On") into True behind an archivist's back.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load(text: str) -> Any:
    """Parse YAML text; raises yaml.YAMLError (with a mark where YAML gives one)."""
    return yaml.load(text, Loader=_Loader)


def error_line(error: yaml.YAMLError) -> int | None:
    """The 1-based line a YAML error points at, when it points at one."""
    if isinstance(error, DuplicateKey):
        return error.line
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def error_column(error: yaml.YAMLError) -> int | None:
    """The 1-based column a YAML error points at, when it points at one."""
    if isinstance(error, DuplicateKey):
        return error.column
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.column + 1 if mark is not None else None


# A value that starts with `{` or `[` and goes on: YAML read `{series}` of
# `phrase: {series} ({year})` as a mapping, and then found more text.
_BRACE_VALUE = re.compile(r"^\s*(?:-\s+)?(?:[\w.-]+:\s+)?(?:-\s+)?[{\[]")


def _unquoted_brace(error: yaml.YAMLError, text: str | None) -> bool:
    mark = getattr(error, "problem_mark", None)
    if text is None or mark is None or not str(getattr(error, "problem", "")).startswith(
            "did not find expected"):
        return False
    lines = text.splitlines()
    return mark.line < len(lines) and bool(_BRACE_VALUE.match(lines[mark.line]))


def error_message(error: yaml.YAMLError, text: str | None = None) -> str:
    """A one-line description of a YAML error, without its multi-line mark dump; `text`, the
    file's, lets it say when a phrase starting with `{` or `[` wants quotes."""
    if isinstance(error, DuplicateKey):
        return str(error)
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if problem:
        hint = ("; a phrase or pattern that holds ': ' or starts with '{' or '[' must be put "
                "in quotes" if "mapping values are not allowed" in problem
                or "flow" in str(context or "") or _unquoted_brace(error, text) else "")
        return f"invalid YAML: {problem}" + (f" ({context})" if context else "") + hint
    return f"invalid YAML: {str(error).splitlines()[0]}"
