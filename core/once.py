"""A form sent twice is done once.

Each rendered form carries a one-time token (a hidden field). The first submission claims it in
the shared cache before doing anything; when it succeeds the token remembers where the user was
sent. A second submission of the same form (a double tap, a resend after a timeout, the back
button) is then answered with that same place instead of being done again. A submission that
fails validation releases its token, so the corrected form can be sent.

The cache is shared by every web process in production (Redis), so this holds across machines;
unique constraints (ID number, building + room) stay the last line of defence.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache

from core.actor import Actor

TOKEN_TTL = 24 * 3600
_PENDING = "pending"


def once_token() -> str:
    return secrets.token_urlsafe(16)


def _key(actor: Actor, token: str) -> str:
    return f"once:{actor.user_id}:{token[:64]}"


def once_claim(actor: Actor, token: str) -> str | None:
    """None: go ahead (the token is now claimed). Otherwise this form was already sent: the URL
    its first submission led to ("" while that one is still running)."""
    if not token:
        return None
    if cache.add(_key(actor, token), _PENDING, TOKEN_TTL):
        return None
    done = cache.get(_key(actor, token))
    return "" if done in (None, _PENDING) else str(done)


def once_done(actor: Actor, token: str, url: str) -> None:
    if token:
        cache.set(_key(actor, token), url, TOKEN_TTL)


def once_release(actor: Actor, token: str) -> None:
    if token:
        cache.delete(_key(actor, token))
