"""The check types: one module each, its docstring its documentation.

A rule file's `checks` entries name one of these by `type`.
"""

from __future__ import annotations

from types import ModuleType

from markaudit.checks import (
    consistent,
    date_order,
    dominates,
    era,
    every_page,
    forbids,
    format,
    requires,
    sequence,
    top_bottom_agree,
)

CHECK_TYPES: dict[str, ModuleType] = {
    module.__name__.rsplit(".", 1)[-1]: module
    for module in (every_page, top_bottom_agree, consistent, dominates, requires, forbids,
                   date_order, era, sequence, format)
}
