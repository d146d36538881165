"""Error codes care puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
Codes several apps use live in `core.error_codes.CoreError`.
"""

from __future__ import annotations

from enum import StrEnum


class CareError(StrEnum):
    NO_HOUSEHOLDS = "no_households"
    NO_PLAN = "no_plan"
    NO_RESIDENT = "no_resident"
    NOT_CARER = "not_carer"
    NOT_VULNERABLE = "not_vulnerable"
