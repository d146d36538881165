"""Supervision on a phone (360x740): the district admin records an inspection of a community
with the default checklist (one problem found), sets a rectification with a deadline; the
community admin sees it, reports it done; the district admin verifies and closes it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.test_foundation import login
from notices.models import Inspection, Rectification
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser


def test_inspection_rectification_reported_done_and_closed(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()
    today = timezone.localdate().isoformat()

    dp = new_page(PHONE)
    login(dp, tc.users["district_admin"].username, PASSWORD)
    dp.goto("/supervision/new/")
    dp.select_option("#id_place", str(tc.inside.community.pk))
    expect(dp.locator('input[name="item_0"]')).to_have_value(re.compile("门岗值守"))
    dp.select_option('select[name="result_0"]', "ok")
    dp.select_option('select[name="result_1"]', "problem")
    dp.fill('input[name="note_1"]', "体温登记缺三户")
    dp.select_option('select[name="result_2"]', "ok")
    dp.fill("#id_summary", "整体较好，登记需补全")
    shot(dp, "1-inspection-form")
    with dp.expect_navigation():
        dp.get_by_test_id("inspection-submit").click()
    expect(dp.get_by_test_id("item")).to_have_count(3)
    inspection = Inspection.objects.get(summary="整体较好，登记需补全")
    dp.fill("#id_finding", "补全体温登记")
    dp.fill("#id_owner_name", "王书记")
    dp.fill("#id_deadline", today)
    with dp.expect_navigation():
        dp.get_by_test_id("rectification-submit").click()
    expect(dp.get_by_test_id("rectification-row")).to_have_count(1)
    shot(dp, "2-inspection-with-rectification")
    rect = Rectification.objects.get(inspection=inspection)

    cp = new_page(PHONE)
    login(cp, tc.users["community_admin"].username, PASSWORD)
    cp.goto("/supervision/rectifications/")
    row = cp.get_by_test_id("rectification-row").filter(has_text="补全体温登记")
    expect(row).to_have_count(1)
    shot(cp, "3-community-rectifications")
    with cp.expect_navigation():
        row.get_by_role("link").click()
    cp.fill("#note-r", "已逐户补登")
    with cp.expect_navigation():
        cp.get_by_test_id("report-done").click()
    expect(cp.get_by_test_id("rectification-status")).to_have_attribute("data-status", "reported")
    shot(cp, "4-reported-done")

    dp.goto(f"/supervision/rectifications/{rect.pk}/")
    expect(dp.get_by_test_id("update")).to_contain_text("已逐户补登")
    with dp.expect_navigation():
        dp.get_by_test_id("close").click()
    expect(dp.get_by_test_id("rectification-status")).to_have_attribute("data-status", "closed")
    shot(dp, "5-closed")
