"""Logging in with a mobile number and a text code (issue 17, item 3).

Step one sends a code to any valid number, account or not, and always answers alike: nobody
learns whether a number has an account before proving it is theirs. Step two checks the code
(notifications.codes) and only then says which account the number opens, or why none. Wrong
codes also count towards the login lockout (accounts.services), keyed by the number and the
address, on top of the codes' own limits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Grant, User
from core.errors import field_error
from front_door.error_codes import FrontDoorError
from front_door.policies import may_log_in_with_code
from notifications.codes import code_check, code_send, mobile_number
from notifications.models import CodePurpose


def _locked_error(field: str) -> ValidationError:
    return field_error(
        field,
        _("Too many wrong codes for this number. Wait 15 minutes, then ask for a new code."),
        FrontDoorError.LOGIN_LOCKED,
    )


def phone_login_start(*, phone: str, address: str) -> str:
    """Send a login code to the number; returns it as stored. The same for every number."""
    number = mobile_number(phone)
    if account_services.login_locked(username=number, ip=address):
        raise _locked_error("phone")
    return code_send(phone=number, purpose=CodePurpose.LOGIN, address=address)


def code_user(*, number: str) -> User:
    """The one active account a number proven by a code opens, or a field error on "code"
    saying why none: no account, an account switched off, a number shared by several, or a
    role that needs a second factor."""
    users = list(User.objects.filter(Q(phone=number) | Q(username=number)).order_by("pk"))
    active = [u for u in users if u.is_active]
    if not users:
        raise field_error(
            "code",
            _(
                "No account uses this number yet. Join with the code posted in your building, "
                "or ask your community to add you."
            ),
            FrontDoorError.NO_ACCOUNT,
        )
    if not active:
        raise field_error(
            "code",
            _("The account of this number is switched off. Ask your community."),
            FrontDoorError.ACCOUNT_INACTIVE,
        )
    if len(active) > 1:
        raise field_error(
            "code",
            _(
                "Several accounts use this number, so it cannot log you in. Ask your community "
                "to give each account its own number, or log in with your username and password."
            ),
            FrontDoorError.SHARED_NUMBER,
        )
    user = active[0]
    roles = Grant.objects.filter(user=user).values_list("role", flat=True)
    if not may_log_in_with_code(roles):
        raise field_error(
            "code",
            _("Your role logs in with a password and a second factor, not with a text code."),
            FrontDoorError.SECOND_FACTOR,
        )
    return user


def phone_login_finish(*, phone: str, code: str, address: str) -> User:
    """Check the code sent to the number and return the account it logs into. A wrong code
    counts towards the lockout; a right one clears it."""
    number = mobile_number(phone)
    if account_services.login_locked(username=number, ip=address):
        raise _locked_error("code")
    try:
        code_check(phone=number, purpose=CodePurpose.LOGIN, code=code)
    except ValidationError:
        account_services.login_failed(username=number, ip=address)
        raise
    account_services.login_succeeded(username=number, ip=address)
    return code_user(number=number)
