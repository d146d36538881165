"""What each role may do with resident requests, declared once; the services check these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.actor import Actor
from core.roles import Role

if TYPE_CHECKING:
    from service_requests.models import ServiceRequest

# Who files a request for a resident in their area (a resident files for their own household,
# a carer for a household they care for: both checked in the service).
FILE_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
# Who handles a request at each level: respond, note, dispatch, escalate, mark done, close.
LEVEL_ROLES: dict[str, str] = {
    "community": Role.COMMUNITY_ADMIN,
    "street": Role.STREET_ADMIN,
    "district": Role.DISTRICT_ADMIN,
}
# Who sets the city's time targets.
TARGET_ROLES = frozenset({Role.CITY_ADMIN})
# Who registers vehicles (of their community or street).
VEHICLE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
# Who may be dispatched as people: helpers and grid workers granted in the community or street.
DISPATCHABLE_ROLES = frozenset(
    {Role.CADRE, Role.VOLUNTEER, Role.GRID_WORKER, Role.PROPERTY_STAFF, Role.COMMUNITY_POLICE}
)


def may(actor: Actor, roles: frozenset[str]) -> bool:
    return actor.is_superuser or actor.has_role(roles)


def handles(actor: Actor, request: ServiceRequest) -> bool:
    """The office of the level that holds the request now (the community's admin while it is at
    the community, the street's once escalated, the district's after that)."""
    if actor.is_superuser:
        return True
    role = LEVEL_ROLES[request.level]
    place_id = getattr(request, f"{request.level}_id")
    return any(g.role == role and g.place_id == place_id for g in actor.grants)


def is_residents_household(actor: Actor, request: ServiceRequest) -> bool:
    return any(
        g.role == Role.RESIDENT and g.household_id == request.household_id for g in actor.grants
    )


def confirms_for(actor: Actor, request: ServiceRequest, resident_has_phone: bool) -> bool:
    """The resident confirms; the grid worker of the grid does it for a resident without a
    phone (who cannot log in)."""
    if actor.is_superuser or is_residents_household(actor, request):
        return True
    return not resident_has_phone and any(
        g.role == Role.GRID_WORKER and g.place_id == request.grid_id for g in actor.grants
    )
