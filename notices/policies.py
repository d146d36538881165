"""Who may do what in notices: every "may this actor do this" rule of the app, in one place."""

from __future__ import annotations

from core.actor import Actor
from core.roles import Role
from notices.models import (
    GuideItem,
    Notice,
)
from notices.querysets import OFFICE_ROLES
from places.models import Place, PlaceKind


def may_edit_guide_item(actor: Actor, item: GuideItem) -> bool:
    return actor.is_superuser or any(
        item.city_path.startswith(g.place_path) for g in actor.place_grants(Role.CITY_ADMIN)
    )


# Every staff role with a place grant reports (not residents; a unit's admin has no place).
REPORTER_ROLES = frozenset(set(Role.values) - {Role.RESIDENT, Role.UNIT_ADMIN})


# Who handles an incident: the street's admin, and the district's and city's above it.
HANDLER_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN})


def may_report_at(actor: Actor, place: Place) -> bool:
    """A street or community in the actor's area, or the community they work in."""
    if place.kind not in (PlaceKind.STREET, PlaceKind.COMMUNITY):
        return False
    if actor.is_superuser:
        return True
    for g in actor.place_grants(REPORTER_ROLES):
        if place.path.startswith(g.place_path):
            return True
        if place.kind == PlaceKind.COMMUNITY and g.place_path.startswith(place.path):
            return True
    return False


def may_withdraw(actor: Actor, notice: Notice) -> bool:
    """The issuing office and the offices above it withdraw a notice."""
    return actor.is_superuser or any(
        notice.issuer_path.startswith(g.place_path) for g in actor.place_grants(OFFICE_ROLES)
    )


TEAM_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})


SUPERVISION_ABOVE_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN})


def follows_notices(actor: Actor) -> bool:
    """Offices see withdrawn notices (the record) and the reach pages."""
    return actor.is_superuser or actor.has_role(OFFICE_ROLES)


def may_see_reach(actor: Actor) -> bool:
    return follows_notices(actor)
