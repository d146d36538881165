"""A resident's urgent trip on a phone: the resident asks for help, nobody at the community
responds in time so the clock passes it to the street, the street admin finds it in the street's
coordination queue, sends the street's vehicle and marks it done, and the resident confirms and
rates it 5."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import DESK
from e2e.test_foundation import login, ui, url_path
from service_requests.escalation import escalations_due_run
from service_requests.models import (
    Dispatch,
    Level,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Vehicle,
)
from testkit import PASSWORD, TinyCity, build_tiny_city

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def tiny(transactional_db: None) -> TinyCity:
    """A city with a street and its community, a resident with a login in their household, the
    community admin, and the street admin whose street has a vehicle of its own."""
    return build_tiny_city()


def test_urgent_trip_escalated_to_the_street_and_rated(
    tiny: TinyCity, new_page: Any, shot: Any
) -> None:
    street_vehicle = Vehicle.objects.get(place=tiny.inside.street)
    member = tiny.inside.residents[0]

    # 1. The resident asks for an urgent trip.
    phone = new_page(PHONE_390)
    login(phone, "resident", PASSWORD)
    phone.goto("/requests/")
    expect(phone).to_have_url(url_path("/requests/mine/"))
    shot(phone, "01-mine")
    phone.get_by_test_id("new-request").click()
    expect(phone).to_have_url(url_path("/requests/new/"))
    form = phone.get_by_test_id("request-form")
    form.locator("select[name=member]").select_option(str(member.pk))
    form.locator("select[name=category]").select_option("urgent_trip")
    form.get_by_text(ui("Urgent"), exact=True).click()
    form.locator("textarea[name=details]").fill("老人胸闷，需要马上去医院")
    shot(phone, "02-new")
    form.get_by_test_id("request-submit").click()
    filed = ServiceRequest.objects.latest("pk")
    assert filed.resident_id == member.pk and filed.urgency == "urgent"
    expect(phone).to_have_url(url_path(f"/requests/{filed.pk}/"))
    expect(phone.get_by_test_id("request-status")).to_have_text(ui("Waiting to be accepted"))
    shot(phone, "03-filed")

    # 2. Nobody responds within the urgent trip's 30 minutes: the clock passes it to the street.
    # The request was filed 90 minutes ago; the periodic run came 45 minutes ago.
    back = datetime.timedelta(minutes=90)
    ServiceRequest.objects.filter(pk=filed.pk).update(
        created_at=F("created_at") - back,
        respond_due_at=F("respond_due_at") - back,
        done_due_at=F("done_due_at") - back,
    )
    RequestEvent.objects.filter(request=filed).update(at=F("at") - back)
    assert escalations_due_run(now=timezone.now() - datetime.timedelta(minutes=45)) >= 1
    filed.refresh_from_db()
    assert filed.level == Level.STREET

    # 3. The street admin (desktop) finds it in the coordination queue.
    desk = new_page(DESK)
    login(desk, "street_admin", PASSWORD)
    desk.goto("/requests/street/")
    row = desk.get_by_test_id("street-row").filter(has_text=f"#{filed.pk}")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("street-waited")).to_have_text(re.compile(r"4[5-6]"))
    expect(row.get_by_test_id("street-reason")).to_have_text(ui("Not responded to in time"))
    shot(desk, "04-street-queue")
    row.get_by_test_id("street-open").click()
    expect(desk).to_have_url(url_path(f"/requests/{filed.pk}/"))
    expect(desk.get_by_test_id("escalation")).to_have_count(1)
    shot(desk, "05-street-detail")

    # 4. It sends the street's vehicle for the next two hours and marks the trip done.
    box = desk.get_by_test_id("vehicle-box")
    box.locator("summary").click()
    vform = desk.get_by_test_id("vehicle-form")
    vform.locator("select[name=dispatch_vehicle-vehicle]").select_option(str(street_vehicle.pk))
    shot(desk, "06-vehicle-form")
    vform.get_by_test_id("vehicle-submit").click()
    expect(desk.get_by_test_id("dispatch")).to_have_count(1)
    expect(desk.get_by_test_id("dispatch")).to_contain_text(street_vehicle.name)
    assert Dispatch.objects.filter(request=filed, vehicle=street_vehicle).count() == 1
    shot(desk, "07-dispatched")
    desk.get_by_test_id("done-form").locator("input[type=text]").fill("已送到区医院急诊")
    desk.get_by_test_id("done-submit").click()
    expect(desk.get_by_test_id("request-status")).to_have_text(ui("Done, waiting for confirmation"))
    shot(desk, "08-done")

    # 5. The resident confirms and rates it 5.
    phone.goto(f"/requests/{filed.pk}/")
    expect(phone.get_by_test_id("confirm-form")).to_be_visible()
    expect(phone.get_by_test_id("dispatch")).to_contain_text(street_vehicle.name)
    shot(phone, "09-confirm")
    confirm = phone.get_by_test_id("confirm-form")
    confirm.get_by_text("5", exact=True).click()
    confirm.locator("input[name=confirm-comment]").fill("谢谢街道")
    confirm.get_by_test_id("confirm-submit").click()
    expect(phone.get_by_test_id("request-status")).to_have_text(ui("Closed"))
    expect(phone.get_by_test_id("request-rating")).to_contain_text("5 / 5")
    shot(phone, "10-closed")
    filed.refresh_from_db()
    assert filed.status == RequestStatus.CLOSED and filed.confirmed and filed.rating == 5
    phone.goto("/requests/mine/")
    expect(phone.get_by_test_id("request-row").filter(has_text=f"#{filed.pk}")).to_have_count(1)
    shot(phone, "11-mine-after")
