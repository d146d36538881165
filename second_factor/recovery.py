"""Recovery codes: ten one-use codes (django-otp's otp_static), shown once when made.

The table keeps a keyed hash of each code, never the code: otp_static compares what it is given
with what it stored, so it is given the hash of what was typed."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import User

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"


def recovery_normalized(typed: str) -> str:
    """What a person types ("ABCD-EFGH ", "abcd efgh") as stored before hashing."""
    return "".join(ch for ch in str(typed or "").lower() if ch.isalnum())


def recovery_hash(code: str) -> str:
    keyed = hmac.new(settings.SECRET_KEY.encode(), f"recovery|{code}".encode(), hashlib.sha256)
    return keyed.hexdigest()[:16]  # otp_static's token column holds 16 characters


def looks_like_recovery_code(typed: str) -> bool:
    code = recovery_normalized(typed)
    return len(code) == 8 and not code.isdigit()


@transaction.atomic
def recovery_codes_new(*, user: User) -> list[str]:
    """Ten new codes for the account (the old ones stop working), as shown: "abcd-efgh"."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_hash(code)) for code in codes
    )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_code_use(*, user: User, typed: str) -> StaticDevice | None:
    """The recovery device when the code is one of the account's unused codes; the code is then
    used up (the device row is locked, so two requests with one code cannot both pass)."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, name=RECOVERY_DEVICE_NAME)
            .first()
        )
        if device is None or not device.verify_token(recovery_hash(recovery_normalized(typed))):
            return None
        return device
