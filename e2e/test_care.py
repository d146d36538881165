"""Care on a phone (390x844): the community admin gives an elderly resident living alone a
carer; the carer opens "my households", visits, and the medicine she needs becomes a resident
request in the same step, shown on the contact."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from accounts.models import Grant, User
from care.models import CareAssignment, CareContact
from care.tests.helpers import household_with
from core.roles import Role
from e2e.test_foundation import login, url_path
from service_requests.models import ServiceRequest, Source
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}


def test_admin_assigns_carer_visits_and_a_need_becomes_a_request(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()
    password = make_password(PASSWORD)
    admin = User.objects.create(username="care-admin", display_name="社区书记", password=password)
    Grant.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, place=tc.inside.community)
    carer = User.objects.create(username="care-cadre", display_name="下沉干部王", password=password)
    Grant.objects.create(user=carer, role=Role.CADRE, place=tc.inside.community)
    household = household_with(tc.inside.building, name="孙奶奶")

    # 1. The admin finds the household without a carer and assigns one.
    page = new_page(PHONE_390)
    login(page, "care-admin", PASSWORD)
    page.goto(f"/care/?q={household.room}")
    row = page.get_by_test_id("household-row").filter(has_text=household.room)
    expect(row.get_by_test_id("uncovered")).to_be_visible()
    shot(page, "1-admin-list")
    row.get_by_test_id("assign-link").click()
    expect(page).to_have_url(url_path(f"/care/households/{household.pk}/assign/"))
    page.select_option("#id_carer", str(carer.pk))
    page.fill("#id_phone_every_days", "1")
    page.fill("#id_visit_every_days", "3")
    page.fill("#id_plan_note", "上午九点后打电话")
    shot(page, "2-assign-form")
    with page.expect_navigation():
        page.get_by_test_id("assign-submit").click()
    assignment = CareAssignment.objects.get(household=household, ended_at__isnull=True)
    assert assignment.carer_id == carer.pk
    expect(page).to_have_url(url_path(f"/care/assignments/{assignment.pk}/"))
    expect(page.get_by_test_id("carer")).to_have_text("下沉干部王")
    shot(page, "3-assigned")

    # 2. The carer opens her households: the new one is due today, with the phone in full.
    cp = new_page(PHONE_390)
    login(cp, "care-cadre", PASSWORD)
    cp.goto("/care/")
    expect(cp).to_have_url(url_path("/care/mine/"))
    mine = cp.get_by_test_id("mine-row").filter(has_text="孙奶奶")
    expect(mine).to_contain_text("13912345678")
    expect(mine.get_by_test_id("due-today")).to_be_visible()
    shot(cp, "4-my-households")
    mine.get_by_test_id("log-link").click()
    expect(cp).to_have_url(re.compile(rf"/care/assignments/{assignment.pk}/"))

    # 3. A home visit: she is well but her blood-pressure pills run out: a medicine request.
    cp.get_by_test_id("kind-visit").click()
    cp.get_by_test_id("health-well").click()
    cp.fill("#id_outcome", "精神不错，血压正常")
    cp.fill("#id_needs", "降压药还剩两天的量")
    cp.get_by_test_id("request-part").locator("summary").click()
    cp.select_option("#id_request_category", "medicine")
    cp.select_option("#id_request_urgency", "soon")
    shot(cp, "5-contact-form")
    with cp.expect_navigation():
        cp.get_by_test_id("contact-submit").click()
    contact = CareContact.objects.get(assignment=assignment)
    assert contact.kind == "visit" and contact.request is not None
    request = ServiceRequest.objects.get(pk=contact.request.pk)
    assert request.source == Source.CARER and request.category == "medicine"
    assert request.details == "降压药还剩两天的量"
    expect(cp.get_by_test_id("contact-request")).to_contain_text(f"#{request.pk}")
    shot(cp, "6-contact-with-request")
    assignment.refresh_from_db()
    assert assignment.last_success_at is not None and assignment.visit_due_on is not None
