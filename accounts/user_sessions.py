"""The registry of logged-in sessions (issue 18 item 2): written at login, touched at most once a
minute, and the one place that kills a user's sessions and tokens at once.

Killing deletes the Django sessions (cache and database: the engine is cached_db), the registry
rows, the user's API tokens, and the cached user and actor (accounts.selectors, 30 s), so the very
next request of a deactivated user, or one whose grant or password changed, is refused.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User, UserSession
from accounts.selectors import actor_forget
from core.actor import Actor
from core.audit import audit_record

# Kept in the session itself, so the timeouts need no query: seconds since the epoch.
LOGIN_AT = "linli_login_at"
SEEN_AT = "linli_seen_at"
# Last activity is written at most this often: a resident's health report is not slowed by a
# session write on every request.
TOUCH_SECONDS = 60


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)  # type: ignore[no-any-return]


def session_register(*, request: Any, user: User) -> None:
    """Note a new login: its moment in the session, and a registry row to list and kill it."""
    session = request.session
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if session.session_key is None:
        session.save()
    at = timezone.now()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "started_at": at,
            "last_seen_at": at,
            "address": request.META.get("REMOTE_ADDR", "")[:45],
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def session_touch(*, request: Any, now: int) -> None:
    """Record activity in the session and the registry (once a minute at most: the caller
    checks)."""
    request.session[SEEN_AT] = now
    UserSession.objects.filter(session_key=request.session.session_key).update(
        last_seen_at=datetime.fromtimestamp(now, tz=UTC)
    )


def session_forget(*, session_key: str | None) -> None:
    """A session that ended (logout, timeout) leaves the registry."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_kill(*, user_id: int, keep_session_key: str | None = None, tokens: bool = True) -> int:
    """End every session of the user (but `keep_session_key`) and, with `tokens`, every API
    token; returns how many sessions ended. Done at once, and again after the transaction
    commits: a request racing the change could otherwise cache again what was just deleted."""
    ended = _kill(user_id=user_id, keep_session_key=keep_session_key, tokens=tokens)
    transaction.on_commit(
        lambda: _kill(user_id=user_id, keep_session_key=keep_session_key, tokens=tokens)
    )
    return ended


def _kill(*, user_id: int, keep_session_key: str | None, tokens: bool) -> int:
    rows = UserSession.objects.filter(user_id=user_id)
    if keep_session_key:
        rows = rows.exclude(session_key=keep_session_key)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete(key)
    rows.delete()
    if tokens:
        ApiToken.objects.filter(user_id=user_id).delete()
    actor_forget(user_id)
    return len(keys)


def session_kill_one(*, user_id: int, session_id: int) -> bool:
    """End one session of the user (the sessions page's "log out" on one device)."""
    row = UserSession.objects.filter(user_id=user_id, pk=session_id).first()
    if row is None:
        return False
    _store(row.session_key).delete(row.session_key)
    row.delete()
    return True


def user_sessions_purge() -> int:
    """Registry rows whose Django session is gone (expired, cleared): nothing left to kill."""
    from django.contrib.sessions.models import Session

    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    deleted, _ = UserSession.objects.exclude(session_key__in=alive).delete()
    return deleted


def sessions_revoke(
    *,
    actor: Actor,
    current_session_key: str | None,
    session_id: int | None = None,
    token_id: int | None = None,
    everywhere: bool = False,
    including_this: bool = False,
) -> int:
    """The sessions page: end one of the actor's own sessions, one of their tokens, or (with
    `everywhere`) all their tokens and sessions but this one (or this one too). Audited;
    returns how many sessions and tokens ended."""
    user_id = actor.user_id
    if user_id is None:
        return 0
    ended = 0
    if everywhere:
        tokens = ApiToken.objects.for_actor(actor).filter(user_id=user_id).count()
        keep = None if including_this else current_session_key
        ended = sessions_kill(user_id=user_id, keep_session_key=keep) + tokens
        what = "all"
    elif session_id is not None:
        ended = int(session_kill_one(user_id=user_id, session_id=session_id))
        what = "session"
    elif token_id is not None:
        ended, _ = ApiToken.objects.for_actor(actor).filter(user_id=user_id, pk=token_id).delete()
        what = "token"
    else:
        return 0
    if ended:
        audit_record(
            actor=actor,
            action="sessions_revoked",
            target_type="user",
            target_id=user_id,
            detail={"what": what, "count": ended, "including_this": including_this},
        )
    return ended
