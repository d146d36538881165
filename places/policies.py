"""Who may do what in places: every "may this actor do this" rule of the app, in one place."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.errors import NotAllowed
from core.roles import SETUP_ROLES
from places.models import Place


def check_can_setup(actor: Actor, parent: Place | None) -> None:
    if actor.is_superuser:
        return
    if parent is None or not any(
        parent.path.startswith(g.place_path) for g in actor.place_grants(SETUP_ROLES)
    ):
        raise NotAllowed(_("You may only set up places inside your own area."))
