"""Enrolling a second factor: an authenticator app (a new secret, confirmed by its first code)
or, where the city allows, text messages to the account's number (confirmed by a code
received). A confirmed factor replaces the one before it; ten recovery codes come with it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from accounts.models import User
from core.errors import field_error
from second_factor.audit import second_factor_audit
from second_factor.error_codes import SecondFactorError
from second_factor.models import TextDevice
from second_factor.policies import text_allowed
from second_factor.recovery import recovery_codes_new
from second_factor.text import text_code_right
from second_factor.totp import first_code_step
from second_factor.verification import code_refused, locked_error
from second_factor.wrong_codes import second_factor_locked, wrong_codes_cleared

APP_DEVICE_NAME = "app"


def app_enrolment_key(current: object = None) -> str:
    """The secret being enrolled (hex), kept in the session until confirmed: the same one on a
    reload, a new one when there is none. Nothing is stored before the first right code."""
    if isinstance(current, str) and len(current) == 40:
        try:
            bytes.fromhex(current)
            return current
        except ValueError:
            pass
    return str(default_key())


def app_enrolment_device(*, user: User, key: str) -> TOTPDevice:
    """The authenticator being enrolled, not saved."""
    return TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key, confirmed=False)


def _enrolled(*, user: User, keep: TOTPDevice | TextDevice, method: str) -> list[str]:
    """Confirm the new factor, end the old ones, give new recovery codes (returned once)."""
    keep.confirmed = True
    keep.save(update_fields=["confirmed"])
    apps = TOTPDevice.objects.filter(user=user)
    texts = TextDevice.objects.filter(user=user)
    (apps.exclude(pk=keep.pk) if isinstance(keep, TOTPDevice) else apps).delete()
    (texts.exclude(pk=keep.pk) if isinstance(keep, TextDevice) else texts).delete()
    codes = recovery_codes_new(user=user)
    wrong_codes_cleared(user=user)
    second_factor_audit(user=user, action="second_factor_enrolled", method=method)
    return codes


def app_enrol(*, user: User, key: str, typed: str, address: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app with its first code; the device and the recovery codes."""
    if second_factor_locked(user=user, address=address):
        raise locked_error()
    device = app_enrolment_device(user=user, key=key)
    step = first_code_step(device=device, typed=typed)
    if step is None:
        raise code_refused(
            user=user,
            address=address,
            method="app",
            message=_("This code is not right; enter the code your app shows now."),
            code=SecondFactorError.SECOND_FACTOR_WRONG,
        )
    with transaction.atomic():
        device.last_t = step  # this code is used: the next login needs the next one
        device.save()
        return device, _enrolled(user=user, keep=device, method="app")


def text_enrol(*, user: User, typed: str, address: str) -> tuple[TextDevice, list[str]]:
    """Confirm text messages with the code sent to the account's number."""
    if not text_allowed():
        raise field_error(
            "code",
            _("Text-message codes are not used here."),
            SecondFactorError.SECOND_FACTOR_NOT_ENROLLED,
        )
    if second_factor_locked(user=user, address=address):
        raise locked_error()
    right, why = text_code_right(user=user, typed=typed)
    if not right:
        raise code_refused(
            user=user,
            address=address,
            method="text",
            message=why,
            code=SecondFactorError.SECOND_FACTOR_WRONG,
        )
    with transaction.atomic():
        device = TextDevice.objects.create(user=user, name="text", confirmed=False)
        return device, _enrolled(user=user, keep=device, method="text")


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for an enrolled account (the old ones stop working)."""
    codes = recovery_codes_new(user=user)
    second_factor_audit(user=user, action="recovery_codes_renewed")
    return codes
