"""Who may do what at the front door: print and revoke join codes, answer join requests,
invite staff by text message."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.policies import SETUP_SITE_ROLES
from core.actor import Actor
from core.roles import Role
from second_factor.policies import must_use_second_factor

# Print, revoke and re-issue a community's join codes; see how many joined through each.
JOIN_CODE_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})

# Invite a staff member by text message: the setup roles, over the accounts they manage in Setup
# (accounts.querysets.UserQuerySet decides which).
INVITE_ROLES = SETUP_SITE_ROLES


def may_invite(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(INVITE_ROLES)


def may_log_in_with_code(roles: Iterable[str]) -> bool:
    """Residents and staff alike log in with a text code, unless a role of theirs needs a
    second factor (SECOND_FACTOR_ROLES): a text code alone never logs them in, whether from
    the phone login or an invitation; they log in with their password and their second
    factor."""
    return not must_use_second_factor(roles)


# Read and answer the join requests of their area: the grid worker of the building's grid, the
# community's and the street's offices.
JOIN_REQUEST_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})


def may_manage_join_codes(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(JOIN_CODE_ROLES)


def may_answer_join_requests(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(JOIN_REQUEST_ROLES)
