"""Error codes health puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class HealthError(StrEnum):
    HANDLED = "handled"
    NOT_GRID = "not_grid"
    NOT_IN_HOUSEHOLD = "not_in_household"
    NOT_OPEN = "not_open"
    TOO_MANY = "too_many"
