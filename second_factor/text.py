"""Text-message codes as a second factor: sent and checked by notifications.codes (its limits:
one a minute, so many a day, five tries a code), to the account's own mobile number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import field_error, rename_fields
from notifications.codes import code_check, code_send
from notifications.models import CodePurpose
from second_factor.error_codes import SecondFactorError

# The login purpose: a code proves the phone in hand, for the phone login or after a password.
PURPOSE = CodePurpose.LOGIN


def _phone(user: User) -> str:
    if not user.phone:
        raise field_error(
            "code",
            _("Your account has no mobile number; use an authenticator app, or ask Setup."),
            SecondFactorError.SECOND_FACTOR_NO_PHONE,
        )
    return user.phone


def text_code_send(*, user: User, address: str) -> None:
    """Send a code to the account's number; a limit reached is an error on "code"."""
    try:
        code_send(phone=_phone(user), purpose=PURPOSE, address=address)
    except ValidationError as e:
        raise rename_fields(e, {"phone": "code"}) from None


def text_code_right(*, user: User, typed: str) -> tuple[bool, str]:
    """Whether the newest code sent to the account's number is this one (then it is used up),
    and if not, notifications' own words for why."""
    try:
        code_check(phone=_phone(user), purpose=PURPOSE, code=typed)
    except ValidationError as e:
        return False, " ".join(m for errors in e.message_dict.values() for m in errors)
    return True, ""
