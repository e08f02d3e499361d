"""How a run's settings are chosen: a flag over the configuration file over the default.

Each setting a flag and the configuration file may both give is declared once, below, as a field
with its default; `resolve` applies the one rule to all of them. A flag given counts (an empty
list of patterns is no flag); a configuration value counts when the file sets it to something
(an empty list, a blank string, is the file saying nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from markaudit.run.sources import DEFAULT_EXTENSIONS

if TYPE_CHECKING:
    from markaudit.project.config import Config


@dataclass(frozen=True, slots=True)
class RunSettings:
    """The settings of one run, each from its flag, the configuration file or its default."""

    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_confidence: float = 0.0
    input: str = "ocr"
    fail_on: str = "error"
    baseline: Path | None = None

    @classmethod
    def resolve(cls, config: Config | None, **flags: object) -> RunSettings:
        """Each setting from its flag (None: not given), else from `config`, else its default."""
        names = {item.name for item in fields(cls)}
        unknown = sorted(set(flags) - names)
        if unknown:
            raise TypeError(f"not a run setting: {', '.join(unknown)}")
        values: dict[str, object] = {}
        for name in names:
            flag = flags.get(name)
            if flag is not None and flag != ():
                values[name] = flag
            elif config is not None and (value := getattr(config, name)):
                values[name] = value
        return cls(**values)  # type: ignore[arg-type]
