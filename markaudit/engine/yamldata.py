"""The mappings and lists a rule file is read into, which remember where each key, value and
item stands (1-based lines and columns, as editors count them).

Apart from the YAML reader (engine/yamlfile.py), so that a run whose rule pack comes from the
cache (engine/rules.py) does not import PyYAML.
"""

from __future__ import annotations

from typing import Any

Position = tuple[int, int | None]  # (line, column); column None where it is not known


class YamlMap(dict):
    """A mapping that knows where it starts and where each of its keys and values stands."""

    line: int = 0
    column: int | None = None
    key_lines: dict[Any, int]
    key_columns: dict[Any, int]
    value_positions: dict[Any, tuple[int, int]]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def where(self, key: Any) -> Position:
        """The key's line and column; the mapping's own start when the key is absent."""
        if key in self.key_lines:
            return self.key_lines[key], getattr(self, "key_columns", {}).get(key)
        return self.line, self.column

    def value_where(self, key: Any) -> Position:
        """Where the key's value starts, when it starts on the key's line (`pattern: '('`);
        otherwise the key's own place, so that a problem is named on the key's line."""
        line, column = getattr(self, "value_positions", {}).get(key, (None, None))
        if line is not None and line == self.key_lines.get(key):
            return line, column
        return self.where(key)


class YamlList(list):
    """A list that knows its own line and the line and column of each item."""

    line: int = 0
    column: int | None = None
    item_lines: list[int]
    item_columns: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line

    def where(self, index: int) -> Position:
        """The item's line and column; the list's own start when there is no such item."""
        columns = getattr(self, "item_columns", [])
        if index < len(self.item_lines) and index < len(columns):
            return self.item_lines[index], columns[index]
        return self.line_of(index), None
