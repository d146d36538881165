"""The login lockout, counted in the database (issue 18 item 2): one row per username and one
per address, so a lock survives a restart and holds for every web process.

By account: LOGIN_FAILURE_LIMIT wrong passwords or codes for one username within
LOGIN_FAILURE_WINDOW_SECONDS lock that username for LOGIN_LOCK_SECONDS, from every address. By
address: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the usernames, lock that
address as long. Unknown usernames count and lock exactly like real ones, so a lock tells nobody
whether an account exists. Rows are keyed by a SHA-256, never by the name or number itself.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import LoginThrottle
from core.actor import Actor
from core.audit import audit_record
from core.masking import mask_in_text

Kind = LoginThrottle.Kind


def _hash(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()


def _keys(username: str, ip: str) -> list[tuple[str, str, str]]:
    """(kind, key hash, what the audit may say) for the username and the address."""
    keys = []
    if username:
        keys.append((Kind.ACCOUNT.value, _hash(username), mask_in_text(username)))
    if ip:
        keys.append((Kind.ADDRESS.value, _hash(ip), ip))
    return keys


def login_locked(*, username: str, ip: str) -> bool:
    """Whether this username, or this address, is locked out now."""
    q = Q()
    for kind, key_hash, _label in _keys(username, ip):
        q |= Q(kind=kind, key_hash=key_hash)
    if not q:
        return False
    return LoginThrottle.objects.filter(q, locked_until__gt=timezone.now()).exists()


def login_failed(*, username: str, ip: str) -> None:
    """Count one wrong password or code against the username and the address."""
    for kind, key_hash, label in _keys(username, ip):
        limit = (
            settings.LOGIN_FAILURE_LIMIT
            if kind == Kind.ACCOUNT
            else settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )
        _count(kind=kind, key_hash=key_hash, label=label, limit=limit)


@transaction.atomic
def _count(*, kind: str, key_hash: str, label: str, limit: int) -> None:
    now = timezone.now()
    LoginThrottle.objects.get_or_create(
        kind=kind, key_hash=key_hash, defaults={"window_started_at": now}
    )
    # The row lock makes concurrent failures count one by one (PostgreSQL; SQLite's write
    # transactions are serial anyway).
    row = LoginThrottle.objects.select_for_update().get(kind=kind, key_hash=key_hash)
    if row.locked_until is not None and row.locked_until > now:
        return  # already locked: the lock is not extended by attempts it refused
    if row.window_started_at <= now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= limit:
        # The lock engages: a new window starts when it ends.
        row.locked_until = now + timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
        row.failures, row.window_started_at = 0, row.locked_until
        audit_record(
            actor=Actor.anonymous(),
            action="login_locked",
            target_type=kind,
            target_id=label[:40],
            detail={"failures": limit, "minutes": settings.LOGIN_LOCK_SECONDS // 60},
        )
    row.save(update_fields=["failures", "window_started_at", "locked_until"])


def login_succeeded(*, username: str, ip: str) -> None:
    """A right password clears the username's count (not the address's: one known account must
    not reset the count of a script trying others)."""
    if username:
        LoginThrottle.objects.filter(kind=Kind.ACCOUNT, key_hash=_hash(username)).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=timezone.now())
        ).delete()


def login_throttles_purge() -> int:
    """Delete counts whose window and lock are over: they no longer count."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = (
        LoginThrottle.objects.filter(window_started_at__lte=now - window)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .delete()
    )
    return deleted
