"""Authenticator-app codes (django-otp's otp_totp): a code is right within the device's
tolerance, and a code already used (at or before the device's last_t) is refused."""

from __future__ import annotations

import time
from enum import Enum

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class TotpResult(Enum):
    RIGHT = "right"
    WRONG = "wrong"
    REPLAYED = "replayed"


def _digits(typed: str) -> int | None:
    code = "".join(ch for ch in str(typed or "") if not ch.isspace())
    return int(code) if code.isdigit() and len(code) <= 8 else None


def totp_check(*, device: TOTPDevice, typed: str) -> TotpResult:
    """Check a code against the device, locking its row so one code passes once even when sent
    twice at the same moment; a right code moves last_t forward (django-otp)."""
    token = _digits(typed)
    if token is None:
        return TotpResult.WRONG
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.verify_token(token):
            return TotpResult.RIGHT
        # Told apart from a wrong code only to say so: it matched a time step already used.
        totp = TOTP(locked.bin_key, locked.step, locked.t0, locked.digits, locked.drift)
        totp.time = time.time()
        if totp.verify(token, locked.tolerance):
            return TotpResult.REPLAYED
    return TotpResult.WRONG


def first_code_step(*, device: TOTPDevice, typed: str) -> int | None:
    """The time step of a right code for a device not saved yet (enrolment), else None."""
    token = _digits(typed)
    if token is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return int(totp.t()) if totp.verify(token, device.tolerance) else None
