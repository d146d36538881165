"""Themed party day study on a phone (390x844): a party member of a grid branch opens the study
list, the February programme (from the seed), its first material, marks it studied, writes a
reflection and sees the progress on the programme page. The programme is published through the
seed loader (not what this test is about)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.test_foundation import login
from outreach.models import StudyRecord
from outreach.tests.test_study_helpers import build_study_world
from testkit import PASSWORD, build_tiny_city

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}


def test_member_reads_a_material_marks_it_studied_and_writes_a_reflection(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    world = build_study_world(build_tiny_city())
    p = world.programme
    page = new_page(PHONE_390)
    login(page, "study-a1", PASSWORD)
    page.goto("/study/")
    card = page.get_by_test_id("programme-card").filter(has_text=p.title)
    expect(card).to_be_visible()
    expect(card.get_by_test_id("programme-progress")).to_contain_text("0")
    shot(page, "1-list")
    card.click()
    expect(page.get_by_test_id("programme-title")).to_have_text(p.title)
    expect(page.get_by_test_id("material-card")).to_have_count(8)
    shot(page, "2-programme")
    page.get_by_test_id("material-card").first.click()
    expect(page.get_by_test_id("material-title")).to_contain_text("习近平作出重要指示")
    expect(page.get_by_test_id("material-source")).to_contain_text("人民日报")
    shot(page, "3-material")
    page.get_by_test_id("mark-studied").click()
    expect(page.get_by_test_id("studied")).to_be_visible()
    page.fill("#id_reflection", "要坚定信心、同舟共济，带头做好楼栋值守。")
    page.get_by_test_id("save-reflection").click()
    expect(page.get_by_test_id("my-reflection")).to_contain_text("带头做好楼栋值守")
    expect(page.get_by_test_id("my-progress")).to_contain_text("1")
    shot(page, "4-studied")
    page.get_by_test_id("back-programme").click()
    expect(page.locator('[data-testid="material-card"][data-studied="1"]')).to_have_count(1)
    expect(page.get_by_test_id("my-progress")).to_contain_text(re.compile(r"1\D+8"))
    shot(page, "5-progress")
    record = StudyRecord.objects.get(member=world.members["a1"])
    assert record.reflection.startswith("要坚定信心")
    # The viewport is a phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_390["width"]


def test_community_admin_reads_completion_drills_down_and_reminds(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    from outreach.models import StudyReminder
    from outreach.tests.test_study_helpers import study_all

    tc = build_tiny_city()
    world = build_study_world(tc)
    study_all(world, "a1")
    study_all(world, "a2", 3)
    page = new_page(PHONE_390)
    login(page, tc.users["community_admin"].username, PASSWORD)
    page.goto(f"/study/{world.programme.pk}/completion/")
    total = page.get_by_test_id("completion-total")
    expect(total).to_have_attribute("data-members", "8")
    expect(total).to_have_attribute("data-started", "2")
    shot(page, "1-completion")
    page.get_by_test_id("completion-row").filter(has_text=world.committee.name).get_by_role(
        "link"
    ).first.click()
    page.get_by_test_id("completion-row").filter(has_text=world.branch.name).get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_test_id("completion-org")).to_have_text(world.branch.name)
    expect(page.get_by_test_id("not-started")).to_contain_text("党员甲三")
    page.get_by_test_id("remind-here").click()
    expect(page.locator(".messages")).to_be_visible()
    shot(page, "2-reminded")
    assert StudyReminder.objects.get(programme=world.programme).recipients == 3
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_390["width"]
