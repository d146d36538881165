"""Every read the opinion pages and API need, actor first; scoping starts at for_actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from core.actor import Actor
from core.roles import Role
from notices.models import (
    IncidentAction,
    IncidentStatus,
    Notice,
    NoticeKind,
    OpinionIncident,
    Urgency,
)
from notices.policies import REPORTER_ROLES
from places.models import PLACE_ORDER, Place, PlaceKind

STATUS_FILTERS = ("open", "all", *IncidentStatus.values)
OPEN = (IncidentStatus.REPORTED, IncidentStatus.HANDLING)


def _rows(actor: Actor) -> QuerySet[OpinionIncident]:
    return OpinionIncident.objects.for_actor(actor).select_related(
        "street", "community", "reported_by"
    )


def access_incident(actor: Actor, incident_id: int) -> OpinionIncident:
    row = _rows(actor).filter(pk=incident_id).first()
    if row is None:
        raise Http404
    return row


def incident_list(
    actor: Actor, *, q: str = "", status: str = "open", urgency: str = ""
) -> QuerySet[OpinionIncident]:
    """Open ones first, critical and urgent first among them, newest first."""
    rows = _rows(actor)
    if q:
        rows = rows.filter(
            Q(summary__icontains=q)
            | Q(where_seen__icontains=q)
            | Q(street__name__icontains=q)
            | Q(community__name__icontains=q)
        )
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status in IncidentStatus.values:
        rows = rows.filter(status=status)
    if urgency in Urgency.values:
        rows = rows.filter(urgency=urgency)
    return rows.annotate(
        open_rank=Case(
            When(status=IncidentStatus.CLOSED, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        urgency_rank=Case(
            When(urgency=Urgency.CRITICAL, then=Value(0)),
            When(urgency=Urgency.URGENT, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    ).order_by("open_rank", "urgency_rank", "-reported_at", "-pk")


def incident_actions(actor: Actor, incident: OpinionIncident) -> QuerySet[IncidentAction]:
    return IncidentAction.objects.for_actor(actor).filter(incident=incident).select_related("by")


def incident_rebuttals(actor: Actor, incident: OpinionIncident) -> QuerySet[Notice]:
    return (
        Notice.objects.for_actor(actor)
        .filter(incident=incident, kind=NoticeKind.REBUTTAL)
        .order_by("-published_at", "-pk")
    )


def incident_counts(actor: Actor, under: str = "") -> dict[str, int]:
    """For the home page: open incidents the actor sees (under the place path `under`, when
    given), and the critical ones among them."""
    got = (
        OpinionIncident.objects.for_actor(actor)
        .filter(place_path__startswith=under)
        .aggregate(
            open=Count("pk", filter=Q(status__in=OPEN)),
            critical_open=Count("pk", filter=Q(status__in=OPEN, urgency=Urgency.CRITICAL)),
        )
    )
    return {"open": got["open"] or 0, "critical_open": got["critical_open"] or 0}


@dataclass(frozen=True)
class AreaCount:
    place_id: int
    name: str
    reported: int
    handling: int
    closed: int

    @property
    def open(self) -> int:
        return self.reported + self.handling


def incident_counts_by_area(actor: Actor) -> list[AreaCount]:
    """Counts per street (a street's or district's admin) or per district (the city's admin) of
    the incidents the actor sees; one aggregate query."""
    if actor.has_role(Role.CITY_ADMIN) or actor.is_superuser:
        key, name = "street__parent_id", "street__parent__name"
    elif actor.has_role(Role.DISTRICT_ADMIN, Role.STREET_ADMIN):
        key, name = "street_id", "street__name"
    else:
        return []
    rows = (
        OpinionIncident.objects.for_actor(actor)
        .values(key, name)
        .annotate(
            reported=Count("pk", filter=Q(status=IncidentStatus.REPORTED)),
            handling=Count("pk", filter=Q(status=IncidentStatus.HANDLING)),
            closed=Count("pk", filter=Q(status=IncidentStatus.CLOSED)),
        )
        .order_by(name)
    )
    return [AreaCount(r[key], r[name], r["reported"], r["handling"], r["closed"]) for r in rows]


def report_places(actor: Actor) -> list[Place]:
    """Where the actor may say an incident was seen: their community, or the streets and
    communities of their area (an office above a community)."""
    from notices.opinion import own_community

    conds = [
        Q(path__startswith=g.place_path)
        for g in actor.place_grants(REPORTER_ROLES)
        if g.scope_kind in (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET)
    ]
    places: list[Place] = []
    if conds:
        cond = conds[0]
        for c in conds[1:]:
            cond |= c
        places = list(
            Place.objects.filter(cond, kind__in=[PlaceKind.STREET, PlaceKind.COMMUNITY])
            .select_related("parent")
            .order_by(*PLACE_ORDER)[:500]
        )
    mine = own_community(actor)
    if mine is not None and all(p.pk != mine.pk for p in places):
        places.insert(0, mine)
    return places


def street_communities(incident: OpinionIncident) -> list[Place]:
    return list(
        Place.objects.filter(parent_id=incident.street_id, kind=PlaceKind.COMMUNITY).order_by(
            *PLACE_ORDER
        )
    )


def place_by_id(place_id: int | None) -> Place | None:
    """A place named by id in a request (the service then checks the actor may use it)."""
    if not place_id:
        return None
    return Place.objects.filter(pk=place_id).select_related("parent").first()
