from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.fields import unreadable
from core.masking import mask_id_number, mask_phone
from core.scoping import path_prefix_q
from people.models import (
    VULNERABILITY_FIELDS,
    ChangeAction,
    Person,
    RegistryChange,
    Relation,
    Resident,
    ResidentStatus,
    Sex,
)
from people.search import resident_search_q
from places.models import PLACE_ORDER, Household, Place, PlaceKind, address_order

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
    actor: Actor,
    *,
    place_id: int | None = None,
    household_id: int | None = None,
    q: str = "",
    status: str = "",
) -> QuerySet[Resident]:
    """The API's resident list: the same search as the registry page (name, pinyin, last four
    digits of phone or ID, address)."""
    residents = Resident.objects.for_actor(actor).select_related("person")
    if status == LIVING:
        residents = residents.living()
    elif status:
        residents = residents.filter(status=status)
    if household_id is not None:
        residents = residents.filter(household_id=household_id)
    if place_id is not None:
        from places.models import Place

        place = Place.objects.filter(pk=place_id).only("kind").first()
        if place is None:
            return residents.none()
        residents = residents.filter(**{f"{place.kind}_id": place_id})
    if q:
        residents = residents.filter(resident_search_q(q))
    return residents.order_by("pk")


# ---- the registry (实有人口) list, its filters and its history -------------------------------


def verbose_name(model: type[Any], field: str) -> str:
    """A model field's label in the user's language, as a label (first letter capital)."""
    return capfirst(str(getattr(model._meta.get_field(field), "verbose_name", field)))


def flag_label(flag: str) -> str:
    return verbose_name(Resident, flag)


# The status filter: every status, the living ones, or one of them.
LIVING = "living"


@dataclass(frozen=True)
class RegistryFilters:
    """What the registry list (and its export) is narrowed by; parsed by the page or the API."""

    q: str = ""
    grid_id: int | None = None
    building_id: int | None = None
    status: str = ""
    flags: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        """The filters as the audit trail records them (never a matched person's data)."""
        out: dict[str, Any] = {}
        if self.q:
            out["q"] = self.q
        if self.grid_id:
            out["grid"] = self.grid_id
        if self.building_id:
            out["building"] = self.building_id
        if self.status:
            out["status"] = self.status
        if self.flags:
            out["flags"] = list(self.flags)
        return out


def registry_residents(actor: Actor, filters: RegistryFilters) -> QuerySet[Resident]:
    """The actor's registry narrowed by the filters, in address order, ready for a list page
    (person, household, building and grid come in the same query)."""
    residents = _filtered(actor, filters)
    return residents.select_related("person", "household", "building", "grid").order_by(
        *address_order(), "pk"
    )


def _filtered(actor: Actor, filters: RegistryFilters) -> QuerySet[Resident]:
    residents = Resident.objects.for_actor(actor)
    if filters.grid_id:
        residents = residents.filter(grid_id=filters.grid_id)
    if filters.building_id:
        residents = residents.filter(building_id=filters.building_id)
    if filters.status == LIVING:
        residents = residents.living()
    elif filters.status in ResidentStatus.values:
        residents = residents.filter(status=filters.status)
    for flag in filters.flags:
        if flag in VULNERABILITY_FIELDS:
            residents = residents.filter(**{flag: True})
    if filters.q:
        residents = residents.filter(resident_search_q(filters.q))
    return residents


@dataclass(frozen=True)
class RegistryCounts:
    total: int
    by_status: dict[str, int]
    vulnerable: int


def registry_counts(actor: Actor, filters: RegistryFilters) -> RegistryCounts:
    """How many residents the filters find, by status, and how many carry a vulnerability flag
    (one aggregate query)."""
    any_flag = Q()
    for f in VULNERABILITY_FIELDS:
        any_flag |= Q(**{f: True})
    aggregates: dict[str, Any] = {s: Count("pk", filter=Q(status=s)) for s in ResidentStatus.values}
    aggregates["vulnerable"] = Count("pk", filter=any_flag)
    row = _filtered(actor, filters).aggregate(**aggregates)
    by_status = {s: row[s] or 0 for s in ResidentStatus.values}
    return RegistryCounts(
        total=sum(by_status.values()), by_status=by_status, vulnerable=row["vulnerable"] or 0
    )


# A registry page offers a grid and a building choice when the actor's area has at most this
# many of them (a community, a street); above that, search and the place pages narrow instead.
CHOICE_LIMIT = 400


def registry_grid_choices(actor: Actor) -> list[Place]:
    grids = list(
        Place.objects.for_actor(actor)
        .filter(kind=PlaceKind.GRID)
        .order_by(*PLACE_ORDER)[: CHOICE_LIMIT + 1]
    )
    return [] if len(grids) > CHOICE_LIMIT else grids


def registry_building_choices(actor: Actor, grid_id: int | None = None) -> list[Place]:
    """Buildings of the actor's registry (of one grid if given), their grid alongside."""
    buildings = Place.objects.for_actor(actor).filter(kind=PlaceKind.BUILDING)
    if grid_id:
        buildings = buildings.filter(parent_id=grid_id)
    found = list(buildings.select_related("parent").order_by(*PLACE_ORDER)[: CHOICE_LIMIT + 1])
    return [] if len(found) > CHOICE_LIMIT else found


def editable_buildings(actor: Actor) -> QuerySet[Place]:
    """Buildings where the actor may add or move households (see services.REGISTRY_EDIT_ROLES)."""
    from people.policies import REGISTRY_EDIT_ROLES

    buildings = Place.objects.for_actor(actor).filter(kind=PlaceKind.BUILDING)
    if not actor.is_superuser:
        q = path_prefix_q(actor, REGISTRY_EDIT_ROLES, "path")
        if q is None:
            return buildings.none()
        buildings = buildings.filter(q)
    return buildings.select_related("parent").order_by(*PLACE_ORDER)


def household_at(actor: Actor, building: Place, room: str) -> Household | None:
    """The household in a room of a building, if the actor may see it."""
    return (
        Household.objects.for_actor(actor)
        .select_related("building")
        .filter(building=building, room=room)
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    at: datetime.datetime
    by: str
    action: str
    action_label: str
    resident_id: int | None
    resident_name: str
    changes: list[FieldChange]
    note: str


HISTORY_LIMIT = 100


def resident_history(actor: Actor, resident: Resident) -> list[HistoryRow]:
    """Every recorded change of one resident, newest first (ID and phone stay masked)."""
    changes = RegistryChange.objects.for_actor(actor).filter(resident=resident)
    return _history_rows(changes)


def household_history(actor: Actor, household: Household) -> list[HistoryRow]:
    """Changes of a household and of its residents while they were in it, newest first; the
    echo of a household move in each resident's own history is shown once, as the move."""
    changes = (
        RegistryChange.objects.for_actor(actor)
        .filter(household=household)
        .exclude(resident__isnull=False, action=ChangeAction.MOVED, fields__0__field="building")
    )
    return _history_rows(changes)


def _history_rows(changes: QuerySet[RegistryChange]) -> list[HistoryRow]:
    rows = changes.select_related("user", "resident__person").order_by("-at", "-pk")
    return [
        HistoryRow(
            at=c.at,
            by=(c.user.display_name or c.user.username) if c.user else "",
            action=c.action,
            action_label=str(ChangeAction(c.action).label)
            if c.action in ChangeAction.values
            else c.action,
            resident_id=c.resident_id,
            resident_name=c.resident.person.name if c.resident else "",
            changes=[_field_change(f) for f in c.fields or []],
            note=c.note,
        )
        for c in rows[:HISTORY_LIMIT]
    ]


def _field_label(field: str) -> str:
    for model in (Person, Resident, Household):
        try:
            return verbose_name(model, field)
        except FieldDoesNotExist:
            continue
    return field


_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "relation": dict(Relation.choices),
    "status": dict(ResidentStatus.choices),
    "sex": dict(Sex.choices),
}


def _shown_value(field: str, value: Any) -> str:
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if value in (None, ""):
        return "—"
    if field in _CHOICE_LABELS:
        return str(_CHOICE_LABELS[field].get(value, value))
    # ID and phone were stored masked by the services; mask again in case an old row was not.
    if field == "id_number":
        return mask_id_number(str(value))
    if field == "phone":
        return mask_phone(str(value))
    if field == "birth_date":  # the year, as pages show it; the full date is part of the ID
        return str(value)[:4]
    return str(value)


def _field_change(f: dict[str, Any]) -> FieldChange:
    field = str(f.get("field", ""))
    return FieldChange(
        field=field,
        label=_field_label(field),
        old=_shown_value(field, f.get("old")),
        new=_shown_value(field, f.get("new")),
    )


def registry_filter_labels(actor: Actor, filters: RegistryFilters) -> list[str]:
    """The filters in words, for the export page (places named only if the actor sees them)."""
    labels: list[str] = []
    if filters.q:
        labels.append(f"“{filters.q}”")
    ids = [pk for pk in (filters.grid_id, filters.building_id) if pk]
    if ids:
        names = dict(Place.objects.for_actor(actor).filter(pk__in=ids).values_list("pk", "name"))
        labels += [names[pk] for pk in ids if pk in names]
    if filters.status == LIVING:
        labels.append(str(_("Living here or away")))
    elif filters.status in ResidentStatus.values:
        labels.append(str(ResidentStatus(filters.status).label))
    labels += [flag_label(f) for f in filters.flags]
    return labels


def residents_matching(*, place_path: str, name: str, id_last6: str) -> list[Resident]:
    """The residents living under a place (a building, or a community) whose name is `name`
    and whose ID number ends with `id_last6`: how the front door finds someone joining by their
    building's code. No actor: the one asking is the person themself, proven by the code."""
    # The ID is encrypted: the few residents of that name under the place are decrypted and
    # compared here (a name is rarely shared by more than a handful in one community).
    candidates = (
        Resident.objects.filter(
            building__path__startswith=place_path,
            person__name=name,
            status__in=(ResidentStatus.PRESENT, ResidentStatus.AWAY),
        )
        .exclude(person__id_number=None)
        .select_related("person", "household", "building")
        .order_by("pk")
    )
    wanted = id_last6.upper()
    return [
        r
        for r in candidates
        if not unreadable(r.person.id_number)
        and len(r.person.id_number or "") >= len(wanted)
        and (r.person.id_number or "").upper().endswith(wanted)
    ]


def building_households(actor: Actor, building: Place) -> QuerySet[Household]:
    """The households of one building the actor sees, in room order."""
    return (
        Household.objects.for_actor(actor).filter(building=building).order_by("room_sort_key", "pk")
    )


def household_at_id(actor: Actor, household_id: int) -> Household | None:
    """A household the actor sees, or None (a form's choice checked again by the service)."""
    return Household.objects.for_actor(actor).filter(pk=household_id).first()
