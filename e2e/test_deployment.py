"""Deployment on a phone (360x740): a cadre of a unit opens ("scans") the community's check-in
link, logs in and checks in; the community admin (desktop) accepts them, puts them on a post and
on today's shift through the roster pages; the cadre opens "my duties", sees the post and checks
in to the shift, and the check-in time shows. The link, the post and the shift are made through
the services (they are not what this test is about)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from e2e.conftest import DESK, PHONE
from e2e.test_foundation import login, url_path
from mobilisation import posts, roster
from mobilisation.deployments import checkin_link_create
from mobilisation.models import Deployment, DeploymentStatus, PostKind, PostMember, ShiftAssignment
from party.models import PartyMember
from people.models import Person
from testkit import PASSWORD, build_tiny_city, synthetic_id_number

pytestmark = pytest.mark.browser


def test_cadre_scans_checks_in_is_accepted_put_on_a_post_and_checks_in_to_a_shift(
    transactional_db: None, new_page: Any, shot: Any
) -> None:
    tc = build_tiny_city()
    password = make_password(PASSWORD)
    admin = User.objects.create(username="dep-admin", display_name="社区书记", password=password)
    Grant.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, place=tc.inside.community)
    person = Person.objects.create(name="李下沉", id_number=synthetic_id_number())
    PartyMember.objects.create(person=person, org=tc.unit_member.org, unit=tc.unit, is_cadre=True)
    cadre = User.objects.create(
        username="dep-cadre",
        display_name="李下沉",
        phone="13800138000",
        password=password,
        person=person,
    )
    as_admin = actor_for_user(admin)
    link = checkin_link_create(actor=as_admin, community=tc.inside.community)
    post = posts.post_save(
        actor=as_admin,
        post=None,
        community=tc.inside.community,
        name="北门先锋岗",
        kind=PostKind.VANGUARD,
        location="北门",
        needed_per_shift=1,
    )
    start = timezone.now() - dt.timedelta(minutes=10)
    shift = roster.shift_create(
        actor=as_admin, post=post, starts_at=start, ends_at=start + dt.timedelta(hours=6)
    )

    # 1. The cadre opens the link on the phone, logs in from it and checks in.
    cp = new_page(PHONE)
    checkin_path = reverse("party:checkin", args=[link.token])
    cp.goto(checkin_path)
    expect(cp.get_by_test_id("checkin-community")).to_have_text(tc.inside.community.name)
    shot(cp, "1-link-opened")
    with cp.expect_navigation():
        cp.get_by_test_id("checkin-login").click()
    cp.fill("#id_username", "dep-cadre")
    cp.fill("#id_password", PASSWORD)
    with cp.expect_navigation():
        cp.get_by_test_id("login-submit").click()
    expect(cp).to_have_url(url_path(checkin_path))
    shot(cp, "2-check-in-form")
    with cp.expect_navigation():
        cp.get_by_test_id("checkin-submit").click()
    expect(cp.get_by_test_id("checkin-status")).to_have_attribute("data-status", "pending")
    deployment = Deployment.objects.get(user=cadre)
    assert deployment.status == DeploymentStatus.PENDING and deployment.unit_id == tc.unit.pk
    shot(cp, "3-checked-in-pending")

    # 2. The community admin (desktop) accepts the check-in.
    ap = new_page(DESK)
    login(ap, "dep-admin", PASSWORD)
    ap.goto(reverse("party:deployments"))
    row = ap.get_by_test_id("deployment-row").filter(has_text="李下沉")
    expect(row).to_be_visible()
    shot(ap, "4-admin-list")
    ap.goto(reverse("party:deployment", args=[deployment.pk]))
    with ap.expect_navigation():
        ap.get_by_test_id("accept").click()
    expect(ap.get_by_test_id("deployment-status")).to_have_attribute("data-status", "active")
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.ACTIVE
    shot(ap, "5-admin-accepted")

    # 3. … puts the cadre on the post and on today's shift (the roster pages).
    ap.goto(reverse("duty:post", args=[post.pk]))
    add = ap.locator("form:has(input[name='action'][value='add'])")
    add.locator("select[name='user']").select_option(str(cadre.pk))
    with ap.expect_navigation():
        add.locator("button").click()
    assert PostMember.objects.filter(post=post, user=cadre, removed_at__isnull=True).exists()
    shot(ap, "6-admin-post-member")
    ap.goto(reverse("duty:shift", args=[shift.pk]))
    assign = ap.locator("form:has(input[name='action'][value='assign'])")
    assign.locator("select[name='user']").select_option(str(cadre.pk))
    with ap.expect_navigation():
        assign.locator("button").click()
    assignment = ShiftAssignment.objects.get(shift=shift, user=cadre, removed_at__isnull=True)
    expect(ap.locator("body")).to_contain_text("李下沉")
    shot(ap, "7-admin-shift-assigned")

    # 4. The cadre opens "my duties": the post, the shift, and checks in.
    cp.goto(reverse("duty:mine"))
    expect(cp.get_by_test_id("my-post").filter(has_text="北门先锋岗")).to_be_visible()
    shot(cp, "8-my-duties")
    with cp.expect_navigation():
        cp.get_by_test_id("check-in").first.click()
    checked = cp.get_by_test_id("checked-in-at").first
    expect(checked).to_be_visible()
    expect(checked).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
    assignment.refresh_from_db()
    assert assignment.checked_in_at is not None
    local = timezone.localtime(assignment.checked_in_at)
    expect(checked).to_contain_text(f"{local:%H:%M}")
    shot(cp, "9-checked-in")
