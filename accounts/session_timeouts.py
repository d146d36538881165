"""Idle and absolute session timeouts (issue 18 item 2), after authentication.

Staff: SESSION_IDLE_SECONDS (30 min) and SESSION_ABSOLUTE_SECONDS (12 h). Residents (every
grant is the resident role), on their own phone: SESSION_RESIDENT_IDLE_SECONDS (7 days) and
SESSION_RESIDENT_ABSOLUTE_SECONDS (30 days). The login moment and the last activity live in the
session; last activity is written at most once a minute. An ended session is logged out: a page
goes to the login page with a message, the API answers 401."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from accounts.user_sessions import (
    LOGIN_AT,
    SEEN_AT,
    TOUCH_SECONDS,
    session_register,
    session_touch,
)
from core.actor import Actor
from core.roles import Role


def limits_for(actor: Actor) -> tuple[int, int]:
    """(idle, absolute) seconds for this actor's sessions."""
    if actor.roles and actor.roles <= {Role.RESIDENT}:
        return settings.SESSION_RESIDENT_IDLE_SECONDS, settings.SESSION_RESIDENT_ABSOLUTE_SECONDS
    return settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        started, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
        if not isinstance(started, int) or not isinstance(seen, int):
            # A session from before the registry: it starts counting (and is listed) now.
            session_register(request=request, user=user)  # type: ignore[arg-type]
            return self.get_response(request)
        idle, absolute = limits_for(request.actor)  # type: ignore[attr-defined]
        if now - seen > idle or now - started > absolute:
            return self._ended(request)
        if now - seen >= TOUCH_SECONDS:
            session_touch(request=request, now=now)
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        text = _("Your session has ended. Please log in again.")
        if request.path.startswith("/api/"):
            body = {
                "detail": text,
                "errors": [{"field": "__all__", "message": text, "code": "session_expired"}],
            }
            return JsonResponse(body, status=401)
        messages.info(request, text)
        response = redirect_to_login(request.get_full_path())
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment: have it load the page instead.
            response["HX-Redirect"] = response["Location"]
        return response
