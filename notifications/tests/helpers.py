"""What the producers' tests share: an extra account with one grant (someone out of scope, or a
second office), and a user's inbox lines of one kind."""

from __future__ import annotations

import itertools
from typing import Any

from accounts.models import Grant, User
from notifications.models import Notification

_seq = itertools.count(1)


def user_with(role: str, **scope: Any) -> User:
    """A new account with one grant (`place=…`, `household=…` or `unit=…`)."""
    user = User.objects.create(username=f"{role}-extra-{next(_seq)}", display_name=str(role))
    Grant.objects.create(user=user, role=role, **scope)
    return user


def lines(user: User | int, kind: str | None = None) -> int:
    uid = user if isinstance(user, int) else user.pk
    qs = Notification.objects.filter(recipient_id=uid)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.count()
