"""Public opinion on a phone (360x740): a grid worker reports a critical rumour seen in an
owners' WeChat group; the street admin opens the list (the rumour first, marked critical),
opens it, records a handling step, publishes a rebuttal to the street, and the rebuttal is
listed on the incident with a link to the notice."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.test_foundation import login
from notices.models import Notice, OpinionIncident
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser

RUMOUR = "网传明天起全区封路，超市全部关门"


def test_street_admin_handles_and_rebuts_a_rumour_a_grid_worker_reported(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()

    # 1. The grid worker reports it from the phone.
    wp = new_page(PHONE)
    login(wp, tc.users["grid_worker"].username, PASSWORD)
    wp.goto("/opinion/new/")
    wp.select_option("#id_kind", "rumour")
    wp.fill("#id_summary", RUMOUR)
    wp.fill("#id_where_seen", "新华社区业主群")
    wp.fill("#id_reach", "300")
    wp.select_option("#id_urgency", "critical")
    shot(wp, "1-report")
    with wp.expect_navigation():
        wp.get_by_test_id("incident-submit").click()
    expect(wp.get_by_test_id("incident-summary")).to_have_text(RUMOUR)
    incident = OpinionIncident.objects.get(summary=RUMOUR)
    assert incident.street_id == tc.inside.street.pk

    # 2. The street admin sees it first on the list, marked critical, and opens it.
    sp = new_page(PHONE)
    login(sp, tc.users["street_admin"].username, PASSWORD)
    sp.goto("/opinion/")
    first = sp.get_by_test_id("incident-row").first
    expect(first).to_contain_text(RUMOUR)
    expect(first).to_have_attribute("data-urgency", "critical")
    expect(first.get_by_test_id("urgency")).to_be_visible()
    shot(sp, "2-street-list")
    with sp.expect_navigation():
        first.get_by_role("link").first.click()
    expect(sp.get_by_test_id("incident-status")).to_have_attribute("data-status", "reported")

    # 3. It records a handling step.
    sp.select_option("#id_status", "handling")
    sp.fill("#id_note", "已联系群主，核实为不实信息")
    with sp.expect_navigation():
        sp.get_by_test_id("action-submit").click()
    expect(sp.get_by_test_id("incident-status")).to_have_attribute("data-status", "handling")
    expect(sp.get_by_test_id("action").first).to_contain_text("已联系群主")
    shot(sp, "3-handling")

    # 4. It publishes the rebuttal, which is then listed on the incident.
    with sp.expect_navigation():
        sp.get_by_test_id("rebut-link").click()
    sp.fill("#id_title", "辟谣：全区道路和超市正常")
    sp.fill("#id_body", "经核实，全区道路正常通行，超市正常营业，请勿轻信转发。")
    shot(sp, "4-rebuttal-form")
    with sp.expect_navigation():
        sp.get_by_test_id("rebut-submit").click()
    rebuttal = sp.get_by_test_id("rebuttal")
    expect(rebuttal).to_have_count(1)
    expect(rebuttal).to_contain_text("全区道路和超市正常")
    notice = Notice.objects.get(incident=incident)
    expect(rebuttal.get_by_role("link")).to_have_attribute("href", f"/notices/{notice.pk}/")
    shot(sp, "5-rebuttal-listed")

    # 5. The grid worker, who reported it, sees the steps and the rebuttal too.
    wp.reload()
    expect(wp.get_by_test_id("rebuttal")).to_contain_text("辟谣")
    expect(wp.get_by_test_id("action-form")).to_have_count(0)
    shot(wp, "6-reporter-sees-it")
