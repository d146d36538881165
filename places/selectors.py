"""Every read of places that a page or endpoint needs; the actor always comes first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from core.actor import Actor
from places.models import PLACE_ORDER, Household, Place


def access_place(actor: Actor, place_id: int) -> Place:
    """The place if the actor may see it; missing and forbidden are the same 404."""
    place = Place.objects.for_actor(actor).filter(pk=place_id).first()
    if place is None:
        raise Http404
    return place


def place_roots(actor: Actor) -> list[Place]:
    """The top places of the actor's scope (a grant inside another grant is not a root)."""
    visible = Place.objects.for_actor(actor)
    grant_ids = [g.place_id for g in actor.grants if g.place_id is not None]
    places = list(visible.filter(pk__in=grant_ids).order_by(*PLACE_ORDER))
    if actor.is_superuser and not places:
        places = list(visible.filter(parent__isnull=True))
    roots: list[Place] = []
    for p in places:
        if not any(p.path.startswith(r.path) for r in roots):
            roots.append(p)
    return roots


def place_search(actor: Actor, q: str, limit: int = 50) -> QuerySet[Place]:
    return Place.objects.for_actor(actor).filter(name__icontains=q).order_by(*PLACE_ORDER)[:limit]


@dataclass(frozen=True)
class Crumb:
    id: int
    name: str
    visible: bool


def place_breadcrumbs(actor: Actor, place: Place, *, include_self: bool = False) -> list[Crumb]:
    """The chain above a place (and the place itself if asked); only visible ones are links."""
    ids = place.ancestor_ids + ([place.pk] if include_self else [])
    names = dict(Place.objects.filter(pk__in=ids).values_list("pk", "name"))
    visible = set(Place.objects.for_actor(actor).filter(pk__in=ids).values_list("pk", flat=True))
    return [Crumb(i, names.get(i, ""), i in visible) for i in ids]


def place_visible(actor: Actor, place_id: int) -> bool:
    return Place.objects.for_actor(actor).filter(pk=place_id).exists()


def place_list(
    actor: Actor, *, parent_id: int | None = None, kind: str | None = None, q: str = ""
) -> QuerySet[Place]:
    places = Place.objects.for_actor(actor)
    if parent_id is not None:
        places = places.filter(parent_id=parent_id)
    if kind:
        places = places.filter(kind=kind)
    if q:
        places = places.filter(name__icontains=q)
    return places.order_by(*PLACE_ORDER)


def household_list(
    actor: Actor, *, place_id: int | None = None, q: str = ""
) -> QuerySet[Household]:
    households = Household.objects.for_actor(actor)
    if place_id is not None:
        place = Place.objects.for_actor(actor).filter(pk=place_id).only("kind").first()
        if place is None:
            return households.none()
        households = households.filter(**{f"{place.kind}_id": place_id})
    if q:
        households = households.filter(room__icontains=q)
    return households.order_by("pk")
