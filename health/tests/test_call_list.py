"""The call list of a grid (issue 15 items 4 and 23): offices above the community see it masked;
a big grid's list is grouped by building, filtered and paged, and a page stays under 100 KB."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from core.models import AuditEvent
from people.models import Person, Resident
from places.models import Household, Place, PlaceKind
from places.services import ancestor_columns, place_create
from testkit import ROOT, TinyCity

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def morning() -> Any:
    with time_machine.travel(MORNING, tick=False) as t:
        yield t


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("grid_worker", True),
        ("community_admin", True),
        ("street_admin", False),
        ("district_admin", False),
        ("city_admin", False),
    ],
)
def test_offices_above_the_community_see_the_call_list_masked(
    tiny_city: TinyCity, morning: Any, role: str, full: bool
) -> None:
    spouse = tiny_city.inside.residents[1]
    phone = spouse.person.phone
    assert phone
    r = _client(tiny_city, role).get(f"/health/coverage/{tiny_city.inside.grid.pk}/missing/")
    assert r.status_code == 200
    text = r.content.decode()
    assert spouse.person.name in text
    assert (phone in text) is full
    assert (f'href="tel:{phone}"' in text) is full
    if not full:
        assert phone[:3] + "****" + phone[-4:] in text
    event = AuditEvent.objects.filter(action="view_call_list").latest("pk")
    assert event.detail["phones"] == ("full" if full else "masked")


def _big_grid(tc: TinyCity, people: int = 2100, buildings: int = 12) -> list[Place]:
    grid = tc.inside.grid
    made: list[Place] = []
    for b in range(buildings):
        made.append(
            place_create(actor=ROOT, kind=PlaceKind.BUILDING, name=f"{b + 2}栋", parent=grid)
        )
    persons, residents = [], []
    for i in range(people):
        building = made[i % buildings]
        household = Household.objects.create(
            building=building, room=f"{i // buildings + 1}01", **_household_columns(building)
        )
        person = Person(name=f"居民{i}", id_number=None, phone=f"139{i:08d}")
        persons.append(person)
        residents.append((household, building, person))
    Person.objects.bulk_create(persons)
    Resident.objects.bulk_create(
        Resident(person=p, household=h, **ancestor_columns(b)) for h, b, p in residents
    )
    return made


def _household_columns(building: Place) -> dict[str, Any]:
    columns = ancestor_columns(building)
    columns.pop("building_id", None)
    return columns


@pytest.mark.django_db
def test_a_big_grids_call_list_is_paged_by_building_under_100_kb(
    tiny_city: TinyCity, morning: Any
) -> None:
    buildings = _big_grid(tiny_city)
    gw = _client(tiny_city, "grid_worker")
    url = f"/health/coverage/{tiny_city.inside.grid.pk}/missing/"
    first = gw.get(url)
    # It was one 751 KB page for 2,000 people.
    assert len(first.content) < 100_000, len(first.content)
    text = first.content.decode()
    assert "2102" in text  # everyone not reported is counted, not only the page
    assert 'data-testid="building-filter"' in text and 'class="pager"' in text
    # The filter lists the buildings in natural order: 2栋 before 10栋.
    assert text.index(">2栋 (") < text.index(">10栋 (")
    tenth = buildings[8]
    one = gw.get(f"{url}?building={tenth.pk}")
    body = one.content.decode()
    assert len(one.content) < 100_000
    rooms = [line for line in body.splitlines() if "<strong>" in line and "栋" in line]
    assert rooms and all("10栋" in line for line in rooms), rooms[:3]
    last = gw.get(f"{url}?page=999")
    assert last.status_code == 200 and 'data-testid="missing-member"' in last.content.decode()


@pytest.mark.django_db
def test_the_grid_worker_records_what_came_of_each_call(tiny_city: TinyCity, morning: Any) -> None:
    from health.models import CallResult, HealthReport

    head, spouse = tiny_city.inside.residents
    gw = _client(tiny_city, "grid_worker")
    url = f"/health/coverage/{tiny_city.inside.grid.pk}/missing/"
    call = f"{url}call/"
    base = {"day": "2026-11-24", "slot": "am", "back": url}
    r = gw.post(call, {**base, "once": "t1", "resident": head.pk, "outcome": "no_answer"})
    assert r.status_code == 302 and r["Location"] == url
    gw.post(call, {**base, "once": "t1", "resident": head.pk, "outcome": "no_answer"})  # twice
    assert CallResult.objects.filter(resident=head).count() == 1
    page = gw.get(url).content.decode()
    assert 'data-testid="call-result"' in page
    # Reached: the report is made for them (and they leave the list); a missing temperature
    # records nothing.
    bad = {**base, "once": "t2", "resident": spouse.pk, "outcome": "reached"}
    gw.post(call, bad)
    assert not HealthReport.objects.filter(resident=spouse).exists()
    assert not CallResult.objects.filter(resident=spouse).exists()
    gw.post(call, {**bad, "once": "t3", "temperature": "36.6"})
    report = HealthReport.objects.get(resident=spouse)
    assert (str(report.temperature), report.source) == ("36.6", "call")
    assert CallResult.objects.get(resident=spouse).report_id == report.pk
    assert spouse.person.name not in gw.get(url).content.decode()
    # Someone outside the grid worker's grid, and an office above, record nothing.
    outsider = tiny_city.sibling.residents[0]
    r = gw.post(call, {**base, "once": "t4", "resident": outsider.pk, "outcome": "refused"})
    assert r.status_code == 404
    street = _client(tiny_city, "street_admin")
    r = street.post(call, {**base, "once": "t5", "resident": head.pk, "outcome": "refused"})
    assert r.status_code in (403, 404)
    assert CallResult.objects.count() == 2
