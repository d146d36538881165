"""Who may do what in party: every "may this actor do this" rule of the app, in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.errors import NotAllowed
from core.roles import SETUP_ROLES


def check_in_scope(actor: Actor, path: str) -> None:
    if actor.is_superuser:
        return
    if not path or not any(path.startswith(g.place_path) for g in actor.place_grants(SETUP_ROLES)):
        raise NotAllowed(_("You may only set up organisations inside your own area."))
