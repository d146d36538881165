"""Who may do what with deployments and the deployment call (应下尽下), declared once."""

from __future__ import annotations

from core.actor import Actor
from core.roles import SETUP_ROLES, Role

# The community's admin accepts or declines a check-in, ends a deployment, makes check-in links.
ACCEPT_ROLES = frozenset({Role.COMMUNITY_ADMIN})
# Who sees the coverage figures: the organisation departments (city, district) and units.
COVERAGE_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.UNIT_ADMIN})


def accepts_in(actor: Actor, community_id: int) -> bool:
    if actor.is_superuser:
        return True
    return any(g.role in ACCEPT_ROLES and g.place_id == community_id for g in actor.grants)


def calls_cadre(actor: Actor, user_id: int, community_id: int) -> bool:
    """Who sees a deployed cadre's phone in full, on the pages and in the API: the cadre, and
    the community's admin who calls them. Others see it masked."""
    return (bool(actor.user_id) and actor.user_id == user_id) or accepts_in(actor, community_id)


def marks_for(actor: Actor, unit_id: int, unit_place_path: str) -> bool:
    """Marks who of a unit should deploy: the unit's party admin, or the organisation
    department (city or district admin) over the unit's place."""
    if actor.is_superuser:
        return True
    if any(g.role == Role.UNIT_ADMIN and g.unit_id == unit_id for g in actor.grants):
        return True
    return any(unit_place_path.startswith(g.place_path) for g in actor.place_grants(SETUP_ROLES))
