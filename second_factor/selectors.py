"""Reads: an account's confirmed second factors."""

from __future__ import annotations

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from second_factor.models import TextDevice


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def text_device(user: User) -> TextDevice | None:
    return TextDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def is_enrolled(user: User) -> bool:
    """An authenticator app or text messages confirmed (recovery codes alone do not count)."""
    return app_device(user) is not None or text_device(user) is not None


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device is not None else 0
