"""What each role may do in triage, declared once; the services check these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.roles import Role
from triage.models import (
    Site,
    TriageCase,
)
from triage.querysets import CASE_ROLES

if TYPE_CHECKING:
    from triage.models import FollowUp, TriageCase

# Only health-centre staff set a category (the clinical decision).
CATEGORY_ROLES = frozenset({Role.HEALTH_WORKER})
# Only community and street staff set a disposition, assign beds and arrange transport.
DISPOSITION_ROLES = frozenset({Role.COMMUNITY_ADMIN, Role.STREET_ADMIN})
# Who opens a case (an abnormal report, screening, a resident's call, a walk-in).
OPEN_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER})
# Who links a close contact to its index case (流调 by the health centre, or the community).
CONTACT_ROLES = frozenset({Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN})
# Who records a home-observation follow-up on the person's behalf.
FOLLOW_UP_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER})
# Who registers designated hospitals and isolation sites, with their capacity.
SITE_ROLES = frozenset({Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN})
# Who marks a building as having cases (community) and sets the city's threshold.
DISCLOSURE_ROLES = frozenset({Role.COMMUNITY_ADMIN})
THRESHOLD_ROLES = frozenset({Role.CITY_ADMIN})


def may(actor: Actor, roles: frozenset[str]) -> bool:
    return actor.is_superuser or actor.has_role(roles)


def names_person(actor: Actor, row: TriageCase | FollowUp) -> bool:
    """Whether pages and the API show the person's full name (and phone): to the health centre
    of the community and the grid worker of the grid, who phone and see the person. Everyone
    else sees them masked (the registry page reveals them, audited)."""
    if actor.is_superuser:
        return True
    return any(
        (g.role == Role.HEALTH_WORKER and g.place_id == row.community_id)
        or (g.role == Role.GRID_WORKER and g.place_id == row.grid_id)
        for g in actor.grants
    )


def may_assess(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(CATEGORY_ROLES)


def may_dispose(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(DISPOSITION_ROLES)


# The offices that look at the transfer queue and the marked buildings: the community and
# street (who act), the district and city (who watch their streets).
DISCLOSURE_OFFICE_ROLES = frozenset(
    {Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN}
)


# Offices above the street see the transfer queue per street first.
DISCLOSURE_OVERVIEW_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN})


def may_edit_site(actor: Actor, site: Site) -> bool:
    """Whether the actor's site grants cover the place the site serves (the service decides;
    this only spares a form that would be refused)."""
    if actor.is_superuser:
        return True
    return any(site.place_path.startswith(g.place_path) for g in actor.place_grants(SITE_ROLES))


def may_manage_sites(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(SITE_ROLES)


def stats_grant_paths(actor: Actor) -> list[str]:
    return [g.place_path for g in actor.place_grants(CASE_ROLES) if g.place_path]


def may_open_stats(actor: Actor, place_path: str) -> bool:
    if actor.is_superuser:
        return True
    return any(place_path.startswith(p) for p in stats_grant_paths(actor))


def check_sees_cases(actor: Actor) -> None:
    if not (actor.is_superuser or actor.has_role(CASE_ROLES)):
        raise NotAllowed(_("Your role does not see triage cases."))
