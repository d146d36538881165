"""Who may do what with the daily report: the community's admin reviews and submits it, the
street's admin sets its deadline, the offices above read the roll-up."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.roles import Role
from health.querysets import REPORT_OFFICE_ROLES
from places.models import Place, PlaceKind

DAILY_SUBMIT_ROLES = frozenset({Role.COMMUNITY_ADMIN})
DEADLINE_ROLES = frozenset({Role.STREET_ADMIN})


def may_submit_for(actor: Actor, community_path: str) -> bool:
    if actor.is_superuser:
        return True
    return any(
        community_path.startswith(g.place_path) for g in actor.place_grants(DAILY_SUBMIT_ROLES)
    )


def may_set_deadline(actor: Actor, street: Place) -> bool:
    if street.kind != PlaceKind.STREET:
        return False
    if actor.is_superuser:
        return True
    return any(street.path.startswith(g.place_path) for g in actor.place_grants(DEADLINE_ROLES))


def may_open_overview(actor: Actor, place_path: str) -> bool:
    if actor.is_superuser:
        return True
    return any(
        place_path.startswith(g.place_path)
        for g in actor.place_grants(REPORT_OFFICE_ROLES - DAILY_SUBMIT_ROLES)
    )


def check_submitter(actor: Actor, community_path: str) -> None:
    if not may_submit_for(actor, community_path):
        raise NotAllowed(_("Only the community's admin reviews and submits its daily report."))
