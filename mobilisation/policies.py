"""Who may do what with posts, zones, the roster, patrols, activities and worker needs,
declared once; the services check these (from the grants: no query)."""

from __future__ import annotations

from core.actor import Actor
from core.roles import Role
from mobilisation.duty_querysets import WORKER_ROLES, worker_community_paths

# Who sets up posts, zones, shifts and patrol routes, and puts people on them.
MANAGE_ROLES = frozenset({Role.COMMUNITY_ADMIN})
# Who answers a worker's difficulty (附件七 四: the street's job).
ANSWER_ROLES = frozenset({Role.STREET_ADMIN})

__all__ = ["WORKER_ROLES", "answers_in", "managed_communities", "manages", "works_in"]


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
