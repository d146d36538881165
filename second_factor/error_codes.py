"""Error codes second_factor puts on its field errors (`core.errors.field_error`) and on the
403 a session API call gets before the second factor.

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class SecondFactorError(StrEnum):
    REQUIRED = "second_factor_required"
    NOT_ENROLLED = "second_factor_not_enrolled"
    WRONG = "second_factor_wrong"
    REPLAYED = "second_factor_replayed"
    LOCKED = "locked"
    NO_PHONE = "second_factor_no_phone"
