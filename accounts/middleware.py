"""Who is acting: the logged-in user as `request.actor`, for every page and endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.selectors import actor_cached
from core.actor import Actor


class ActorMiddleware:
    """Turns the logged-in user into `request.actor` (grants read once per request)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.actor = actor_cached(user)  # type: ignore[attr-defined]
            # A user's saved language wins when the browser has not chosen one.
            if user.language and not request.COOKIES.get("django_language"):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            request.actor = Actor.anonymous()  # type: ignore[attr-defined]
        return self.get_response(request)
