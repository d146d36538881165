"""Registering designated hospitals and isolation sites: by the street, district or city office
for a place of its own; capacity never below the people placed there; bad input named."""

from __future__ import annotations

from typing import Any

import pytest

from core.roles import Role
from places.models import Place
from testkit import TinyCity
from triage.decisions import bed_assign
from triage.models import Category, Disposition, Site, SiteKind
from triage.sites import site_save
from triage.tests import test_cases as shared
from triage.tests.test_cases import act, denied, disposed, refused

city, clock = shared.city, shared.clock


def _save(tc: TinyCity, role: str = "street_admin", site: Site | None = None, **kw: Any) -> Site:
    values: dict[str, Any] = {
        "kind": SiteKind.ISOLATION,
        "name": "江景酒店隔离点",
        "place": tc.inside.street,
        "capacity": 20,
        "address": "沿江大道 1 号",
        "phone": "027-8888 0000",
    }
    if site is not None:
        values.update(kind=site.kind, name=site.name, place=site.place, capacity=site.capacity)
    values.update(kw)
    return site_save(actor=act(tc, role), site=site, **values)


@pytest.mark.parametrize("role", list(Role.values))
def test_street_district_and_city_offices_register_sites(city: TinyCity, role: str) -> None:
    if role in (Role.STREET_ADMIN, Role.DISTRICT_ADMIN, Role.CITY_ADMIN):
        site = _save(city, role)
        assert (site.kind, site.capacity, site.occupied, site.created_by_id) == (
            SiteKind.ISOLATION,
            20,
            0,
            city.users[role].pk,
        )
        assert site.place_path == city.inside.street.path and site.is_active
    else:
        denied(lambda: _save(city, role))


@pytest.mark.parametrize(
    ("role", "place", "allowed"),
    [
        ("street_admin", "inside.street", True),
        ("street_admin", "inside.district", False),  # above the street
        ("street_admin", "other_street.street", False),
        ("street_admin", "city", False),
        ("district_admin", "inside.district", True),
        ("district_admin", "other_street.street", True),  # the same district
        ("district_admin", "other_district.street", False),
        ("city_admin", "other_district.street", True),
        ("city_admin", "city", True),
    ],
)
def test_a_site_serves_a_place_of_the_office(
    city: TinyCity, role: str, place: str, allowed: bool
) -> None:
    target: Any = city
    for part in place.split("."):
        target = getattr(target, part)
    if allowed:
        assert _save(city, role, place=target).place_id == target.pk
    else:
        denied(lambda: _save(city, role, place=target))


@pytest.mark.parametrize("place", ["inside.community", "inside.grid", "inside.building"])
def test_a_site_serves_a_street_a_district_or_the_city(city: TinyCity, place: str) -> None:
    target: Any = city
    for part in place.split("."):
        target = getattr(target, part)
    refused(lambda: _save(city, "city_admin", place=target), "place", "kind")


@pytest.mark.parametrize(
    ("kw", "field", "code"),
    [
        ({"capacity": 0}, "capacity", "out_of_range"),
        ({"capacity": 100_001}, "capacity", "out_of_range"),
        ({"capacity": -3}, "capacity", "invalid"),
        ({"capacity": "twenty"}, "capacity", "invalid"),
        ({"capacity": ""}, "capacity", "invalid"),
        ({"capacity": None}, "capacity", "invalid"),
        ({"capacity": "2.5"}, "capacity", "invalid"),
        ({"name": "  "}, "name", "required"),
        ({"kind": "hotel"}, "kind", "invalid"),
    ],
)
def test_bad_site_input_is_refused(
    city: TinyCity, kw: dict[str, Any], field: str, code: str
) -> None:
    refused(lambda: _save(city, **kw), field, code)


def test_a_full_width_capacity_is_read(city: TinyCity) -> None:
    assert _save(city, capacity="３０").capacity == 30


def test_the_same_name_twice_at_one_place_is_refused(city: TinyCity) -> None:
    _save(city)
    refused(lambda: _save(city), "name", "duplicate")
    # Another kind, or another place, may share the name.
    _save(city, kind=SiteKind.HOSPITAL)
    _save(city, "district_admin", place=city.other_street.street)


def test_capacity_never_drops_below_the_people_placed(city: TinyCity) -> None:
    site = _save(city, capacity=3)
    office = act(city, "street_admin")
    for _ in range(2):
        case = disposed(city, Category.SUSPECTED, Disposition.ISOLATION)
        bed_assign(actor=office, case=case, site=site)
    site.refresh_from_db()
    assert site.occupied == 2
    error = refused(lambda: _save(city, site=site, capacity=1), "capacity", "below_occupied")
    assert "2" in str(error.messages[0])
    assert _save(city, site=site, capacity=2).capacity == 2
    # Full now: the next person is refused.
    waiting = disposed(city, Category.SUSPECTED, Disposition.ISOLATION)
    refused(lambda: bed_assign(actor=office, case=waiting, site=site), "site", "full")
    # Nor does a site with people in it change kind under them.
    refused(lambda: _save(city, site=site, kind=SiteKind.HOSPITAL), "kind", "occupied")
    empty = _save(city, name="空置隔离点")
    assert _save(city, site=empty, kind=SiteKind.HOSPITAL).kind == SiteKind.HOSPITAL


def test_an_office_edits_only_sites_of_its_own_area(city: TinyCity) -> None:
    hospital = Site.objects.get(place=city.city, kind=SiteKind.HOSPITAL)
    denied(lambda: _save(city, "street_admin", site=hospital, capacity=150))
    denied(lambda: _save(city, "district_admin", site=hospital, capacity=150))
    assert _save(city, "city_admin", site=hospital, capacity=150).capacity == 150
    # Moving one's own site to a place outside the area is refused too.
    mine = _save(city)
    other: Place = city.other_street.street
    denied(lambda: _save(city, "street_admin", site=mine, place=other))


def test_a_site_taken_out_of_service_keeps_its_people(city: TinyCity) -> None:
    site = _save(city, capacity=2)
    case = disposed(city, Category.SUSPECTED, Disposition.ISOLATION)
    bed_assign(actor=act(city, "street_admin"), case=case, site=site)
    closed = _save(city, site=site, is_active=False)
    assert not closed.is_active and closed.occupied == 1
    case.refresh_from_db()
    assert case.site_id == site.pk
