"""Who may do what with accounts: the setup site (Django's admin, scoped to the area) opens to
holders of a setup role, and a user's own language is theirs to set."""

from __future__ import annotations

from core.actor import Actor
from core.roles import SETUP_ROLES

# Who opens the setup site: a user holding one of these gets is_staff (and loses it without).
SETUP_SITE_ROLES = SETUP_ROLES


def may_set_language(actor: Actor) -> bool:
    """Any logged-in user sets their own language (it follows them to other devices)."""
    return actor.user_id is not None
