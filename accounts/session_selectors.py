"""What the sessions page shows: the actor's own live sessions and unexpired API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import ApiToken, UserSession
from core.actor import Actor


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    address: str
    started_at: datetime
    last_seen_at: datetime
    is_current: bool


_BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("HarmonyOS", "HarmonyOS"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A person's name for a browser: "Chrome · Android"; the raw string when unknown."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), "")
    system = next((name for key, name in _SYSTEMS if key in user_agent), "")
    label = " · ".join(p for p in (browser, system) if p)
    return label or re.sub(r"\s+", " ", user_agent)[:40]


def my_sessions(actor: Actor, *, current_session_key: str | None) -> list[SessionRow]:
    """The actor's sessions still alive, the most recently active first."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    rows = (
        UserSession.objects.for_actor(actor)
        .filter(user_id=actor.user_id, session_key__in=alive)
        .order_by("-last_seen_at")
    )
    return [
        SessionRow(
            id=r.pk,
            device=device_label(r.user_agent),
            address=r.address,
            started_at=r.started_at,
            last_seen_at=r.last_seen_at,
            is_current=r.session_key == current_session_key,
        )
        for r in rows
    ]


def my_tokens(actor: Actor) -> list[ApiToken]:
    return list(
        ApiToken.objects.for_actor(actor)
        .filter(user_id=actor.user_id, expires_at__gt=timezone.now())
        .order_by("-created_at")
    )
