"""Every read of the front door's pages: a community's buildings with their codes, the join
requests of an area, the account an invitation is sent for."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from accounts.models import User
from core.actor import Actor
from core.fields import index_of
from front_door.models import Join, JoinCode, JoinRequest, JoinRequestStatus
from front_door.policies import JOIN_CODE_ROLES, may_invite
from places.models import PLACE_ORDER, Place, PlaceKind


def join_code_communities(actor: Actor) -> QuerySet[Place]:
    """The communities whose codes the actor manages (a community admin's one, a street admin's
    several), in place order."""
    communities = Place.objects.filter(kind=PlaceKind.COMMUNITY)
    if actor.is_superuser:
        return communities.order_by(*PLACE_ORDER)
    q = None
    for g in actor.place_grants(JOIN_CODE_ROLES):
        part = Q(path__startswith=g.place_path)
        q = part if q is None else q | part
    if q is None:
        return communities.none()
    return communities.filter(q).order_by(*PLACE_ORDER)


def access_join_code_place(actor: Actor, place_id: int) -> Place:
    """A community, or a building of one, whose codes the actor manages; 404 otherwise."""
    place = (
        Place.objects.filter(pk=place_id, kind__in=(PlaceKind.COMMUNITY, PlaceKind.BUILDING))
        .select_related("parent")
        .first()
    )
    if place is None:
        raise Http404
    if not actor.is_superuser and not any(
        place.path.startswith(g.place_path) for g in actor.place_grants(JOIN_CODE_ROLES)
    ):
        raise Http404
    return place


def access_join_code(actor: Actor, code_id: int) -> JoinCode:
    code = (
        JoinCode.objects.for_actor(actor)
        .select_related("place", "community", "place__parent")
        .filter(pk=code_id)
        .first()
    )
    if code is None:
        raise Http404
    return code


@dataclass(frozen=True)
class CodeRow:
    place: Place
    code: JoinCode | None
    joined: int


def join_code_rows(actor: Actor, community: Place, *, q: str = "") -> list[CodeRow]:
    """The community, then each of its buildings (place order; `q` filters by name), with its
    current code and how many accounts joined through the place's codes, old ones included."""
    places = Place.objects.filter(
        Q(pk=community.pk) | Q(path__startswith=community.path, kind=PlaceKind.BUILDING)
    )
    if q:
        places = places.filter(name__icontains=q)
    places_list = list(places.select_related("parent").order_by("depth", *PLACE_ORDER))
    codes = JoinCode.objects.for_actor(actor).filter(place_path__startswith=community.path)
    current = {c.place_id: c for c in codes.filter(revoked_at__isnull=True)}
    joined = dict(
        Join.objects.for_actor(actor)
        .filter(code__place_path__startswith=community.path)
        .values("code__place_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("code__place_id", "n")
    )
    return [CodeRow(p, current.get(p.pk), joined.get(p.pk, 0)) for p in places_list]


def join_requests(actor: Actor, *, q: str = "", status: str = "") -> QuerySet[JoinRequest]:
    """The join requests of the actor's area, waiting ones first; `q` finds a name, a room or
    the last digits of a number."""
    rows = JoinRequest.objects.for_actor(actor).select_related("building", "grid", "answered_by")
    if status in JoinRequestStatus.values:
        rows = rows.filter(status=status)
    if q:
        # The number is encrypted: its last four digits or the whole number, through the hashes.
        digits = q.strip()
        by_number = Q(pk__in=[])
        if digits.isdigit() and len(digits) == 4:
            by_number = Q(phone_last4_hash=index_of("phone_last4", digits))
        elif digits.isdigit() and len(digits) > 4:
            by_number = Q(phone_hash=index_of("phone", digits))
        rows = rows.filter(
            Q(name__icontains=q) | Q(room__icontains=q) | by_number | Q(building__name__icontains=q)
        )
    waiting_first = Case(
        When(status=JoinRequestStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return rows.order_by(waiting_first, "-created_at", "-pk")


def pending_join_requests(actor: Actor) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.for_actor(actor).filter(status=JoinRequestStatus.PENDING)


def access_join_request(actor: Actor, join_request_id: int) -> JoinRequest:
    row = (
        JoinRequest.objects.for_actor(actor)
        .select_related("building", "grid", "community", "answered_by", "user")
        .filter(pk=join_request_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def current_join_code(actor: Actor, place: Place) -> JoinCode | None:
    return JoinCode.objects.for_actor(actor).filter(place=place, revoked_at__isnull=True).first()


def current_join_codes(actor: Actor, community: Place) -> list[JoinCode]:
    """The community's current codes: its own first, then its buildings' in place order."""
    return list(
        JoinCode.objects.for_actor(actor)
        .filter(place_path__startswith=community.path, revoked_at__isnull=True)
        .select_related("place", "community")
        .order_by("place__depth", "place__sort_path", "pk")
    )


def access_setup_user(actor: Actor, user_id: int) -> User:
    """An account the actor manages in Setup (the admin's own scoping of users); 404 for a
    missing one, one outside their area, and for anyone without a setup role."""
    if not may_invite(actor):
        raise Http404
    user = User.objects.for_actor(actor).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user
