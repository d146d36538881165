"""Error codes supplies puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class SuppliesError(StrEnum):
    MAX = "max"
    NOT_A_WORKER = "not_a_worker"
    NOT_CHILD = "not_child"
    NOT_ENOUGH = "not_enough"
    NOT_RETURNABLE = "not_returnable"
    RETURNED = "returned"
    UNIQUE = "unique"
