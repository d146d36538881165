"""Health reports on a phone: a resident reports for the whole household (the elderly parent
too) in three steps; the grid worker sees who has not reported yet, calls them, and hands the
abnormal report over to triage."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import Grant
from e2e.conftest import PHONE
from e2e.test_foundation import login, ui, url_path
from health.models import FlagStatus, HealthFlag, HealthReport
from people.models import Resident

pytestmark = pytest.mark.browser


def test_resident_reports_for_household_then_grid_worker_follows_up(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    household = Grant.objects.get(user__username="resident").household
    assert household is not None
    members = list(Resident.objects.filter(household=household, status="present").order_by("pk"))
    assert len(members) >= 2, "the demo resident's household has several members"

    # 1. The resident: open, type, send.
    page = new_page(PHONE)
    login(page, "resident")
    page.get_by_test_id("nav-health").click()
    expect(page).to_have_url(url_path("/health/report/"))
    cards = page.get_by_test_id("member")
    expect(cards).to_have_count(len(members))
    shot(page, "01-report-form")
    cards.nth(0).get_by_test_id("temperature").fill("３６,６")  # full-width, comma decimal
    cards.nth(1).get_by_test_id("temperature").fill("38.4")
    cards.nth(1).get_by_test_id("symptoms-toggle").click()
    cards.nth(1).get_by_text(ui("Cough")).click()
    # A typo first: nothing is stored and the member's card says what is wrong.
    if len(members) > 2:
        cards.nth(2).get_by_test_id("temperature").fill("3.7")
        page.get_by_test_id("submit-report").click()
        expect(page.get_by_test_id("member-error")).to_be_visible()
        shot(page, "02-typo")
        assert not HealthReport.objects.filter(household=household).exists()
        page.get_by_test_id("member").nth(2).get_by_test_id("temperature").fill("")
    page.get_by_test_id("submit-report").click()
    thanks = ui("Reported for %(n)s people. Thank you, stay well.") % {"n": 2}
    expect(page.locator(".messages")).to_contain_text(thanks)
    expect(page.get_by_test_id("member-done")).to_have_count(2)
    shot(page, "03-reported")
    assert HealthReport.objects.filter(household=household).count() == 2

    # 1b. Later the same round the head has a fever: the report is corrected, not dropped.
    first = page.get_by_test_id("member").nth(0)
    first.get_by_test_id("amend-toggle").click()
    first.get_by_test_id("temperature").fill("38.6")
    first.get_by_test_id("symptoms-toggle").click()
    first.get_by_text(ui("Fever")).first.click()
    shot(page, "03b-correcting")
    page.locator("[data-testid=submit-report], [data-testid=submit-amendment]").first.click()
    expect(page.get_by_test_id("member-done").nth(0)).to_contain_text("38.6")
    shot(page, "03c-corrected")
    head_report = HealthReport.objects.get(resident=members[0])
    assert (str(head_report.temperature), head_report.abnormal) == ("38.6", True)
    assert HealthFlag.objects.filter(resident=members[0], status=FlagStatus.OPEN).exists()
    elder = members[1]
    flag = HealthFlag.objects.get(resident=elder, status=FlagStatus.OPEN)

    # 2. The grid worker: the call list no longer shows the two who reported.
    gw = new_page(PHONE)
    login(gw, "grid_worker")
    gw.get_by_test_id("nav-health").click()
    expect(gw).to_have_url(url_path("/health/"))
    shot(gw, "04-health-home")
    gw.get_by_test_id("not-reported-link").first.click()
    expect(gw.get_by_test_id("not-reported")).to_be_visible()
    listed = gw.get_by_test_id("not-reported").inner_text()
    for m in members[:2]:
        assert m.person.name not in listed
    expect(gw.get_by_test_id("missing-household").first).to_be_visible()
    call = gw.get_by_test_id("call-member").first
    assert (call.get_attribute("href") or "").startswith("tel:")
    shot(gw, "05-not-reported")
    # The grid worker records that nobody answered, on the phone, from the list.
    first_member = gw.get_by_test_id("missing-member").first
    first_member.get_by_test_id("record-call").locator("summary").click()
    first_member.get_by_test_id("outcome-no_answer").check()
    shot(gw, "05b-record-call")
    first_member.get_by_test_id("save-call").click()
    expect(gw.get_by_test_id("call-result").first).to_be_visible()
    shot(gw, "05c-call-recorded")

    # 3. The flag: open it and hand the elder over to triage, with a note.
    gw.goto(f"/health/flags/{flag.pk}/")
    expect(gw.get_by_test_id("flag-name")).to_contain_text(elder.person.name)
    gw.fill("#id_note", "已电话通知社区卫生服务中心")
    gw.get_by_test_id("hand-over").click()
    # The person's triage case opens, and the flag page links to it.
    expect(gw).to_have_url(re.compile(r"/triage/cases/\d+/$"))
    shot(gw, "06-case-opened")
    gw.goto(f"/health/flags/{flag.pk}/")
    expect(gw.get_by_test_id("flag-status")).to_have_text(ui("Handed over to triage"))
    expect(gw.get_by_test_id("flag-case-link")).to_be_visible()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER
