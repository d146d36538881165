"""Buildings and rooms in natural order everywhere (issue 15, item 16): 9栋 before 10栋, 1单元101
before 1单元1001, in the place pages, the registry and its export, the call list, the building
choices and the import template — ordered by the database on the stored keys
(Place.sort_path, Household.room_sort_key), which every way of writing names keeps in step."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from openpyxl import load_workbook

from core.sorting import SEPARATOR, natural_key, sort_path
from health.models import Slot
from health.selectors import not_reported
from people.exports import registry_export
from people.place_selectors import building_households, place_children
from people.registry_import.selectors import community_building_names
from people.selectors import (
    RegistryFilters,
    editable_buildings,
    registry_building_choices,
    registry_residents,
)
from people.tests.registry_helpers import actor, client_for, register
from places import services
from places.models import Household, Place, PlaceKind
from testkit import ROOT, TinyCity

BUILDINGS = ["10栋", "9栋", "1栋", "2栋"]  # created in this (text-like) order
ROOMS = ["1单元1001", "1单元101", "2单元101", "1单元102"]


def _street_of_buildings(tc: TinyCity) -> tuple[Place, list[Place], list[Household]]:
    """In the tiny city's grid: buildings 10栋, 9栋, 1栋, 2栋 (after its own 1栋's siblings),
    each with rooms 1单元1001, 1单元101, 2单元101, 1单元102 and one resident per room."""
    grid = tc.inside.grid
    buildings = [
        services.place_create(actor=ROOT, kind=PlaceKind.BUILDING, name=name, parent=grid)
        for name in BUILDINGS
        if name != "1栋"
    ]
    households = []
    for building in [*buildings, tc.inside.building]:
        for room in ROOMS:
            household = Household.objects.filter(building=building, room=room).first()
            if household is None:  # the tiny city's 1栋 has its 1单元101 already
                household = services.household_create(actor=ROOT, building=building, room=room)
                register(household, "居民")
            households.append(household)
    return grid, buildings, households


def _address(h: Household) -> str:
    return f"{h.building.name} {h.room}"


NATURAL = [
    f"{b} {r}" for b in ("1栋", "2栋", "9栋", "10栋") for r in sorted(ROOMS, key=natural_key)
]


@pytest.mark.django_db
def test_the_keys_follow_every_write(tiny_city: TinyCity) -> None:
    grid = tiny_city.inside.grid
    building = services.place_create(actor=ROOT, kind=PlaceKind.BUILDING, name="10栋", parent=grid)
    assert building.sort_path == sort_path(grid.sort_path, "10栋")
    assert building.sort_path.startswith(tiny_city.city.sort_path)
    assert building.sort_path.count(SEPARATOR) == 6  # city … building
    household = services.household_create(actor=ROOT, building=building, room="1单元1001")
    assert household.room_sort_key == natural_key("1单元1001")
    services.household_rename(actor=ROOT, household=household, room="1单元101")
    household.refresh_from_db()
    assert household.room_sort_key == natural_key("1单元101")

    # Renaming a grid moves its buildings' sort paths along.
    services.place_rename(actor=ROOT, place=grid, name="第12网格")
    building.refresh_from_db()
    grid.refresh_from_db()
    assert grid.sort_path.endswith(natural_key("第12网格") + SEPARATOR)
    assert building.sort_path == sort_path(grid.sort_path, "10栋")

    # Writes in bulk (imports, the demo city) fill them too.
    made = Place.objects.bulk_create(
        [Place(kind=PlaceKind.BUILDING, name="3栋", parent=grid, path="")]
    )
    assert made[0].sort_path == sort_path(grid.sort_path, "3栋")
    by_id = Place.objects.bulk_create(
        [Place(kind=PlaceKind.BUILDING, name="4栋", parent_id=grid.pk, path="")]
    )
    assert by_id[0].sort_path == sort_path(grid.sort_path, "4栋")
    columns = services.ancestor_columns(building)
    columns.pop("building_id")
    [bulk] = Household.objects.bulk_create([Household(building=building, room="3-2", **columns)])
    assert bulk.room_sort_key == natural_key("3-2")
    Household.objects.filter(pk=bulk.pk).update(room="3-12")
    bulk.refresh_from_db()
    assert bulk.room_sort_key == natural_key("3-12")


@pytest.mark.django_db
def test_place_pages_and_choices_list_buildings_and_rooms_naturally(tiny_city: TinyCity) -> None:
    grid, _buildings, _households = _street_of_buildings(tiny_city)
    admin = actor(tiny_city, "community_admin")
    names = [row.place.name for row in place_children(admin, grid)]
    assert names == ["1栋", "2栋", "9栋", "10栋"]
    nine = Place.objects.get(parent=grid, name="9栋")
    rooms = [h.room for h in building_households(admin, nine)]
    assert rooms == ["1单元101", "1单元102", "1单元1001", "2单元101"]
    for buildings in (
        registry_building_choices(admin, grid.pk),
        list(editable_buildings(admin).filter(parent=grid)),
    ):
        assert [b.name for b in buildings] == ["1栋", "2栋", "9栋", "10栋"]
    # The import template's building dropdown (names of the whole community).
    template_names = community_building_names(tiny_city.inside.community)
    assert template_names.index("9栋") < template_names.index("10栋")
    # The grids of a community too: 第3网格 before 第12网格.
    services.place_create(
        actor=ROOT, kind=PlaceKind.GRID, name="第12网格", parent=tiny_city.inside.community
    )
    grids = [r.place.name for r in place_children(admin, tiny_city.inside.community)]
    assert grids.index("第3网格") < grids.index("第12网格")


@pytest.mark.django_db
def test_the_registry_its_export_and_the_call_list_go_in_address_order(
    tiny_city: TinyCity,
) -> None:
    grid, _buildings, _households = _street_of_buildings(tiny_city)
    worker = actor(tiny_city, "grid_worker")
    filters = RegistryFilters(grid_id=grid.pk)
    residents = registry_residents(worker, filters)
    seen = list(dict.fromkeys(f"{r.building.name} {r.household.room}" for r in residents))
    assert seen == NATURAL

    export = registry_export(actor=worker, filters=filters)
    sheet = list(load_workbook(io.BytesIO(export.file.read())).worksheets[0].values)
    header = [str(c) for c in sheet[0]]
    building_col = next(i for i, c in enumerate(header) if "楼" in c or "uilding" in c)
    room_col = next(i for i, c in enumerate(header) if "房" in c or "oom" in c)
    exported = list(dict.fromkeys(f"{row[building_col]} {row[room_col]}" for row in sheet[1:]))
    assert exported == NATURAL

    day = timezone.localdate()
    called = [f"{h.building} {h.room}" for h in not_reported(worker, grid, day, Slot.MORNING)]
    assert called == NATURAL

    # The registry page lists them in that order (a page of the same query).
    page = client_for(tiny_city, "grid_worker").get(f"/registry/?grid={grid.pk}")
    shown = [f"{r.building.name} {r.household.room}" for r in page.context["page"]]
    assert list(dict.fromkeys(shown)) == NATURAL


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_keys_of_existing_rows() -> None:
    """Places and households that exist before the keys do get them, top down, in batches."""
    executor = MigrationExecutor(connection)
    executor.migrate([("places", "0001_initial")])
    old = executor.loader.project_state([("places", "0001_initial")]).apps
    OldPlace = old.get_model("places", "Place")
    OldHousehold = old.get_model("places", "Household")
    city = OldPlace.objects.create(kind="city", name="测试市", path="", depth=0)
    city.path = f"/{city.pk}/"
    city.save()
    parent = city
    chain = []
    for depth, (kind, name) in enumerate(
        [
            ("district", "甲区"),
            ("street", "甲街道"),
            ("community", "甲社区"),
            ("grid", "第10网格"),
            ("building", "9栋"),
        ],
        start=1,
    ):
        place = OldPlace.objects.create(kind=kind, name=name, parent=parent, path="", depth=depth)
        place.path = f"{parent.path}{place.pk}/"
        place.save()
        chain.append(place)
        parent = place
    columns = {
        f"{k}_id": p.pk
        for k, p in zip(["district", "street", "community", "grid"], chain, strict=False)
    }
    household = OldHousehold.objects.create(
        building_id=parent.pk, city_id=city.pk, room="1单元1001", **columns
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("places", "0002_natural_sort_keys")])
    executor.loader.build_graph()
    building = Place.objects.get(pk=parent.pk)
    expected = ""
    for name in ["测试市", "甲区", "甲街道", "甲社区", "第10网格", "9栋"]:
        expected = sort_path(expected, name)
    assert building.sort_path == expected
    assert Household.objects.get(pk=household.pk).room_sort_key == natural_key("1单元1001")
    # Back to the latest state for the tests after this one.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
