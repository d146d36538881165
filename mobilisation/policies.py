"""Who may do what with posts, zones, the roster, patrols, activities and worker needs,
declared once; the services check these (from the grants: no query)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.roles import PARTY_ROLES, SETUP_ROLES, Role
from mobilisation.duty_querysets import WORKER_ROLES, worker_community_paths
from mobilisation.models import Patrol, WorkerNeed

# Who sets up posts, zones, shifts and patrol routes, and puts people on them.
MANAGE_ROLES = frozenset({Role.COMMUNITY_ADMIN})
# Who answers a worker's difficulty (附件七 四: the street's job).
ANSWER_ROLES = frozenset({Role.STREET_ADMIN})

__all__ = [
    "ACCEPT_ROLES",
    "ANSWER_ROLES",
    "COVERAGE_ROLES",
    "MANAGE_ROLES",
    "WORKER_ROLES",
    "accepts_in",
    "answers_in",
    "calls_cadre",
    "managed_communities",
    "manages",
    "marks_for",
    "works_in",
]


def manages(actor: Actor, community_id: int) -> bool:
    """The community's admin (or a superuser)."""
    if actor.is_superuser:
        return True
    return any(g.role in MANAGE_ROLES and g.place_id == community_id for g in actor.grants)


def managed_communities(actor: Actor) -> list[int]:
    return sorted({g.place_id for g in actor.place_grants(MANAGE_ROLES) if g.place_id})


def works_in(actor: Actor, community_path: str) -> bool:
    """The actor holds a worker role in the community (or one of its grids or buildings)."""
    return actor.is_superuser or community_path in worker_community_paths(actor)


def answers_in(actor: Actor, street_id: int) -> bool:
    """The street's admin answers its communities' workers."""
    if actor.is_superuser:
        return True
    return any(g.role in ANSWER_ROLES and g.place_id == street_id for g in actor.grants)


# ---- deployments and the deployment call (应下尽下) ----

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


# Who sees the communities short of helpers: the admins of an area.
COVERAGE_AREA_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN})


# Who reads the deployments list: the offices of the community and above, and the unit's admin.
DEPLOYMENT_LIST_ROLES = PARTY_ROLES | {Role.UNIT_ADMIN}


def require_manager(actor: Actor, community_id: int) -> None:
    if not manages(actor, community_id):
        raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))


def may_close_need(actor: Actor, need: WorkerNeed) -> bool:
    return (actor.user_id is not None and actor.user_id == need.worker_id) or manages(
        actor, need.community_id
    )


# Offices above the community read the overview of their communities.
POSTS_ABOVE_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN})


def on_patrol(actor: Actor, patrol: Patrol) -> bool:
    if actor.user_id is None:
        return False
    if patrol.started_by_id == actor.user_id:
        return True
    return patrol.patrollers.filter(pk=actor.user_id).exists()


def may_record_finding(actor: Actor, patrol: Patrol) -> bool:
    """The patrollers (and the community's admin) record findings and end the round."""
    return manages(actor, patrol.community_id) or on_patrol(actor, patrol)
