from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from core.actor import Actor
from people.models import Relation, Resident
from places.models import Household

# Head of household first, then spouse, parents, children, grandchildren, others.
_RELATION_ORDER = [
    Relation.HEAD,
    Relation.SPOUSE,
    Relation.PARENT,
    Relation.CHILD,
    Relation.GRANDCHILD,
]
RELATION_RANK = Case(
    *[When(relation=r, then=Value(i)) for i, r in enumerate(_RELATION_ORDER)],
    default=Value(len(_RELATION_ORDER)),
    output_field=IntegerField(),
)


def access_household(actor: Actor, household_id: int) -> Household:
    household = (
        Household.objects.for_actor(actor)
        .select_related("building", "grid", "community", "street", "district")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    return household


def household_residents(actor: Actor, household: Household) -> QuerySet[Resident]:
    return (
        Resident.objects.for_actor(actor)
        .filter(household=household)
        .select_related("person")
        .annotate(relation_rank=RELATION_RANK)
        .order_by("relation_rank", "person__birth_date")
    )


def access_resident(actor: Actor, resident_id: int) -> Resident:
    resident = (
        Resident.objects.for_actor(actor)
        .select_related("person", "household", "building", "grid", "community")
        .filter(pk=resident_id)
        .first()
    )
    if resident is None:
        raise Http404
    return resident


def resident_list(
    actor: Actor, *, place_id: int | None = None, household_id: int | None = None, q: str = ""
) -> QuerySet[Resident]:
    residents = Resident.objects.for_actor(actor).select_related("person")
    if household_id is not None:
        residents = residents.filter(household_id=household_id)
    if place_id is not None:
        from places.models import Place

        place = Place.objects.filter(pk=place_id).only("kind").first()
        if place is None:
            return residents.none()
        residents = residents.filter(**{f"{place.kind}_id": place_id})
    if q:
        residents = residents.filter(person__name__icontains=q)
    return residents.order_by("pk")
