"""应收尽收 on a desk: a street admin registers an isolation site with one room, finds a close
contact waiting in the street's transfer queue, gives them the room, and sees the site full."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESK, PHONE
from e2e.test_foundation import granted_place, login, url_path
from people.models import Resident, ResidentStatus
from testkit import ROOT
from triage.cases import case_open
from triage.decisions import case_assess, case_disposition_set
from triage.models import Category, Disposition, Origin, Site, TriageCase

pytestmark = pytest.mark.browser


def _close_contact_waiting(street_id: int) -> TriageCase:
    """A close contact of the street sent to an isolation site, through the services."""
    busy = TriageCase.objects.filter(status="open").values("resident_id")
    resident = (
        Resident.objects.filter(street_id=street_id, status=ResidentStatus.PRESENT)
        .exclude(pk__in=busy)
        .order_by("pk")
        .first()
    )
    assert resident is not None
    case, _created = case_open(
        actor=ROOT, resident=resident, origin=Origin.CALL, note="同住人确诊，电话告知"
    )
    case = case_assess(actor=ROOT, case=case, category=Category.CLOSE_CONTACT)
    return case_disposition_set(actor=ROOT, case=case, disposition=Disposition.ISOLATION)


def test_street_admin_fills_a_one_room_site_from_the_queue(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    street = granted_place("street_admin")
    page = new_page(DESK)
    login(page, "street_admin")

    # Register the site: one room, serving the street.
    page.goto("/triage/sites/")
    expect(page.get_by_test_id("sites-title")).to_be_visible()
    shot(page, "01-sites")
    page.get_by_test_id("site-new").click()
    expect(page).to_have_url(url_path("/triage/sites/new/"))
    page.select_option("#id_kind", "isolation")
    page.fill("#id_name", "滨江快捷酒店隔离点")
    page.select_option("#id_place", str(street.pk))
    page.fill("#id_capacity", "1")
    page.fill("#id_address", "滨江路88号")
    shot(page, "02-site-form")
    page.get_by_test_id("form-submit").click()
    site = Site.objects.get(name="滨江快捷酒店隔离点")
    expect(page).to_have_url(url_path(f"/triage/sites/{site.pk}/"))
    expect(page.get_by_test_id("site-free")).to_have_text("1")
    assert (site.capacity, site.occupied, site.place_id) == (1, 0, street.pk)

    # A close contact waits for a room.
    case = _close_contact_waiting(street.pk)
    page.goto("/triage/transfers/")
    row = page.locator(f'[data-testid="queue-row"][data-case="{case.pk}"]')
    expect(row).to_be_visible()
    expect(row.get_by_test_id("queue-wait")).to_be_visible()
    name = case.resident.person.name
    expect(row).not_to_contain_text(name)  # masked
    expect(row).to_contain_text(name[0] + "*")
    row.get_by_test_id("assign-site").select_option(str(site.pk))
    shot(page, "03-transfer-queue")
    row.get_by_test_id("assign-submit").click()
    expect(page.locator(f'[data-testid="queue-row"][data-case="{case.pk}"]')).to_have_count(0)
    case.refresh_from_db()
    site.refresh_from_db()
    assert case.site_id == site.pk and site.occupied == 1
    shot(page, "04-assigned")

    # The site is full: tagged on the list, and no longer offered to the next person.
    page.goto("/triage/sites/?kind=isolation")
    site_row = page.locator(f'[data-testid="site-row"][data-site="{site.pk}"]')
    expect(site_row.get_by_test_id("site-full")).to_be_visible()
    expect(site_row.get_by_test_id("site-occupancy")).to_have_text("1/1")
    shot(page, "05-site-full")
    page.goto(f"/triage/sites/{site.pk}/")
    expect(page.get_by_test_id("site-person")).to_have_count(1)
    expect(page.get_by_test_id("site-free")).to_have_text("0")
    shot(page, "06-site-detail")
    following = _close_contact_waiting(street.pk)
    page.goto("/triage/transfers/")
    options = page.locator(
        f'[data-testid="queue-row"][data-case="{following.pk}"] [data-testid="assign-site"] option'
    )
    expect(options.first).to_be_attached()
    offered = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert str(site.pk) not in offered


def test_community_admin_marks_a_building_on_a_phone(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    """Two suspected cases in one building meet the default threshold: the community admin
    shows the building to residents, without a household or a name anywhere on the page."""
    community = granted_place("community_admin")
    busy = TriageCase.objects.filter(status="open").values("resident_id")
    residents = list(
        Resident.objects.filter(community_id=community.pk, status=ResidentStatus.PRESENT)
        .exclude(pk__in=busy)
        .order_by("building_id", "pk")
    )
    by_building: dict[int, list[Resident]] = {}
    for r in residents:
        by_building.setdefault(r.building_id, []).append(r)
    pair = next(v[:2] for v in by_building.values() if len(v) >= 2)
    for r in pair:
        case, _created = case_open(actor=ROOT, resident=r, origin=Origin.CALL, note="发热38.5")
        case_assess(actor=ROOT, case=case, category=Category.SUSPECTED)
    building = pair[0].building
    page = new_page(PHONE)
    login(page, "community_admin")
    page.goto("/triage/disclosures/")
    row = page.locator(f'[data-testid="disclosure-row"][data-building="{building.pk}"]')
    expect(row.get_by_test_id("mark")).to_be_visible()
    shot(page, "01-disclosures")
    row.get_by_test_id("mark").click()
    expect(page).to_have_url(url_path("/triage/disclosures/"))
    row = page.locator(f'[data-testid="disclosure-row"][data-building="{building.pk}"]')
    expect(row.get_by_test_id("marked")).to_be_visible()
    body = page.locator("main").inner_text()
    for r in pair:
        assert r.person.name not in body and r.household.room not in body
    shot(page, "02-marked")
    page.goto("/triage/transfers/")
    expect(page.get_by_test_id("transfers-title")).to_be_visible()
    shot(page, "03-transfer-queue-phone")
