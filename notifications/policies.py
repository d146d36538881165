"""Who may do what with notifications: every user reads and switches only their own; the
console gateway's outbox opens to the setup roles, and to visitors only in the demo."""

from __future__ import annotations

from django.conf import settings

from core.actor import Actor
from core.roles import SETUP_ROLES


def may_read_text_outbox(actor: Actor) -> bool:
    if settings.TEXT_GATEWAY != "console":
        return False
    if settings.TEXT_CONSOLE_OUTBOX_PUBLIC:
        return True
    return actor.is_superuser or any(g.role in SETUP_ROLES for g in actor.grants)
