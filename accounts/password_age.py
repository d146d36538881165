"""Periodic password change, off unless PASSWORD_MAX_AGE_DAYS is set (ASVS 5.0 forbids forced
rotation; MLPS 2.0 level 3 asks for it). When on, a user whose password is older than that is
sent to the change-password page before anything else; the API answers 403 with a code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User


def password_too_old(user: User) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return changed < timezone.now() - timedelta(days=days)


class PasswordAgeMiddleware:
    # The pages a user must still reach to change the password or leave.
    ALLOWED = ("accounts:password_change", "accounts:logout", "accounts:set_language")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.PASSWORD_MAX_AGE_DAYS > 0
            and user is not None
            and user.is_authenticated
            and password_too_old(user)  # type: ignore[arg-type]
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and not request.path.startswith(settings.STATIC_URL)
        ):
            text = _("Your password is older than %(days)d days. Choose a new one.") % {
                "days": settings.PASSWORD_MAX_AGE_DAYS
            }
            if request.path.startswith("/api/"):
                body = {
                    "detail": text,
                    "errors": [{"field": "password", "message": text, "code": "password_expired"}],
                }
                return JsonResponse(body, status=403)
            messages.warning(request, text)
            return redirect("accounts:password_change")
        return self.get_response(request)
