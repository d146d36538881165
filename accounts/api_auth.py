"""The API's authentication: a bearer token or the browser's session, either yielding an Actor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from accounts.selectors import actor_cached
from accounts.services import api_token_user
from core.actor import Actor


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        request.actor = actor_cached(user)  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session; CSRF is checked on unsafe methods."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = getattr(request, "actor", None)
        if isinstance(actor, Actor) and actor.is_authenticated:
            return request.user
        return None
