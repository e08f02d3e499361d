"""Declarative marking kinds: the shapes an archivist writes a rule in, without a regex.

Like Vale's rule types, a small named vocabulary, each a YAML shape:

- `phrase`: words in order, with typed slots (`Approved For Release {date}`);
- `stamp`: phrases printed together within a few lines, some optional;
- `banner`: a classification line built from the pack's levels and caveats;
- `words`: any term of a list or of a vocabulary (exemption codes, caveats).

Each kind is one module of this package; its docstring is its documentation (`markaudit rules
explain phrase`), its `KEYS` the options it takes, declared as data. A kind compiles a rule's
entry into the regex patterns the engine runs and the fields they fill; `pattern:` stays for
the expert, where no kind fits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from markaudit.engine.kinds.base import Compiled
from markaudit.engine.phrasing import PhraseCompiler


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    doc: str
    keys: Mapping[str, str]  # every key the kind reads, with its help
    compile: Callable[[Mapping[str, Any], PhraseCompiler], Compiled]


__all__ = ["KINDS", "Compiled", "Kind"]

_NAMES = ("phrase", "stamp", "banner", "words")


def _load(name: str) -> Kind:
    module = import_module(f"markaudit.engine.kinds.{name}")
    return Kind(name, (module.__doc__ or "").strip(), module.KEYS, module.compile_rule)


KINDS: dict[str, Kind] = {name: _load(name) for name in _NAMES}
