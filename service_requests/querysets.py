"""Who sees which requests, vehicles and dispatches: the one access rule (core.scoping)."""

from __future__ import annotations

import datetime

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q

# The offices and grid workers see the requests of their area.
REQUEST_OFFICE_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
    }
)
# The offices that hold vehicles and dispatch them.
RESOURCE_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)


def requests_q(actor: Actor, prefix: str = "") -> Q | None:
    """Requests of the actor's area; a resident's own household's; and, for a helper or carer,
    the ones they filed or were dispatched to."""
    office = place_columns_q(actor, REQUEST_OFFICE_ROLES, prefix=prefix)
    own_household = [
        Q(**{f"{prefix}household_id": g.household_id})
        for g in actor.grants_for(Role.RESIDENT)
        if g.household_id
    ]
    mine: list[Q] = []
    if actor.user_id and actor.grants:
        from service_requests.models import Dispatch

        # A subquery, not a join: a join would repeat rows and make every count read the table.
        sent = Dispatch.objects.filter(person_id=actor.user_id, status="active")
        mine = [
            Q(**{f"{prefix}filed_by_id": actor.user_id}),
            Q(**{f"{prefix}pk__in": sent.values("request_id")}),
        ]
    return any_of([q for q in [office, *own_household, *mine] if q is not None])


def overdue_q(now: datetime.datetime) -> Q:
    """Open requests whose respond clock ran out unanswered or whose done clock ran out."""
    return Q(status__in=["new", "accepted", "dispatched"]) & (
        Q(responded_at__isnull=True, respond_due_at__lt=now)
        | Q(done_at__isnull=True, done_due_at__lt=now)
    )


class ServiceRequestQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return requests_q(actor)

    def open(self) -> ServiceRequestQuerySet:
        return self.filter(status__in=["new", "accepted", "dispatched"])


class RequestEventQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from service_requests.models import ServiceRequest

        visible = ServiceRequest.objects.for_actor(actor).values("pk")
        office = actor.has_role(REQUEST_OFFICE_ROLES) or actor.has_role(
            {Role.CADRE, Role.VOLUNTEER, Role.GRID_WORKER}
        )
        q = Q(request_id__in=visible)
        # A resident reads the public part of the timeline only.
        return q if office else q & Q(public=True)


class EscalationQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from service_requests.models import ServiceRequest

        if not actor.has_role(REQUEST_OFFICE_ROLES):
            return None
        return Q(request_id__in=ServiceRequest.objects.for_actor(actor).values("pk"))


class DispatchQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from service_requests.models import ServiceRequest

        return Q(request_id__in=ServiceRequest.objects.for_actor(actor).values("pk"))


class VehicleQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A vehicle is seen and booked by the office it belongs to and the offices above.
        return path_prefix_q(actor, RESOURCE_ROLES, "place_path")


class SlaTargetQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # The targets are the city's public rule: every office of the city reads them.
        return Q() if actor.has_role(REQUEST_OFFICE_ROLES) else None
