"""Checking a second-factor code: at each login (any confirmed factor, or a recovery code), at
enrolment (the new factor), and for an API token. Wrong codes count towards the lock
(wrong_codes); every outcome is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.error_codes import AccountsError
from accounts.models import User
from core.errors import field_error
from second_factor.audit import second_factor_audit
from second_factor.error_codes import SecondFactorError
from second_factor.models import TextDevice
from second_factor.policies import text_allowed
from second_factor.recovery import looks_like_recovery_code, recovery_code_use
from second_factor.selectors import app_device, text_device
from second_factor.text import text_code_right
from second_factor.totp import TotpResult, totp_check
from second_factor.wrong_codes import (
    second_factor_locked,
    wrong_code_counted,
    wrong_codes_cleared,
)


def locked_error() -> ValidationError:
    return field_error(
        "code",
        _("Too many wrong codes: this account is locked for 15 minutes. Log in again then."),
        AccountsError.LOCKED,
    )


def code_refused(
    *, user: User, address: str, method: str, message: str, code: str
) -> ValidationError:
    locked = wrong_code_counted(user=user, address=address)
    second_factor_audit(user=user, action="second_factor_failed", method=method, locked=locked)
    return locked_error() if locked else field_error("code", message, code)


def _totp_outcome(*, user: User, device: TOTPDevice, typed: str, address: str) -> None:
    result = totp_check(device=device, typed=typed)
    if result is TotpResult.REPLAYED:
        raise code_refused(
            user=user,
            address=address,
            method="app",
            message=_("This code was already used; wait for the next one in your app."),
            code=SecondFactorError.SECOND_FACTOR_REPLAYED,
        )
    if result is TotpResult.WRONG:
        raise code_refused(
            user=user,
            address=address,
            method="app",
            message=_("This code is not right; check your authenticator app and try again."),
            code=SecondFactorError.SECOND_FACTOR_WRONG,
        )


def _text_outcome(*, user: User, typed: str, address: str) -> None:
    right, why = text_code_right(user=user, typed=typed)
    if not right:
        raise code_refused(
            user=user,
            address=address,
            method="text",
            message=why,
            code=SecondFactorError.SECOND_FACTOR_WRONG,
        )


def code_verify(*, user: User, typed: str, address: str, allow_text: bool = True) -> Device:
    """The factor a code proves, or a field error on "code" (wrong, already used, locked). A
    recovery code is used up. `allow_text` is off for API tokens (no text is sent for them)."""
    if second_factor_locked(user=user, address=address):
        raise locked_error()
    if not str(typed or "").strip():
        raise field_error("code", _("Enter the code."), SecondFactorError.SECOND_FACTOR_REQUIRED)
    device: Device | None
    if looks_like_recovery_code(typed):
        device = recovery_code_use(user=user, typed=typed)
        if device is None:
            raise code_refused(
                user=user,
                address=address,
                method="recovery",
                message=_("This recovery code is not right or was already used."),
                code=SecondFactorError.SECOND_FACTOR_WRONG,
            )
        second_factor_audit(user=user, action="recovery_code_used")
    else:
        app = app_device(user)
        text = text_device(user) if allow_text and text_allowed() else None
        if app is not None:
            _totp_outcome(user=user, device=app, typed=typed, address=address)
            device = app
        elif text is not None:
            _text_outcome(user=user, typed=typed, address=address)
            device = text
        else:
            raise code_refused(
                user=user,
                address=address,
                method="none",
                message=_("This code is not right."),
                code=SecondFactorError.SECOND_FACTOR_WRONG,
            )
    wrong_codes_cleared(user=user)
    second_factor_audit(user=user, action="second_factor_verified", method=_method(device))
    return device


def _method(device: Device) -> str:
    if isinstance(device, TOTPDevice):
        return "app"
    if isinstance(device, TextDevice):
        return "text"
    return "recovery"
