"""Who may do what with care, declared once; the services check these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from care.querysets import CARE_OFFICE_ROLES
from core.actor import Actor
from core.roles import Role

if TYPE_CHECKING:
    from care.models import CareAssignment

# Who gives a household a carer, changes the plan, ends an assignment, records a carer leaving.
ASSIGN_ROLES = frozenset({Role.COMMUNITY_ADMIN})
# Who may be a carer: a deployed cadre or volunteer granted at the household's community, or the
# grid worker of the household's grid.
CARER_ROLES = frozenset({Role.CADRE, Role.VOLUNTEER, Role.GRID_WORKER})
# Carer roles granted at the community (the grid worker's grant is at a grid).
COMMUNITY_CARER_ROLES = frozenset({Role.CADRE, Role.VOLUNTEER})


def may(actor: Actor, roles: frozenset[str]) -> bool:
    return actor.is_superuser or actor.has_role(roles)


def assigns_in(actor: Actor, community_id: int) -> bool:
    """The community's admin (or a superuser) assigns carers there."""
    if actor.is_superuser:
        return True
    return any(g.role in ASSIGN_ROLES and g.place_id == community_id for g in actor.grants)


def admin_communities(actor: Actor) -> list[int]:
    """The communities the actor assigns carers in (from the grants: no query)."""
    return sorted({g.place_id for g in actor.place_grants(ASSIGN_ROLES) if g.place_id})


def names_in_full(actor: Actor, assignment: CareAssignment) -> bool:
    """The carer phones and visits: names and phones in full, on the pages and in the API. The
    office sees them masked."""
    return actor.is_superuser or (bool(actor.user_id) and actor.user_id == assignment.carer_id)


def logs_contact(actor: Actor, assignment: CareAssignment) -> bool:
    """The assignment's carer, or the admin of its community."""
    if actor.user_id and actor.user_id == assignment.carer_id:
        return True
    return assigns_in(actor, assignment.community_id)


# The offices that read the vulnerable households list (a grid worker uses "my households").
CARE_LIST_ROLES = CARE_OFFICE_ROLES - {Role.GRID_WORKER}
