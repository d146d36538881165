"""Recognition on a phone (360x740): the district's organisation department finds a party
member, opens their frontline record (the figures the system knows: days deployed, hours, care
contacts, requests done, shifts), nominates them for 全市优秀共产党员, records the commendation
decision (text like 附件八) settling that nomination, and publishes it as an exemplary-deeds
notice. The front-line work behind the figures is made directly in the tables (it is not what
this test is about)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import DESK, PHONE
from e2e.test_foundation import login
from notices.models import NoticeKind
from outreach.models import Commendation, Nomination, NominationStatus
from outreach.tests.test_frontline import make_frontline_person
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser

DECISION = (
    "中共测试市委关于授予同志“全市优秀共产党员”称号的决定\n\n"
    "为表彰其先进事迹，激励全市广大共产党员不忘初心、牢记使命，在疫情防控阻击战中充分发挥"
    "先锋模范作用，经市委研究，决定授予“全市优秀共产党员”称号。"
)


def test_department_nominates_commends_and_publishes(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()
    person, _users = make_frontline_person(tc)

    p = new_page(PHONE)
    login(p, "district_admin", PASSWORD)
    # 1. Find the member by name on the recognition page.
    p.goto(reverse("party:recognition"))
    p.get_by_test_id("people-search").fill(person.name)
    with p.expect_navigation():
        p.get_by_test_id("people-search").press("Enter")
    shot(p, "1-search")
    with p.expect_navigation():
        p.get_by_test_id("person-link").filter(has_text=person.name).first.click()
    # 2. The frontline record: figures counted from the tables.
    expect(p.get_by_test_id("frontline-name")).to_have_text(person.name)
    expect(p.get_by_test_id("fig-deployment_days")).to_have_text("9")
    expect(p.get_by_test_id("fig-hours")).to_have_text("4.5")
    expect(p.get_by_test_id("fig-care_contacts")).to_have_text("2")
    expect(p.get_by_test_id("fig-requests_done")).to_have_text("1")
    expect(p.get_by_test_id("fig-shifts_worked")).to_have_text("2")
    shot(p, "2-frontline-record")
    # 3. Nominate.
    p.get_by_test_id("nominate-box").locator("summary").click()
    form = p.get_by_test_id("nominate-form")
    form.locator("#id_title").fill("全市优秀共产党员")
    form.locator("#id_deeds").fill("连续值守东门卡口九天，为独居老人送药上门。")
    shot(p, "3-nominate-form")
    with p.expect_navigation():
        p.get_by_test_id("nominate-submit").click()
    expect(p.get_by_test_id("nomination-status")).to_have_attribute("data-status", "proposed")
    shot(p, "4-nomination")
    nomination = Nomination.objects.get(person=person, title="全市优秀共产党员")
    # 4. Record the commendation decision that settles it.
    with p.expect_navigation():
        p.get_by_test_id("commend-new").click()
    f = p.get_by_test_id("commendation-form")
    expect(f.locator("#id_title")).to_have_value("全市优秀共产党员")
    f.locator("#id_authority").fill("中共测试市委")
    f.locator("#id_decided_on").fill(timezone.localdate().isoformat())
    f.locator("#id_decision_text").fill(DECISION)
    expect(f.locator(f'input[name="nominations"][value="{nomination.pk}"]')).to_be_checked()
    shot(p, "5-commendation-form")
    with p.expect_navigation():
        p.get_by_test_id("commendation-submit").click()
    expect(p.get_by_test_id("commendation-title")).to_have_text("全市优秀共产党员")
    expect(p.get_by_test_id("nominees")).to_contain_text(person.name)
    shot(p, "6-commendation")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.COMMENDED
    # 5. Publish the exemplary deeds as a notice.
    with p.expect_navigation():
        p.get_by_test_id("publish").click()
    expect(p.get_by_test_id("published")).to_be_visible()
    shot(p, "7-published")
    assert nomination.commendation_id is not None
    c = Commendation.objects.get(pk=nomination.commendation_id)
    assert c.notice is not None and c.notice.kind == NoticeKind.DEED
    # 6. The frontline record shows the honour.
    p.goto(reverse("party:frontline", args=[person.pk]))
    # (The tiny city's member already holds a district honour; the new one is listed beside it.)
    expect(p.get_by_test_id("commended").filter(has_text="全市优秀共产党员")).to_have_count(1)
    shot(p, "8-frontline-commended")
    # 7. The same record on a desktop screen.
    d = new_page(DESK)
    login(d, "district_admin", PASSWORD)
    d.goto(reverse("party:frontline", args=[person.pk]))
    expect(d.get_by_test_id("commended").filter(has_text="全市优秀共产党员")).to_be_visible()
    shot(d, "9-desktop-frontline")
