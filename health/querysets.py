"""Who sees which health rows: the one access rule (core.scoping), declared per model."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q
from places.models import path_ids

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


def _within_or_above(actor: Actor, roles: frozenset[str], place: str) -> Q | None:
    """Rows about a place inside one of the actor's grants, or above it (the grant's own place
    and its ancestors): `place` names the row's place field, with a `<place>_path` beside it."""
    return any_of(
        Q(**{f"{place}_path__startswith": g.place_path})
        | Q(**{f"{place}_id__in": path_ids(g.place_path)})
        for g in actor.place_grants(roles)
    )


class SweepCampaignQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A campaign concerns everyone working inside its scope, and the offices above it.
        return _within_or_above(actor, HEALTH_ROLES, "scope")


class ReportDeadlineQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return _within_or_above(actor, REPORT_OFFICE_ROLES, "street")


class DailyReportQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, REPORT_OFFICE_ROLES, "community_path")


class WorkerHealthQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = Q(user_id=actor.user_id)
        offices = path_prefix_q(actor, REPORT_OFFICE_ROLES, "community_path")
        return own if offices is None else own | offices


class ReminderScheduleQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # The city sets when its residents are chased: its admins, nobody below.
        return any_of(Q(city_id=g.place_id) for g in actor.place_grants({Role.CITY_ADMIN}))
