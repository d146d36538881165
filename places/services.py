"""Every write to the places tree and households goes through here."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import field_error
from core.validators import normalize_line, normalize_text, validate_phone
from places.error_codes import PlacesError
from places.models import PARENT_KIND, Household, Place, PlaceKind
from places.policies import check_can_setup


def child_path(parent_path: str, pk: int) -> str:
    """The materialised path of a node with id `pk` under `parent_path` ("" for a root)."""
    return f"{parent_path or '/'}{pk}/"


def path_depth(path: str) -> int:
    return path.strip("/").count("/")


def _place_name(kind: str, name: str) -> str:
    """A building's name is a house number people sort and search by ("10栋", "３单元" → "3单元");
    every other place's name is written as typed ("江汉区（开发区）")."""
    return normalize_text(name) if kind == PlaceKind.BUILDING else normalize_line(name)


@transaction.atomic
def place_create(
    *, actor: Actor, kind: str, name: str, parent: Place | None, code: str = "", variant: str = ""
) -> Place:
    check_can_setup(actor, parent)
    name = _place_name(kind, name)
    if not name:
        raise field_error("name", _("Name is required."), CoreError.REQUIRED)
    place_check_parent(kind=kind, parent=parent)
    place = Place.objects.create(
        kind=kind, name=name, parent=parent, code=code, variant=variant, path=""
    )
    place.path = child_path(parent.path if parent else "", place.pk)
    place.depth = path_depth(place.path)
    place.save(update_fields=["path", "depth"])
    return place


def place_check_parent(*, kind: str, parent: Place | None) -> None:
    """The tree's shape: a street under a district, a grid under a community…"""
    expected_parent = PARENT_KIND[kind]
    if (parent.kind if parent else None) != expected_parent:
        raise field_error(
            "parent",
            _("A %(kind)s must sit under a %(parent)s.")
            % {
                "kind": str(PlaceKind(kind).label).lower(),
                "parent": str(PlaceKind(expected_parent).label).lower(),
            }
            if expected_parent
            else _("A city has no parent."),
            PlacesError.PARENT_KIND,
        )


@transaction.atomic
def place_rename(*, actor: Actor, place: Place, name: str, code: str | None = None) -> Place:
    check_can_setup(actor, place)
    name = _place_name(place.kind, name)
    if not name:
        raise field_error("name", _("Name is required."), CoreError.REQUIRED)
    place.name = name
    if code is not None:
        place.code = code
    place.save(update_fields=["name", "code"])
    return place


def ancestor_columns(building: Place) -> dict[str, int]:
    """The denormalised place ids a household or resident in `building` carries."""
    if building.kind != PlaceKind.BUILDING:
        raise field_error("building", _("Choose a building."), CoreError.NOT_BUILDING)
    ids = [int(p) for p in building.path.strip("/").split("/")]
    city, district, street, community, grid, _building = ids
    return {
        "city_id": city,
        "district_id": district,
        "street_id": street,
        "community_id": community,
        "grid_id": grid,
        "building_id": building.pk,
    }


@transaction.atomic
def household_create(*, actor: Actor, building: Place, room: str, phone: str = "") -> Household:
    check_can_setup(actor, building)
    room = normalize_text(room)
    if not room:
        raise field_error("room", _("Room is required."), CoreError.REQUIRED)
    columns = ancestor_columns(building)
    columns.pop("building_id")
    return Household.objects.create(
        building=building, room=room, phone=validate_phone(phone) if phone else "", **columns
    )


@transaction.atomic
def household_rename(*, actor: Actor, household: Household, room: str) -> Household:
    check_can_setup(actor, household.building)
    room = normalize_text(room)
    if not room:
        raise field_error("room", _("Room is required."), CoreError.REQUIRED)
    household.room = room
    household.save(update_fields=["room", "updated_at"])
    return household
