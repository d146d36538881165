"""Error codes the front door puts on its field errors (`core.errors.field_error`).

The values are what API clients and pages read in `{field, message, code}`; never change one.
"""

from __future__ import annotations

from enum import StrEnum


class FrontDoorError(StrEnum):
    ACCOUNT_OFF = "account_off"
    ID_LAST6 = "id_last6"
    NOT_VERIFIED = "not_verified"
    NOT_YOURS = "not_yours"
    NOT_PENDING = "not_pending"
    TOKEN_UNKNOWN = "token_unknown"
    WRONG_PLACE = "wrong_place"
