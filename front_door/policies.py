"""Who may do what at the front door: print and revoke join codes, answer join requests,
invite staff by text message."""

from __future__ import annotations

from core.actor import Actor
from core.roles import Role

# Print, revoke and re-issue a community's join codes; see how many joined through each.
JOIN_CODE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})

# Read and answer the join requests of their area: the grid worker of the building's grid, the
# community's and the street's offices.
JOIN_REQUEST_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})


def may_manage_join_codes(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(JOIN_CODE_ROLES)


def may_answer_join_requests(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(JOIN_REQUEST_ROLES)
