"""What a declarative kind compiles a rule into."""

from __future__ import annotations

from dataclasses import dataclass, field

from markaudit.engine.phrasing import SlotField


@dataclass(slots=True)
class Compiled:
    """What a declarative rule runs: its patterns, the fields its slots fill, its words."""

    patterns: list[str] = field(default_factory=list)
    fields: list[SlotField] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    # Where the engine looks, worked out by the kind: a banner is a short line in capitals.
    max_line_length: int | None = None
    min_capitals: float = 0.0
    line_ends_with: str | None = None
    anchors: tuple[str, ...] = ()  # filled by the loader from the phrases' runs
    # For each pattern, the run of words every match holds and its budget (engine/scan.py);
    # None where a pattern has none (a vocabulary's terms, a banner).
    cores: list[tuple[tuple[str, ...], int] | None] = field(default_factory=list)

    def add(self, pattern: str, fields: list[SlotField], words: list[str]) -> None:
        self.patterns.append(pattern)
        known = {f.name for f in self.fields}
        self.fields.extend(f for f in fields if f.name not in known)
        self.words.extend(w for w in words if w not in self.words)
