"""What each role may do with health reports, declared once; services check these."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import any_of, place_columns_q
from health.models import (
    SweepCampaign,
)
from health.querysets import HEALTH_ROLES

# Staff who record health reports and screening for the residents of their area.
SCREEN_ROLES = frozenset(
    {Role.GRID_WORKER, Role.BUILDING_HEAD, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER}
)
# Who hands an abnormal report over to triage, or dismisses it.
FLAG_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER})
# Who opens and closes a sweep campaign.
SWEEP_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
# Community workers who report their own health every day (防止带病上岗).
WORKER_ROLES = frozenset(
    {
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
        Role.BUILDING_HEAD,
        Role.HEALTH_WORKER,
        Role.CADRE,
        Role.VOLUNTEER,
        Role.PROPERTY_STAFF,
        Role.COMMUNITY_POLICE,
    }
)


def calls_residents(actor: Actor, grid_path: str) -> bool:
    """Whether the call list of a grid shows phones in full to this reader: the staff who screen
    and call its residents (grid, building, community, health centre). Offices above the
    community read it masked, as they may not reveal a single resident's number (item 23)."""
    return any(grid_path.startswith(g.place_path) for g in actor.place_grants(SCREEN_ROLES))


def may_report(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(SCREEN_ROLES | {Role.RESIDENT})


def reportable_q(actor: Actor) -> Q | None:
    """The residents this actor may report for: their own household, or their area as staff."""
    own = [
        Q(household_id=g.household_id) for g in actor.grants_for(Role.RESIDENT) if g.household_id
    ]
    return any_of([q for q in [place_columns_q(actor, SCREEN_ROLES), *own] if q])


def may_handle_flags(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(FLAG_ROLES)


def may_screen(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(SCREEN_ROLES)


def may_read_sweeps(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(HEALTH_ROLES)


def may_open_sweeps(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(SWEEP_ROLES)


def may_close_sweep(actor: Actor, campaign: SweepCampaign) -> bool:
    """A sweep admin over the whole scope (not merely inside it) may close it."""
    if actor.is_superuser:
        return True
    return any(
        campaign.scope_path.startswith(g.place_path) for g in actor.place_grants(SWEEP_ROLES)
    )


def may_report_own_health(actor: Actor) -> bool:
    # Here, not at the top: the worker selectors read this module's WORKER_ROLES.
    from health.worker_selectors import worker_communities

    return bool(worker_communities(actor))
