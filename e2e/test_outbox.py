"""No network in the stairwell: the grid worker's screening form is kept on the phone, shown as
waiting, and sent by itself (once) when the network is back, with the time it was filled in."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.test_foundation import granted_place, login
from health.models import HealthReport, ScreeningVisit
from people.models import Person, Relation, Resident
from places import services as place_services
from places.models import Place, PlaceKind
from testkit import ROOT

pytestmark = pytest.mark.browser


def test_screening_form_waits_in_the_outbox_while_offline(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    grid = granted_place("grid_worker")
    building = Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=grid.path).first()
    assert building is not None
    household = place_services.household_create(actor=ROOT, building=building, room="3单元702")
    columns = place_services.ancestor_columns(building)
    for i, name in enumerate(["赵立新", "赵晓梅"]):
        Resident.objects.create(
            person=Person.objects.create(name=name),
            household=household,
            relation=Relation.HEAD if i == 0 else Relation.SPOUSE,
            **columns,
        )

    page = new_page(PHONE)
    login(page, "grid_worker")
    page.goto(f"/screening/households/{household.pk}/")
    members = page.get_by_test_id("member")
    expect(members).to_have_count(2)
    filled_in = timezone.now()
    page.context.set_offline(True)
    members.nth(0).locator("input[type=text]").fill("36.6")
    members.nth(1).locator("input[type=text]").fill("36.9")
    page.get_by_test_id("save-screening").click()
    outbox = page.get_by_test_id("outbox")
    expect(outbox).to_be_visible()
    expect(outbox.locator("[data-waiting-count]")).to_have_text("1")
    shot(page, "01-saved-on-phone")
    assert not ScreeningVisit.objects.filter(household=household).exists()

    # The network is back: the outbox sends it by itself, once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(outbox).to_be_hidden()
    visit = ScreeningVisit.objects.get(household=household)
    assert visit.recorded_at <= timezone.now() and visit.recorded_at >= filled_in
    assert HealthReport.objects.filter(household=household).count() == 2
    page.reload()
    expect(page.get_by_test_id("outbox")).to_be_hidden()
    shot(page, "02-sent")
    assert ScreeningVisit.objects.filter(household=household).count() == 1
