"""Wrong second-factor codes in a row: SECOND_FACTOR_MAX_WRONG of them lock the username from
that address exactly like wrong passwords (accounts.services.login_failed / login_locked), so
the password form refuses it too until the lock ends."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from core.validators import normalize_text
from second_factor.models import WrongCodes

# Bounds the loop below whatever the password limit is.
_MOST_PASSWORD_FAILURES = 1000


def _name(user: User) -> str:
    return normalize_text(user.username)


def second_factor_locked(*, user: User, address: str) -> bool:
    return account_services.login_locked(username=_name(user), ip=address)


def wrong_code_counted(*, user: User, address: str) -> bool:
    """Count one wrong code; True when this one reached the limit and the username is now
    locked (the count starts again)."""
    with transaction.atomic():
        row, _ = WrongCodes.objects.select_for_update().get_or_create(user=user)
        row.count += 1
        row.last_at = timezone.now()
        reached = row.count >= settings.SECOND_FACTOR_MAX_WRONG
        if reached:
            row.count = 0
        row.save()
    if reached:
        # The lock is the password lock: fill its count rather than keep a second one.
        for _ in range(_MOST_PASSWORD_FAILURES):
            if second_factor_locked(user=user, address=address):
                break
            account_services.login_failed(username=_name(user), ip=address)
    return reached


def wrong_codes_cleared(*, user: User) -> None:
    WrongCodes.objects.filter(user=user).update(count=0)
