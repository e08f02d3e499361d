"""The check types: one module each, its docstring its documentation.

A rule file's `checks` entries name one of these by `type`.
"""

from __future__ import annotations

from types import ModuleType

from markaudit.checks import consistent, date_order, every_page

CHECK_TYPES: dict[str, ModuleType] = {
    "every_page": every_page,
    "consistent": consistent,
    "date_order": date_order,
}
