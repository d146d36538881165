"""The actor, the main navigation and the inbox's unread count, in every page's context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.actor import Actor
from home.navigation import destinations
from notifications.selectors import unread_count


def actor(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "actor", Actor.anonymous())
    return {
        "actor": current,
        # The main navigation (tab bar and menu), worked out only by a page that shows it.
        "nav": SimpleLazyObject(lambda: destinations(current, request.path)),
        # The bell's unread count: one indexed count, only on a page that shows the bell.
        "inbox_unread": SimpleLazyObject(lambda: unread_count(current)),
    }
