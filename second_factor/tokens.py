"""API tokens of accounts that use a second factor need its code too (authenticator app or
recovery code; no text is sent for a token). The check is added to the token endpoint's checks
(accounts.api.routes.TOKEN_CHECKS) at start-up: accounts stands below this app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.error_codes import AccountsError
from accounts.models import User
from core.errors import field_errors
from second_factor.error_codes import SecondFactorError
from second_factor.policies import must_use_second_factor
from second_factor.selectors import is_enrolled
from second_factor.verification import code_verify


def _refusal(status: int, detail: str, field: str, message: str, code: str) -> tuple[int, dict]:
    return status, {
        "detail": detail,
        "errors": [{"field": field, "message": message, "code": code}],
    }


def token_second_factor(
    request: HttpRequest, user: User, code: str
) -> tuple[int, dict[str, object]] | None:
    """None when the account needs no code or the code is right; else the refusal."""
    roles = user.grants.values_list("role", flat=True)
    enrolled = is_enrolled(user)
    if not enrolled and not must_use_second_factor(roles):
        return None
    if not enrolled:
        message = _("Set up your second factor in the web app before asking for a token.")
        return _refusal(403, message, "code", message, SecondFactorError.SECOND_FACTOR_NOT_ENROLLED)
    if not code.strip():
        message = _("Enter the code of your second factor.")
        return _refusal(401, message, "code", message, SecondFactorError.SECOND_FACTOR_REQUIRED)
    try:
        code_verify(
            user=user, typed=code, address=account_services.request_ip(request), allow_text=False
        )
    except ValidationError as e:
        error = field_errors(e)[0]
        status = 429 if error["code"] == AccountsError.LOCKED else 401
        return _refusal(status, error["message"], "code", error["message"], error["code"])
    return None


def connect() -> None:
    from accounts.api.routes import TOKEN_CHECKS

    if token_second_factor not in TOKEN_CHECKS:
        TOKEN_CHECKS.append(token_second_factor)
