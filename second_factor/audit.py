"""The second factor's audit rows: who, which account, what happened; never a code."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.selectors import actor_cached
from core.actor import Actor
from core.audit import audit_record


def second_factor_audit(
    *, user: User, action: str, actor: Actor | None = None, **detail: Any
) -> None:
    audit_record(
        actor=actor if actor is not None else actor_cached(user),
        action=action,
        target_type="user",
        target_id=user.pk,
        detail=detail,
    )
