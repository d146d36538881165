"""The enrolment QR code: the otpauth:// address as inline SVG (no image request, no script)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice


def qr_svg(device: TOTPDevice, title: str) -> SafeString:
    code = segno.make(device.config_url, error="m")
    # segno escapes the title and builds the rest from numbers: safe to put in the page as is.
    return mark_safe(code.svg_inline(scale=4, omitsize=True, title=title))  # nosec B308, B703: segno escapes the title; the rest is numbers


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32 in groups of four, for apps without a camera."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
