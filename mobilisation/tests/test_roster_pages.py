"""The roster pages: the admin's roster shows gaps and health flags (in a bounded number of
queries), unwell workers cannot be chosen, a form sent twice counts once, an overlap is named
next to the field; the worker checks in and out on their phone; other roles are refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mobilisation import roster
from mobilisation.models import Post, Shift, ShiftAssignment
from mobilisation.roster_selectors import duty_counts
from mobilisation.tests.roster_helpers import actor, admin, health, new_post
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _token(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


def _sample_shift(tc: TinyCity) -> Shift:
    return Shift.objects.get(community=tc.inside.community)


def test_roster_shows_gaps_and_flags_unwell_people(tiny_city: TinyCity) -> None:
    tc = tiny_city
    health(tc.users["cadre"], tc.inside.community, timezone.localdate(), fit=False)
    health(tc.users["grid_worker"], tc.inside.community, timezone.localdate(), fit=False)
    r = _client(tc, "community_admin").get("/duty/roster/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "东门卡口" in html and 'data-testid="gap"' in html
    assert 'data-testid="flag-unwell"' in html and 'data-testid="remove-from-shift"' in html
    # The unwell grid worker is in the assign select, disabled with the reason.
    option = re.search(rf'<option value="{tc.users["grid_worker"].pk}"[^>]*>', html)
    assert option and "disabled" in option.group(0)
    assert "【OST】" not in html and "【ODI】" not in html
    week = _client(tc, "community_admin").get("/duty/roster/?view=week&day=2026-01-01")
    assert week.status_code == 200


def test_roster_query_count_is_bounded(
    tiny_city: TinyCity, django_assert_max_num_queries: object
) -> None:
    tc = tiny_city
    now = timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    for i in range(4):
        post = new_post(tc, f"岗{i}")
        roster.shifts_plan(
            actor=admin(tc),
            post=post,
            first_day=start.date(),
            days=2,
            pattern=roster.DEFAULT_PATTERN,
        )
    for s in Shift.objects.filter(ends_at__gt=now, community=tc.inside.community)[:6]:
        for role in ("volunteer", "property_staff"):
            with contextlib.suppress(ValidationError):  # an overlap: left out
                roster.shift_assign(actor=admin(tc), shift=s, user_id=tc.users[role].pk)
    c = _client(tc, "community_admin")
    c.get("/duty/roster/")  # warm the session and actor caches
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert c.get("/duty/roster/?view=week").status_code == 200


@pytest.mark.parametrize("role", ["cadre", "volunteer", "resident", "unit_admin", "street_admin"])
def test_roster_refuses_other_roles(tiny_city: TinyCity, role: str) -> None:
    c = _client(tiny_city, role)
    assert c.get("/duty/roster/").status_code == 403
    assert c.get("/duty/roster/now/").status_code == 403


def test_assign_on_the_shift_page_once_and_overlap_named(tiny_city: TinyCity) -> None:
    tc = tiny_city
    shift = _sample_shift(tc)
    c = _client(tc, "community_admin")
    url = f"/duty/shifts/{shift.pk}/"
    page = c.get(url).content.decode()
    form = {
        "once": _token(page, "assign-form"),
        "action": "assign",
        "user": str(tc.users["volunteer"].pk),
    }
    assert c.post(url, form).status_code == 302
    assert c.post(url, form).status_code == 302
    assert ShiftAssignment.objects.filter(shift=shift, removed_at__isnull=True).count() == 2
    # The same volunteer on another post's overlapping shift: refused, the clash named.
    other = roster.shift_create(
        actor=admin(tc),
        post=new_post(tc, "物资配送"),
        starts_at=shift.starts_at + dt.timedelta(hours=1),
        ends_at=shift.ends_at + dt.timedelta(hours=1),
    )
    page = c.get(f"/duty/shifts/{other.pk}/").content.decode()
    r = c.post(
        f"/duty/shifts/{other.pk}/",
        {
            "once": _token(page, "assign-form"),
            "action": "assign",
            "user": str(tc.users["volunteer"].pk),
        },
    )
    assert r.status_code == 400
    error = re.search(r'data-testid="error-user">([^<]+)<', r.content.decode())
    assert error and "东门卡口" in error.group(1)
    assert not ShiftAssignment.objects.filter(shift=other).exists()


def test_shift_page_scoping(tiny_city: TinyCity) -> None:
    tc = tiny_city
    shift = _sample_shift(tc)
    ost = Shift.objects.get(community=tc.other_street.community)
    assert _client(tc, "cadre").get(f"/duty/shifts/{shift.pk}/").status_code == 200
    assert _client(tc, "volunteer").get(f"/duty/shifts/{shift.pk}/").status_code == 404
    assert _client(tc, "community_admin").get(f"/duty/shifts/{ost.pk}/").status_code == 404
    r = _client(tc, "cadre").post(
        f"/duty/shifts/{shift.pk}/",
        {"once": "z", "action": "assign", "user": str(tc.users["cadre"].pk)},
    )
    assert r.status_code == 403


def test_plan_page_makes_shifts(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = Post.objects.get(community=tc.inside.community)
    c = _client(tc, "community_admin")
    url = f"/duty/posts/{post.pk}/plan/"
    page = c.get(url).content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = {
        "once": _token(page, "plan-form"),
        "action": "plan",
        "first_day": tomorrow.isoformat(),
        "days": "2",
        "pattern": "8-14，14:00-20:00、20:00～08:00",
    }
    before = Shift.objects.filter(post=post).count()
    assert c.post(url, form).status_code == 302
    assert c.post(url, form).status_code == 302
    assert Shift.objects.filter(post=post).count() == before + 6
    bad = c.post(url, form | {"once": "q", "pattern": "morning"})
    assert bad.status_code == 400 and 'data-testid="error-pattern"' in bad.content.decode()
    assert _client(tc, "cadre").get(url).status_code == 403


def test_worker_checks_in_and_out_on_the_phone(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = ShiftAssignment.objects.get(community=tc.inside.community, user=tc.users["cadre"])
    c = _client(tc, "cadre")
    page = c.get("/duty/mine/").content.decode()
    assert 'data-testid="my-post"' in page and "东门卡口" in page
    token = _token(page, "my-shift")
    assert 'data-testid="check-in"' in page
    r1 = c.post(f"/duty/shift-assignments/{a.pk}/check-in/", {"once": token})
    r2 = c.post(f"/duty/shift-assignments/{a.pk}/check-in/", {"once": token})
    assert r1.status_code == r2.status_code == 302
    a.refresh_from_db()
    assert a.checked_in_at is not None
    page = c.get("/duty/mine/").content.decode()
    shown = re.search(r'data-testid="checked-in-at">([^<]+)<', page)
    assert shown and shown.group(1) == timezone.localtime(a.checked_in_at).strftime("%H:%M")
    assert 'data-testid="check-out"' in page
    # Nobody else checks in for the cadre: hidden from a worker off the post, refused to the admin.
    assert (
        _client(tc, "volunteer").post(f"/duty/shift-assignments/{a.pk}/check-out/").status_code
        == 404
    )
    admin_post = _client(tc, "community_admin").post(f"/duty/shift-assignments/{a.pk}/check-out/")
    assert admin_post.status_code == 403
    r = c.post(f"/duty/shift-assignments/{a.pk}/check-out/", {"once": _token(page, "my-shift")})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.checked_out_at is not None and a.hours is not None
    assert _client(tc, "resident").get("/duty/mine/").status_code == 403


def test_check_in_outside_the_window_shows_the_error(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = Post.objects.get(community=tc.inside.community)
    later = timezone.now() + dt.timedelta(days=1)
    shift = roster.shift_create(
        actor=admin(tc), post=post, starts_at=later, ends_at=later + dt.timedelta(hours=4)
    )
    a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["cadre"].pk)
    c = _client(tc, "cadre")
    r = c.post(f"/duty/shift-assignments/{a.pk}/check-in/", {"once": "w"}, follow=True)
    html = r.content.decode()
    assert "Check-in is open from" in html or "签到时间" in html or "报到" in html
    a.refresh_from_db()
    assert a.checked_in_at is None


def test_on_duty_now_and_home_counts(tiny_city: TinyCity) -> None:
    tc = tiny_city
    html = _client(tc, "community_admin").get("/duty/roster/now/").content.decode()
    assert "东门卡口" in html and 'data-testid="not-checked-in"' in html
    health(tc.users["cadre"], tc.inside.community, timezone.localdate(), fit=False)
    counts = duty_counts(admin(tc))
    assert counts.gaps_today >= 1 and counts.unwell_on_duty == 1
    mine = duty_counts(actor(tc, "cadre"))
    assert mine.my_next is not None and mine.my_next.shift.post.name == "东门卡口"


def test_a_worker_put_on_a_shift_sees_its_post_on_their_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = new_post(tc, "物资配送")
    later = timezone.now() + dt.timedelta(hours=2)
    shift = roster.shift_create(
        actor=admin(tc), post=post, starts_at=later, ends_at=later + dt.timedelta(hours=4)
    )
    roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    html = _client(tc, "volunteer").get("/duty/mine/").content.decode()
    found = re.search(r'data-testid="my-post">([^<]+)<', html)
    assert found and found.group(1) == "物资配送"
    assert 'data-testid="check-in-opens"' in html and "东门卡口" not in html
