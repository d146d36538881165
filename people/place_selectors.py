"""Reads of the place pages that count what lives there: households and residents under a
place, per child, and a building's households found by room or resident's name."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from core.actor import Actor
from people.models import Resident
from places.models import CHILD_KIND, PLACE_ORDER, Household, Place, PlaceKind


@dataclass
class PlaceCounts:
    children: int
    buildings: int
    households: int
    residents: int


def place_counts(actor: Actor, place: Place) -> PlaceCounts:
    """Counts under a place, each through the actor's own scope."""
    column = f"{place.kind}_id"
    sub = Place.objects.for_actor(actor).filter(path__startswith=place.path)
    return PlaceCounts(
        children=sub.filter(parent=place).count(),
        buildings=sub.filter(kind=PlaceKind.BUILDING).count(),
        households=Household.objects.for_actor(actor).filter(**{column: place.pk}).count(),
        residents=Resident.objects.for_actor(actor).living().filter(**{column: place.pk}).count(),
    )


@dataclass
class ChildRow:
    place: Place
    households: int
    residents: int


def place_children(actor: Actor, place: Place, q: str = "") -> list[ChildRow]:
    """Children of a place with their household and resident counts (two grouped queries)."""
    children = Place.objects.for_actor(actor).filter(parent=place)
    if q:
        children = children.filter(name__icontains=q)
    child_kind = CHILD_KIND[place.kind]
    if child_kind is None:
        return []
    column = f"{place.kind}_id"
    child_column = f"{child_kind}_id"
    hh = dict(
        Household.objects.for_actor(actor)
        .filter(**{column: place.pk})
        .values_list(child_column)
        .annotate(n=Count("pk"))
        .values_list(child_column, "n")
    )
    res = dict(
        Resident.objects.for_actor(actor)
        .living()
        .filter(**{column: place.pk})
        .values_list(child_column)
        .annotate(n=Count("pk"))
        .values_list(child_column, "n")
    )
    return [ChildRow(c, hh.get(c.pk, 0), res.get(c.pk, 0)) for c in children.order_by(*PLACE_ORDER)]


def building_households(actor: Actor, building: Place, q: str = "") -> QuerySet[Household]:
    households = Household.objects.for_actor(actor).filter(building=building)
    if q:
        households = households.filter(
            Q(room__icontains=q)
            | Q(
                pk__in=Resident.objects.for_actor(actor)
                .filter(person__name__icontains=q)
                .values("household_id")
            )
        )
    return households.annotate(
        living=Count("residents", filter=Q(residents__status__in=["present", "away"]))
    ).order_by("room_sort_key", "pk")
