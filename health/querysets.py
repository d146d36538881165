"""Who sees which health rows: the one access rule (core.scoping), declared per model."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q

# Roles that see health reports, coverage, flags and visits of their subtree: the registry's.
HEALTH_ROLES = REGISTRY_ROLES
# The offices that receive and review daily reports.
REPORT_OFFICE_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)


def _own_households(actor: Actor) -> list[Q]:
    return [
        Q(household_id=g.household_id) for g in actor.grants_for(Role.RESIDENT) if g.household_id
    ]


class HealthReportQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return any_of(
            [q for q in [place_columns_q(actor, HEALTH_ROLES), *_own_households(actor)] if q]
        )


class CoverageCountQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, HEALTH_ROLES)


class HealthFlagQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, HEALTH_ROLES)

    def active(self) -> HealthFlagQuerySet:
        return self.filter(status__in=["open", "handed_over"])


class ScreeningVisitQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return place_columns_q(actor, HEALTH_ROLES)


class SweepCampaignQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A campaign concerns everyone working inside its scope, and the offices above it.
        conditions: list[Q] = []
        for g in actor.place_grants(HEALTH_ROLES):
            ancestors = [int(p) for p in g.place_path.strip("/").split("/") if p]
            conditions.append(Q(scope_path__startswith=g.place_path) | Q(scope_id__in=ancestors))
        return any_of(conditions)


class ReportDeadlineQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        conditions: list[Q] = []
        for g in actor.place_grants(REPORT_OFFICE_ROLES):
            ancestors = [int(p) for p in g.place_path.strip("/").split("/") if p]
            conditions.append(Q(street_path__startswith=g.place_path) | Q(street_id__in=ancestors))
        return any_of(conditions)


class DailyReportQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, REPORT_OFFICE_ROLES, "community_path")


class WorkerHealthQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = Q(user_id=actor.user_id)
        offices = path_prefix_q(actor, REPORT_OFFICE_ROLES, "community_path")
        return own if offices is None else own | offices
