"""Typed slots: the `{date}`, `{year}`, `{number}` of a declarative rule's phrase.

A slot stands for a value the marking carries; it becomes a field of the marking, parsed by
its type. `{date}` is a slot named `date` of type `date`; `{released:date}` a slot named
`released` of type `date`; a rule's `slots:` mapping can type a slot at more length:

    phrase: DECLASSIFIED PER E.O. 13526 {case}
    slots:
      case: {code: '\\d{4}-\\d{4}-[A-Z]'}      # a small regex for this one slot
      extent: [IN FULL, IN PART]                # one of these words

Any vocabulary of the pack is a type too (`{level}`, `{caveat}`): the slot matches one of
its terms, within the OCR policy, and reads as the canonical term.

Each type is one module of this package; its docstring is its documentation, shown by
`markaudit rules explain TYPE`. A module declares:

- `PATTERN`: the regex the slot matches (no capture groups but the sub-fields');
- `PARSER`: the field parser its text goes through (engine/fields.py);
- `SUBFIELDS` (optional): named groups of PATTERN that become fields of their own, with
  their parsers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType

_NAMES = ("date", "full_date", "year", "number", "name", "text", "rest", "rdp", "jfk_record",
          "case_number")


@dataclass(frozen=True, slots=True)
class SlotType:
    name: str
    pattern: str
    parser: str
    doc: str
    subfields: dict[str, str] = field(default_factory=dict)


def _load(module: ModuleType, name: str) -> SlotType:
    return SlotType(name, module.PATTERN, module.PARSER, (module.__doc__ or "").strip(),
                    dict(getattr(module, "SUBFIELDS", {})))


SLOT_TYPES: dict[str, SlotType] = {
    name: _load(import_module(f"markaudit.engine.slots.{name}"), name) for name in _NAMES
}
# `code` is the one type with an argument: `{code: REGEX}` in `slots:`.
CODE_DOC = (
    "code: a small regular expression for one slot, for a number of a form no type "
    "knows (`slots: {case: {code: '\\d{4}-\\d{4}-[A-Z]'}}`). Its text is kept as written, "
    "in capitals. It may not capture groups of its own."
)
