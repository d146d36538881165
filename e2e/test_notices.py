"""Notices on a phone (390x844): the city publishes a notice to the whole city and the community
records how it relayed it (both through the services; not what this test is about); a resident
logs in, finds the notice in the notice list, opens it and reads the community's explanation;
the street office's reach page then counts one reader in that community."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.selectors import actor_for_user
from e2e.conftest import DESK
from e2e.test_foundation import login, url_path
from notices.models import NoticeKind, NoticeRead
from notices.publishing import notice_publish
from notices.relays import notice_relay_save
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser
PHONE_390 = {"width": 390, "height": 844}


def test_resident_reads_a_notice_with_the_communitys_explanation(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()
    notice = notice_publish(
        actor=actor_for_user(tc.users["city_admin"]),
        kind=NoticeKind.ORDER,
        title="关于全市小区实行封闭式管理的通令",
        body="自即日起，全市所有小区实行封闭式管理，每户每三天可指派一人外出采购生活物资。",
        issuer=tc.city,
        targets=[tc.city],
    )
    notice_relay_save(
        actor=actor_for_user(tc.users["community_admin"]),
        notice=notice,
        community=tc.inside.community,
        channels=["loudspeaker", "online_group"],
        explanation="本社区只保留东门出入，采购出入证到居委会领取。",
    )

    page = new_page(PHONE_390)
    login(page, "resident", PASSWORD)
    page.goto("/notices/")
    expect(page).to_have_url(url_path("/notices/"))
    row = page.get_by_test_id("notice-row").filter(has_text="封闭式管理的通令")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("unread-dot")).to_be_visible()
    shot(page, "1-list")
    with page.expect_navigation():
        row.get_by_role("link").click()
    expect(page).to_have_url(url_path(f"/notices/{notice.pk}/"))
    expect(page.get_by_test_id("notice-title")).to_have_text(notice.title)
    expect(page.get_by_test_id("notice-explanation")).to_contain_text("只保留东门出入")
    expect(page.get_by_test_id("notice-channels")).to_be_visible()
    shot(page, "2-notice")
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    page.goto("/notices/")
    expect(
        page.get_by_test_id("notice-row")
        .filter(has_text="封闭式管理的通令")
        .get_by_test_id("unread-dot")
    ).to_have_count(0)

    office = new_page(DESK)
    login(office, "street_admin", PASSWORD)
    office.goto(f"/notices/{notice.pk}/reach/")
    expect(office.get_by_test_id("total-reads")).to_have_text("1")
    expect(office.get_by_test_id("total-relayed")).to_have_text("1")
    inside = office.get_by_test_id("reach-row").filter(has_text=tc.inside.community.name)
    expect(inside.get_by_test_id("reach-count")).to_contain_text("1 /")
    expect(inside.get_by_test_id("relayed")).to_be_visible()
    shot(office, "3-reach")


def test_anyone_reads_the_protection_guide_on_a_phone(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    from notices.guide_seed import guide_seed

    tc = build_tiny_city()
    guide_seed(tc.city)
    page = new_page(PHONE_390)
    page.goto("/guide/")  # no login
    expect(page).to_have_url(url_path("/guide/"))
    expect(page.get_by_test_id("guide-row").first).to_be_visible()
    page.get_by_test_id("guide-search").fill("发热门诊")
    with page.expect_navigation():
        page.get_by_test_id("guide-search").press("Enter")
    rows = page.get_by_test_id("guide-row")
    expect(rows).to_have_count(1)
    shot(page, "1-search")
    with page.expect_navigation():
        rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("guide-item-body")).to_contain_text("发热门诊")
    expect(page.get_by_test_id("guide-source")).to_contain_text("中国疾病预防控制中心")
    shot(page, "2-item")
