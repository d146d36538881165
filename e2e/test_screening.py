"""Door-to-door screening on a phone: a grid worker walks a building floor by floor, screens a
household in one form (a wrong temperature first), marks another "nobody home — revisit", and
sees what is left in the building."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.selectors import actor_for_user
from e2e.conftest import PHONE
from e2e.test_foundation import granted_place, login, url_path
from health.models import HealthReport, ScreeningVisit
from people.models import Person, Relation, Resident
from places import services as place_services
from places.models import Place, PlaceKind
from testkit import ROOT

pytestmark = pytest.mark.browser


def _building_with_floors(grid: Place) -> Place:
    """The grid's first building, with a few more households on higher floors."""
    building = Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=grid.path).order_by(
        "path"
    )[0]
    columns = place_services.ancestor_columns(building)
    for room, names in (
        ("2单元302", ["陈建国", "陈秀英"]),
        ("2单元301", ["刘洋"]),
        ("1502", ["王芳"]),
    ):
        h = place_services.household_create(actor=ROOT, building=building, room=room)
        for i, name in enumerate(names):
            Resident.objects.create(
                person=Person.objects.create(name=name),
                household=h,
                relation=Relation.HEAD if i == 0 else Relation.SPOUSE,
                **columns,
            )
    return building


def test_grid_worker_walks_a_building(demo_city: Any, new_page: Any, shot: Any) -> None:
    grid = granted_place("grid_worker")
    building = _building_with_floors(grid)
    actor = actor_for_user(User.objects.get(username="grid_worker"))
    assert actor.grants
    page = new_page(PHONE)
    login(page, "grid_worker")
    page.goto("/screening/")
    expect(page.get_by_test_id("screening-title")).to_be_visible()
    shot(page, "01-buildings")
    page.get_by_test_id("screening-search").locator("input").fill(building.name)
    page.get_by_test_id("screening-search").locator("button").click()
    page.get_by_test_id("screening-building").first.get_by_role("link", name=building.name).click()
    expect(page).to_have_url(url_path(f"/screening/buildings/{building.pk}/"))
    floors = page.get_by_test_id("floor")
    expect(floors.first).to_be_visible()
    shot(page, "02-floor-walk")
    total = int(page.get_by_test_id("left-count").inner_text())
    assert total >= 3
    # Floor 3 before floor 15: the walk goes up the building.
    numbers = [floors.nth(i).get_attribute("data-floor") for i in range(floors.count())]
    assert numbers.index("3") < numbers.index("15")

    # Screen 2单元302: one wrong temperature first, nothing stored.
    page.get_by_test_id("household-tile").filter(has_text="2单元302").click()
    expect(page.get_by_test_id("household-title")).to_contain_text("2单元302")
    members = page.get_by_test_id("member")
    expect(members).to_have_count(2)
    first, second = members.nth(0), members.nth(1)
    first.locator("input[type=text]").fill("36,8")
    first.locator("label:has(input[value=none]) span").click()
    second.locator("input[type=text]").fill("高烧")
    shot(page, "03-household-form")
    page.get_by_test_id("save-screening").click()
    expect(second.get_by_test_id("error-temperature")).to_be_visible()
    assert ScreeningVisit.objects.count() == 0
    shot(page, "04-form-error")
    second = page.get_by_test_id("member").nth(1)
    second.locator("input[type=text]").fill("３７．８")
    second.locator("label:has(input[value=cough]) span").click()
    page.get_by_test_id("save-screening").click()
    expect(page).to_have_url(re.compile(rf"/screening/buildings/{building.pk}/#h\d+$"))
    tile = page.get_by_test_id("household-tile").filter(has_text="2单元302")
    expect(tile).to_have_attribute("data-state", "screened")
    reports = HealthReport.objects.filter(household__room="2单元302", household__building=building)
    assert sorted(str(r.temperature) for r in reports) == ["36.8", "37.8"]
    assert reports.filter(abnormal=True).count() == 1
    shot(page, "05-after-screening")

    # 2单元301: nobody home — revisit.
    page.get_by_test_id("household-tile").filter(has_text="2单元301").click()
    page.get_by_test_id("nobody-home").click()
    expect(page).to_have_url(re.compile(rf"/screening/buildings/{building.pk}/#h\d+$"))
    expect(page.get_by_test_id("household-tile").filter(has_text="2单元301")).to_have_attribute(
        "data-state", "revisit"
    )
    expect(page.get_by_test_id("revisit-count")).to_have_text("1")
    expect(page.get_by_test_id("screened-count")).to_have_text("1")
    expect(page.get_by_test_id("left-count")).to_have_text(str(total - 1))
    shot(page, "06-what-is-left")
    assert ScreeningVisit.objects.filter(outcome="nobody_home").count() == 1
