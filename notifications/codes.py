"""One-time codes sent by text message, for joining and for logging in with a phone.

6 digits, valid `TEXT_CODE_TTL_SECONDS`, one use, stored as an HMAC keyed with the project's
secret (a code for another number or purpose never matches). Limits are counted from the rows
themselves, so they hold across restarts and processes: one send per number every
`TEXT_CODE_RESEND_SECONDS`, `TEXT_CODE_PER_NUMBER_PER_DAY` per number,
`TEXT_CODE_PER_ADDRESS_PER_HOUR` per address; `TEXT_CODE_MAX_TRIES` wrong tries void the
code. Whether a number has an account is never part of any answer here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import field_error
from core.fields import index_of
from core.validators import validate_mobile
from notifications.error_codes import NotificationsError
from notifications.kinds import TextTemplate
from notifications.models import PhoneCode


def _keyed(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def code_hash(phone: str, purpose: str, code: str) -> str:
    return _keyed(f"code|{phone}|{purpose}|{code}")


def address_hash(address: str) -> str:
    return _keyed(f"address|{address}") if address else ""


def mobile_number(value: object, field: str = "phone") -> str:
    """A mainland mobile number ("13812345678"), or a field error saying what is wrong."""
    try:
        return validate_mobile(str(value or ""))
    except ValidationError as e:
        raise ValidationError({field: e.error_list}) from e


def code_send(*, phone: str, purpose: str, address: str) -> str:
    """Send a new code to a mobile number (typed as the user typed it); returns the number as
    stored. Raises a field error on "phone" for a bad number or a limit reached."""
    number = mobile_number(phone)
    now = timezone.now()
    addr = address_hash(address)
    with transaction.atomic():
        recent = PhoneCode.objects.filter(
            phone_hash=index_of("phone", number), created_at__gt=now - timedelta(days=1)
        )
        last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
        wait = settings.TEXT_CODE_RESEND_SECONDS
        if last is not None and (now - last).total_seconds() < wait:
            left = wait - int((now - last).total_seconds())
            raise field_error(
                "phone",
                _("A code was just sent to this number; ask again in %(seconds)s seconds.")
                % {"seconds": left},
                NotificationsError.CODE_TOO_SOON,
            )
        if recent.count() >= settings.TEXT_CODE_PER_NUMBER_PER_DAY:
            raise field_error(
                "phone",
                _("Too many codes were sent to this number today; try again tomorrow."),
                NotificationsError.CODE_DAILY_LIMIT,
            )
        if (
            addr
            and PhoneCode.objects.filter(
                address_hash=addr, created_at__gt=now - timedelta(hours=1)
            ).count()
            >= settings.TEXT_CODE_PER_ADDRESS_PER_HOUR
        ):
            raise field_error(
                "phone",
                _("Too many codes were asked for from this network; try again in an hour."),
                NotificationsError.CODE_ADDRESS_LIMIT,
            )
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.create(
            phone=number,
            purpose=purpose,
            code_hash=code_hash(number, purpose, code),
            address_hash=addr,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.TEXT_CODE_TTL_SECONDS),
        )
        from notifications.delivery import text_queue

        text_queue(phone=number, template=TextTemplate.CODE, params={"code": code})
    return number


def code_check(*, phone: str, purpose: str, code: str) -> str:
    """Use the newest code sent to this number for this purpose; returns the number. Raises a
    field error on "code" when it is wrong, expired, used or voided, changing only the count of
    tries."""
    number = mobile_number(phone)
    typed = "".join(ch for ch in str(code or "") if not ch.isspace())
    now = timezone.now()
    row = (
        PhoneCode.objects.filter(
            phone_hash=index_of("phone", number), purpose=purpose, used_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if row is None or row.expires_at <= now:
        raise field_error(
            "code",
            _("This code has expired or was already used; ask for a new one."),
            NotificationsError.CODE_EXPIRED,
        )
    if row.tries >= settings.TEXT_CODE_MAX_TRIES:
        raise field_error(
            "code",
            _("Too many wrong tries: this code no longer works; ask for a new one."),
            NotificationsError.CODE_TOO_MANY_TRIES,
        )
    if not hmac.compare_digest(row.code_hash, code_hash(number, purpose, typed)):
        PhoneCode.objects.filter(pk=row.pk).update(tries=F("tries") + 1)
        left = settings.TEXT_CODE_MAX_TRIES - row.tries - 1
        if left <= 0:
            raise field_error(
                "code",
                _("Too many wrong tries: this code no longer works; ask for a new one."),
                NotificationsError.CODE_TOO_MANY_TRIES,
            )
        raise field_error(
            "code",
            _("This code is not right; %(left)s tries left.") % {"left": left},
            NotificationsError.CODE_WRONG,
        )
    # One use, even when two requests bring the right code at once.
    used = PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not used:
        raise field_error(
            "code",
            _("This code has expired or was already used; ask for a new one."),
            NotificationsError.CODE_EXPIRED,
        )
    return number
