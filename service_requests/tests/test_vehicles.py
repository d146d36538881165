"""Registering vehicles (the community's or street's own, a name once per place) and the
city's time targets."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotAllowed
from service_requests.models import SlaTarget, Vehicle
from service_requests.tests.test_filing import act, field_of
from service_requests.vehicles import sla_target_set, vehicle_save
from testkit import TinyCity


def test_community_admin_registers_and_edits_own_vehicle(tiny_city: TinyCity) -> None:
    office = act(tiny_city, "community_admin")
    vehicle = vehicle_save(
        actor=office,
        vehicle=None,
        place=tiny_city.inside.community,
        name=" 鄂A·12345 ",
        seats=5,
        driver_name="李师傅",
        driver_phone="138 0000 1111",
    )
    assert (vehicle.name, vehicle.place_path) == ("鄂A·12345", tiny_city.inside.community.path)
    assert vehicle.driver_phone == "13800001111"
    edited = vehicle_save(
        actor=office,
        vehicle=vehicle,
        place=tiny_city.inside.community,
        name="鄂A·12345",
        seats=7,
        is_active=False,
    )
    assert edited.pk == vehicle.pk
    row = Vehicle.objects.get(pk=vehicle.pk)
    assert (row.seats, row.is_active) == (7, False)


def test_name_once_per_place(tiny_city: TinyCity) -> None:
    office = act(tiny_city, "community_admin")
    existing = Vehicle.objects.get(place=tiny_city.inside.community)
    before = Vehicle.objects.count()
    with pytest.raises(ValidationError) as e:
        vehicle_save(
            actor=office, vehicle=None, place=tiny_city.inside.community, name=existing.name
        )
    assert field_of(e.value) == ["name"]
    assert Vehicle.objects.count() == before
    # The same name at the street is another vehicle.
    vehicle_save(
        actor=act(tiny_city, "street_admin"),
        vehicle=None,
        place=tiny_city.inside.street,
        name=existing.name,
    )


def test_place_must_be_own_community_or_street(tiny_city: TinyCity) -> None:
    office = act(tiny_city, "community_admin")
    before = Vehicle.objects.count()
    for place in (tiny_city.inside.street, tiny_city.inside.grid, tiny_city.other_street.community):
        with pytest.raises(ValidationError) as e:
            vehicle_save(actor=office, vehicle=None, place=place, name="新车")
        assert field_of(e.value) == ["place"]
    for role in ("grid_worker", "district_admin", "city_admin", "volunteer"):
        with pytest.raises(NotAllowed):
            vehicle_save(
                actor=act(tiny_city, role),
                vehicle=None,
                place=tiny_city.inside.community,
                name="新车",
            )
    # The street may not edit the community's vehicle.
    vehicle = Vehicle.objects.get(place=tiny_city.inside.community)
    with pytest.raises(NotAllowed):
        vehicle_save(
            actor=act(tiny_city, "street_admin"),
            vehicle=vehicle,
            place=tiny_city.inside.street,
            name="改名",
        )
    assert Vehicle.objects.count() == before
    with pytest.raises(ValidationError) as e:
        vehicle_save(
            actor=office, vehicle=None, place=tiny_city.inside.community, name="x", seats=0
        )
    assert field_of(e.value) == ["seats"]
    with pytest.raises(ValidationError) as e:
        vehicle_save(
            actor=office,
            vehicle=None,
            place=tiny_city.inside.community,
            name="x",
            driver_phone="12",
        )
    assert field_of(e.value) == ["driver_phone"]


def test_sla_target_set_rules(tiny_city: TinyCity) -> None:
    city = act(tiny_city, "city_admin")
    target = sla_target_set(actor=city, category="food", respond_minutes=60, done_minutes=600)
    assert (target.city_id, target.respond_minutes, target.done_minutes) == (
        tiny_city.city.pk,
        60,
        600,
    )
    again = sla_target_set(actor=city, category="food", respond_minutes=30, done_minutes=30)
    assert again.pk == target.pk and SlaTarget.objects.count() == 1
    for respond, done, field in [
        (0, 10, "respond_minutes"),
        (10081, 20000, "respond_minutes"),
        (60, 59, "done_minutes"),
        ("abc", 10, "respond_minutes"),
    ]:
        with pytest.raises(ValidationError) as e:
            sla_target_set(actor=city, category="food", respond_minutes=respond, done_minutes=done)  # type: ignore[arg-type]
        assert field_of(e.value) == [field]
    with pytest.raises(ValidationError) as e:
        sla_target_set(actor=city, category="nope", respond_minutes=1, done_minutes=1)
    assert field_of(e.value) == ["category"]
    for role in ("district_admin", "community_admin"):
        with pytest.raises(NotAllowed):
            sla_target_set(
                actor=act(tiny_city, role), category="food", respond_minutes=1, done_minutes=1
            )
    row = SlaTarget.objects.get()
    assert (row.respond_minutes, row.done_minutes) == (30, 30)
