"""Reads of the patrol pages (M7): routes, rounds and findings, from the access rules."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core.actor import Actor
from mobilisation.duty_querysets import worker_community_paths
from mobilisation.models import Patrol, PatrolFinding, PatrolRoute
from mobilisation.policies import managed_communities
from people.models import Resident
from places.models import PLACE_ORDER, Place, PlaceKind

RESIDENT_CHOICES_MAX = 20
BUILDING_CHOICES_MAX = 300


def patrol_communities(actor: Actor) -> list[Place]:
    """The communities the actor manages or works in (for choosing where a route is)."""
    ids = set(managed_communities(actor))
    for path in worker_community_paths(actor):
        ids.add(int(path.strip("/").split("/")[-1]))
    return list(Place.objects.filter(pk__in=ids, kind=PlaceKind.COMMUNITY).order_by(*PLACE_ORDER))


def routes_for(actor: Actor, *, q: str = "", show_closed: bool = False) -> QuerySet[PatrolRoute]:
    rows = PatrolRoute.objects.for_actor(actor).select_related("community")
    if not show_closed:
        rows = rows.filter(closed_at__isnull=True)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(checkpoints__icontains=q))
    return rows.order_by("name", "pk")


def patrols_for(
    actor: Actor, *, q: str = "", show: str = "", route_id: int | None = None
) -> QuerySet[Patrol]:
    """Rounds the actor may see, newest first, with their findings counted."""
    rows = Patrol.objects.for_actor(actor)
    if show == "open":
        rows = rows.filter(ended_at__isnull=True)
    elif show == "ended":
        rows = rows.filter(ended_at__isnull=False)
    if route_id is not None:
        rows = rows.filter(route_id=route_id)
    if q:
        rows = rows.filter(
            Q(route__name__icontains=q) | Q(note__icontains=q) | Q(findings__details__icontains=q)
        ).distinct()
    return (
        rows.select_related("route", "started_by")
        .annotate(n_findings=Count("findings", distinct=True))
        .order_by("-started_at", "-pk")
    )


def access_route(actor: Actor, route_id: int) -> PatrolRoute:
    route = (
        PatrolRoute.objects.for_actor(actor).select_related("community").filter(pk=route_id).first()
    )
    if route is None:
        raise Http404
    return route


def access_patrol(actor: Actor, patrol_id: int) -> Patrol:
    patrol = (
        Patrol.objects.for_actor(actor)
        .select_related("route", "started_by", "community")
        .filter(pk=patrol_id)
        .first()
    )
    if patrol is None:
        raise Http404
    return patrol


def patrol_people(patrol: Patrol) -> list[str]:
    return [u.display_name or u.username for u in patrol.patrollers.order_by("pk")]


def patrol_findings(actor: Actor, patrol: Patrol) -> QuerySet[PatrolFinding]:
    return (
        PatrolFinding.objects.for_actor(actor)
        .filter(patrol_id=patrol.pk)
        .select_related("building", "resident__person", "request", "case", "recorded_by")
        .order_by("-at", "-pk")
    )


def community_buildings(community_path: str) -> list[Place]:
    return list(
        Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community_path).order_by(
            *PLACE_ORDER
        )[:BUILDING_CHOICES_MAX]
    )


def finding_residents(actor: Actor, community_id: int, q: str) -> list[Resident]:
    """Residents of the community the actor may see, matching the search (name, pinyin, room,
    last digits), at most 20: to say whom a finding is about."""
    from people.search import resident_search_q

    if not q:
        return []
    return list(
        Resident.objects.for_actor(actor)
        .living()
        .filter(community_id=community_id)
        .filter(resident_search_q(q))
        .select_related("person", "household")
        .order_by("pk")[:RESIDENT_CHOICES_MAX]
    )
