"""Who sees which triage rows: the one access rule (core.scoping), declared per model."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, place_columns_q
from health.querysets import _within_or_above

# The offices, grid workers and health centres see the cases of their area. Building heads,
# helpers and units do not: who is a case is medical information.
CASE_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
        Role.HEALTH_WORKER,
    }
)


class TriageCaseQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, CASE_ROLES)

    def open(self) -> TriageCaseQuerySet:
        return self.filter(status="open")

    def awaiting_triage(self) -> TriageCaseQuerySet:
        return self.filter(status="open", triage_due_since__isnull=False)

    def waiting_for_bed(self) -> TriageCaseQuerySet:
        return self.filter(status="open", bed_wanted_since__isnull=False)

    def needs_disposition(self) -> TriageCaseQuerySet:
        """Open, triaged cases whose disposition is missing or no longer allowed by their
        category (a suspected case still at home after a change from close contact, a cleared
        person still in an isolation room): the community or street decides again."""
        from triage.rules import DISPOSITIONS_FOR

        q = any_of(
            Q(category=category) & ~Q(disposition__in=sorted(allowed))
            for category, allowed in DISPOSITIONS_FOR.items()
            if category
        )
        assert q is not None
        return self.filter(q, status="open")


class CaseEventQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, CASE_ROLES, prefix="case__")


class FollowUpQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, CASE_ROLES)

    def due(self) -> FollowUpQuerySet:
        return self.filter(status="due")


class SiteQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A site serves its place's subtree: those working inside it see it, and the offices
        # above it (the city's hospital serves every community).
        return _within_or_above(actor, CASE_ROLES, "place")


def _resident_communities(actor: Actor) -> Q | None:
    from places.models import Household

    ids = [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
    if not ids:
        return None
    return Q(community_id__in=Household.objects.filter(id__in=ids).values("community_id"))


class BuildingDisclosureQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # Public within the community: its residents and everyone working in it see the marked
        # buildings (never a household).
        from core.roles import HELPER_ROLES
        from health.querysets import HEALTH_ROLES

        staff = place_columns_q(actor, HEALTH_ROLES | HELPER_ROLES)
        return any_of([q for q in [staff, _resident_communities(actor)] if q])

    def active(self) -> BuildingDisclosureQuerySet:
        return self.filter(withdrawn_at__isnull=True)
