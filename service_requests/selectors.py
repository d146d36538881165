"""Every read the request pages need; each starts from `for_actor` (the one access rule)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.actor import Actor
from core.roles import Role
from people.search import resident_search_q
from places.models import PLACE_ORDER, Place, path_ids
from service_requests.models import (
    OPEN_STATUSES,
    Dispatch,
    DispatchKind,
    DispatchStatus,
    Escalation,
    Level,
    RequestCategory,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    SlaTarget,
    Urgency,
    Vehicle,
)
from service_requests.policies import DISPATCHABLE_ROLES, handles, is_residents_household
from service_requests.querysets import REQUEST_OFFICE_ROLES, overdue_q
from service_requests.rules import DEFAULT_TARGETS
from supplies.models import Stock

# A list row joins what it shows; everything else on the detail page.
LIST_JOINED = ("resident__person", "household", "building")
DETAIL_JOINED = (
    "resident__person",
    "household",
    "building",
    "grid",
    "community",
    "street",
    "filed_by",
    "confirmed_by",
)

# The status filter of the list: groups of statuses.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "done": (RequestStatus.DONE,),
    "closed": (RequestStatus.CLOSED, RequestStatus.CANCELLED),
}

URGENCY_RANK = Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.SOON, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def access_request(actor: Actor, request_id: int) -> ServiceRequest:
    request = (
        ServiceRequest.objects.for_actor(actor)
        .select_related(*DETAIL_JOINED)
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


def access_vehicle(actor: Actor, vehicle_id: int) -> Vehicle:
    vehicle = Vehicle.objects.for_actor(actor).select_related("place").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise Http404
    return vehicle


def is_request_office(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(REQUEST_OFFICE_ROLES)


def _search(requests: QuerySet[ServiceRequest], q: str) -> QuerySet[ServiceRequest]:
    q = q.strip()
    if not q:
        return requests
    if q.startswith("#"):
        number = q[1:].strip()
        return requests.filter(pk=int(number)) if number.isdigit() else requests.none()
    return requests.filter(resident_search_q(q, prefix="resident__person__"))


def request_list(
    actor: Actor,
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    level: str = "",
    overdue: bool = False,
    escalated: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """The office's list: most urgent first, then newest. `status` is a group of STATUS_GROUPS
    ("" for all)."""
    now = now or timezone.now()
    requests: QuerySet[ServiceRequest] = ServiceRequest.objects.for_actor(actor)
    if status in STATUS_GROUPS:
        requests = requests.filter(status__in=STATUS_GROUPS[status])
    if category in RequestCategory.values:
        requests = requests.filter(category=category)
    if level in Level.values:
        requests = requests.filter(level=level)
    if overdue:
        requests = requests.filter(overdue_q(now))
    if escalated:
        requests = requests.filter(escalated_at__isnull=False)
    requests = _search(requests, q)
    return (
        requests.select_related(*LIST_JOINED)
        .annotate(urgency_rank=URGENCY_RANK)
        .order_by("urgency_rank", "-created_at", "-pk")
    )


def status_counts(requests: QuerySet[ServiceRequest]) -> dict[str, int]:
    """How many of the (otherwise filtered) requests are in each status group, and in all."""
    by_status = dict(
        requests.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    counts = {
        group: sum(by_status.get(s, 0) for s in statuses)
        for group, statuses in STATUS_GROUPS.items()
    }
    counts["all"] = sum(by_status.values())
    return counts


def my_requests(actor: Actor) -> QuerySet[ServiceRequest]:
    """A resident's household's requests; a helper's: those filed by them or dispatched to
    them (active)."""
    mine = Q(
        household_id__in=[g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
    )
    if actor.user_id:
        mine |= Q(filed_by_id=actor.user_id) | Q(
            pk__in=Dispatch.objects.filter(
                person_id=actor.user_id, status=DispatchStatus.ACTIVE
            ).values("request_id")
        )
    return (
        ServiceRequest.objects.for_actor(actor)
        .filter(mine)
        .select_related(*LIST_JOINED)
        .order_by("-created_at", "-pk")
    )


def public_notes(requests: list[ServiceRequest]) -> dict[int, list[RequestEvent]]:
    """The public notes of these requests (one query), by request id."""
    out: dict[int, list[RequestEvent]] = {r.pk: [] for r in requests}
    if not out:
        return out
    for e in RequestEvent.objects.filter(request_id__in=list(out), public=True, kind="note"):
        out[e.request_id].append(e)
    return out


def street_ids(actor: Actor) -> list[int]:
    return [g.place_id for g in actor.place_grants(Role.STREET_ADMIN) if g.place_id]


def street_queue(actor: Actor, *, community_id: int | None = None) -> QuerySet[ServiceRequest]:
    """Requests escalated to the actor's streets and still open, oldest escalation first."""
    streets = street_ids(actor)
    requests = ServiceRequest.objects.for_actor(actor).filter(
        level=Level.STREET, status__in=OPEN_STATUSES
    )
    if not actor.is_superuser:
        requests = requests.filter(street_id__in=streets)
    if community_id is not None:
        requests = requests.filter(community_id=community_id)
    return requests.select_related(*LIST_JOINED, "community").order_by("escalated_at", "pk")


def street_communities(actor: Actor) -> list[Place]:
    return list(
        Place.objects.filter(parent_id__in=street_ids(actor), kind="community").order_by(
            *PLACE_ORDER
        )
    )


def last_escalations(requests: list[ServiceRequest]) -> dict[int, Escalation]:
    """The latest escalation of each of these requests (one query)."""
    out: dict[int, Escalation] = {}
    for e in Escalation.objects.filter(request_id__in=[r.pk for r in requests]).order_by(
        "at", "pk"
    ):
        out[e.request_id] = e
    return out


def request_timeline(actor: Actor, request: ServiceRequest) -> QuerySet[RequestEvent]:
    events = RequestEvent.objects.for_actor(actor).filter(request=request)
    if not (is_request_office(actor) or handles(actor, request)) and is_residents_household(
        actor, request
    ):
        events = events.filter(public=True)
    return events.select_related("by").order_by("at", "pk")


def request_escalations(actor: Actor, request: ServiceRequest) -> QuerySet[Escalation]:
    return Escalation.objects.for_actor(actor).filter(request=request).select_related("by")


def request_dispatches(actor: Actor, request: ServiceRequest) -> QuerySet[Dispatch]:
    return (
        Dispatch.objects.for_actor(actor)
        .filter(request=request)
        .select_related("vehicle", "person", "movement__stock__item", "by")
        .order_by("at", "pk")
    )


def is_dispatched(actor: Actor, request: ServiceRequest) -> bool:
    if not actor.user_id:
        return False
    return Dispatch.objects.filter(
        request=request, person_id=actor.user_id, status=DispatchStatus.ACTIVE
    ).exists()


def names_resident(actor: Actor, request: ServiceRequest) -> bool:
    """Whether the page shows the resident's full name and phone: to the office that handles
    the request (it phones them), the grid worker of the grid, and the resident's own household.
    Everyone else sees them masked."""
    if actor.is_superuser or handles(actor, request) or is_residents_household(actor, request):
        return True
    return any(g.role == Role.GRID_WORKER and g.place_id == request.grid_id for g in actor.grants)


def level_place_id(request: ServiceRequest) -> int | None:
    ids: dict[str, int | None] = {
        Level.COMMUNITY: request.community_id,
        Level.STREET: request.street_id,
        Level.DISTRICT: request.district_id,
    }
    return ids.get(request.level)


# ---- resources to dispatch ----------------------------------------------------------------------


@dataclass
class VehicleDay:
    vehicle: Vehicle
    bookings: list[Dispatch]


def _today_bounds() -> tuple[datetime.datetime, datetime.datetime]:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def bookings_today(vehicles: list[Vehicle]) -> dict[int, list[Dispatch]]:
    """Active bookings of these vehicles that touch today (Beijing), one query. Bookings hold no
    personal data: the slot and the request number only."""
    start, end = _today_bounds()
    out: dict[int, list[Dispatch]] = {v.pk: [] for v in vehicles}
    if not out:
        return out
    rows = Dispatch.objects.filter(
        vehicle_id__in=list(out),
        status=DispatchStatus.ACTIVE,
        slot_start__lt=end,
        slot_end__gt=start,
    ).order_by("slot_start", "pk")
    for d in rows:
        assert d.vehicle_id is not None
        out[d.vehicle_id].append(d)
    return out


def vehicle_days(vehicles: list[Vehicle]) -> list[VehicleDay]:
    booked = bookings_today(vehicles)
    return [VehicleDay(v, booked.get(v.pk, [])) for v in vehicles]


def dispatch_vehicles(actor: Actor, request: ServiceRequest) -> list[Vehicle]:
    """The vehicles of the request's level (the community's, or the street's once escalated)."""
    return list(
        Vehicle.objects.for_actor(actor)
        .filter(is_active=True, place_id=level_place_id(request))
        .select_related("place")
    )


def dispatch_stocks(actor: Actor, request: ServiceRequest) -> list[Stock]:
    """The stock of the request's level that has something left."""
    return list(
        Stock.objects.for_actor(actor)
        .select_related("item")
        .filter(quantity__gt=0, place_id=level_place_id(request))
        .order_by("item__name", "pk")
    )


def dispatchable_people(actor: Actor, request: ServiceRequest) -> list[User]:
    """Users with a DISPATCHABLE_ROLES grant in the request's community (or anywhere in its
    street once the street handles it)."""
    place = request.community if request.level == Level.COMMUNITY else request.street
    return list(
        User.objects.filter(
            is_active=True,
            grants__role__in=DISPATCHABLE_ROLES,
            grants__place__path__startswith=place.path,
        )
        .distinct()
        .order_by("display_name", "username", "pk")
    )


def vehicle_list(actor: Actor, q: str = "") -> QuerySet[Vehicle]:
    vehicles = Vehicle.objects.for_actor(actor).select_related("place")
    if q:
        vehicles = vehicles.filter(Q(name__contains=q) | Q(driver_name__contains=q))
    return vehicles.order_by("place_path", "name", "pk")


def vehicle_bookings(actor: Actor, vehicle: Vehicle) -> QuerySet[Dispatch]:
    """The vehicle's bookings from today on (and the last week), newest slot last."""
    start, _end = _today_bounds()
    return (
        Dispatch.objects.filter(
            vehicle=vehicle, kind=DispatchKind.VEHICLE, slot_end__gte=start - datetime.timedelta(7)
        )
        .select_related("request")
        .order_by("slot_start", "pk")
    )


def vehicle_places(actor: Actor) -> list[Place]:
    """The communities and streets where the actor registers vehicles."""
    ids = [
        g.place_id
        for g in actor.place_grants(Role.COMMUNITY_ADMIN, Role.STREET_ADMIN)
        if g.place_id
    ]
    return list(Place.objects.filter(pk__in=ids).order_by(*PLACE_ORDER))


# ---- time targets -------------------------------------------------------------------------------


@dataclass
class TargetRow:
    category: str
    label: str
    respond_minutes: int
    done_minutes: int
    is_default: bool
    target: SlaTarget | None


def actor_city_id(actor: Actor) -> int | None:
    for g in actor.place_grants(REQUEST_OFFICE_ROLES):
        ids = path_ids(g.place_path)
        if ids:
            return ids[0]
    if actor.is_superuser:
        city = Place.objects.filter(kind="city").order_by("pk").first()
        return city.pk if city else None
    return None


def target_rows(actor: Actor) -> list[TargetRow]:
    city_id = actor_city_id(actor)
    stored = {t.category: t for t in SlaTarget.objects.for_actor(actor).filter(city_id=city_id)}
    rows = []
    for value, label in RequestCategory.choices:
        t = stored.get(value)
        respond, done = (t.respond_minutes, t.done_minutes) if t else DEFAULT_TARGETS[value]
        rows.append(TargetRow(value, str(label), respond, done, t is None, t))
    return rows
