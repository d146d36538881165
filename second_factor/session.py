"""What a session knows about its second factor.

django-otp keeps the verified factor's id in the session (OTPMiddleware reads it back on every
request into request.user.is_verified()). Beside it, at login, a flag: this account has a factor
to be asked for. Both live in the session, never on the user object, which may come from the
shared cache (accounts.backends) and so be shared by all of a user's sessions."""

from __future__ import annotations

from typing import Any

import django_otp
from django.http import HttpRequest
from django_otp.models import Device

from accounts.models import User
from second_factor.selectors import is_enrolled

PENDING_KEY = "second_factor_pending"
RECOVERY_CODES_KEY = "second_factor_recovery_codes"


def login_marked(request: HttpRequest, user: User) -> None:
    """At login: an enrolled account must verify in this session, whatever its roles."""
    if is_enrolled(user):
        request.session[PENDING_KEY] = True
    else:
        request.session.pop(PENDING_KEY, None)


def is_pending(request: HttpRequest) -> bool:
    return bool(request.session.get(PENDING_KEY))


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def verified_in_session(request: HttpRequest, device: Device) -> None:
    """Remember the factor for this session, under a new session key (a key seen before the
    factor is not the key that has it)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)


def recovery_codes_keep(request: HttpRequest, codes: list[str]) -> None:
    request.session[RECOVERY_CODES_KEY] = codes


def recovery_codes_take(request: HttpRequest) -> list[Any]:
    """The codes just made, once: a reload no longer shows them."""
    return list(request.session.pop(RECOVERY_CODES_KEY, []) or [])
