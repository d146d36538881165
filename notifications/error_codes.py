"""Error codes notifications puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class NotificationsError(StrEnum):
    CODE_TOO_SOON = "code_too_soon"
    CODE_DAILY_LIMIT = "code_daily_limit"
    CODE_ADDRESS_LIMIT = "code_address_limit"
    CODE_WRONG = "code_wrong"
    CODE_EXPIRED = "code_expired"
    CODE_TOO_MANY_TRIES = "code_too_many_tries"
