"""At every login (password, phone code, invitation, Setup's own login): note in the session
whether this account has a second factor to be asked for (second_factor.session)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest

from accounts.models import User


def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    from second_factor.session import login_marked

    if request is not None and hasattr(request, "session"):
        login_marked(request, user)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="second_factor_login")
