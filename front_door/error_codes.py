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
    # Phone login (after the code proved the number is the user's).
    LOGIN_LOCKED = "login_locked"
    NO_ACCOUNT = "no_account"
    SHARED_NUMBER = "shared_number"
    ACCOUNT_INACTIVE = "account_inactive"
    SECOND_FACTOR = "second_factor"
    START_AGAIN = "start_again"
    # Invitations.
    INVITATION_INVALID = "invitation_invalid"
    NO_MOBILE = "no_mobile"
    WRONG_PLACE = "wrong_place"
