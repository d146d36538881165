"""Error codes second_factor puts on its field errors (`core.errors.field_error`) and on the
403 a session API call gets before the second factor.

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class SecondFactorError(StrEnum):
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    SECOND_FACTOR_NOT_ENROLLED = "second_factor_not_enrolled"
    SECOND_FACTOR_WRONG = "second_factor_wrong"
    SECOND_FACTOR_REPLAYED = "second_factor_replayed"
    SECOND_FACTOR_NO_PHONE = "second_factor_no_phone"
