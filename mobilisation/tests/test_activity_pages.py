"""The activity and hours pages: workers and offices see activities with totals, a form sent twice
records one activity, the admin adjusts hours, and the hours table shows each reader theirs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from mobilisation.models import Activity, ActivityParticipant
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


def test_list_and_detail_render_for_the_right_roles(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = Activity.objects.get(community=tc.inside.community)
    html = _client(tc, "community_admin").get("/duty/activities/").content.decode()
    assert "楼道消杀" in html and "【OST】" not in html
    assert 'data-testid="total-hours">2<' in html
    r = _client(tc, "community_admin").get(
        "/duty/activities/?kind=sanitation&since=2020-01-01&q=消杀"
    )
    assert r.status_code == 200 and 'data-testid="activity-row"' in r.content.decode()
    assert (
        'data-testid="activity-row"'
        not in _client(tc, "community_admin")
        .get("/duty/activities/?kind=publicity")
        .content.decode()
    )
    for role in ("resident", "unit_admin"):
        assert _client(tc, role).get("/duty/activities/").status_code == 403
        assert _client(tc, role).get("/duty/activities/new/").status_code == 403
    assert _client(tc, "cadre").get(f"/duty/activities/{a.pk}/").status_code == 200
    assert _client(tc, "volunteer").get(f"/duty/activities/{a.pk}/").status_code == 404
    assert _client(tc, "【OST】_admin").get(f"/duty/activities/{a.pk}/").status_code == 404
    assert _client(tc, "resident").get("/duty/hours/").status_code == 403


def test_recording_twice_counts_once_and_the_admin_adjusts_hours(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "grid_worker")
    page = c.get("/duty/activities/new/").content.decode()
    assert "volunteer" in page and "resident" not in page.split('data-testid="activity-form"')[1]
    form = {
        "once": _token(page, "activity-form"),
        "community": str(tc.inside.community.pk),
        "kind": "help",
        "title": "帮独居老人买菜",
        "where": "1栋",
        "started_at": "2020-03-01T09:00",
        "ended_at": "2020-03-01T10:30",
        "participants": [str(tc.users["grid_worker"].pk), str(tc.users["volunteer"].pk)],
        "outcome": "",
    }
    bad = c.post("/duty/activities/new/", {**form, "ended_at": "2020-03-01T08:00"})
    assert bad.status_code == 400 and 'data-testid="error-ended_at"' in bad.content.decode()
    before = Activity.objects.count()
    first = c.post("/duty/activities/new/", form)
    again = c.post("/duty/activities/new/", form)
    assert first.status_code == again.status_code == 302
    assert Activity.objects.count() == before + 1
    a = Activity.objects.get(title="帮独居老人买菜")
    assert set(a.participants.values_list("hours", flat=True)) == {Decimal("1.50")}
    url = f"/duty/activities/{a.pk}/"
    assert 'data-testid="hours-form-' not in c.get(url).content.decode()
    assert (
        c.post(url, {"once": "x", "user": tc.users["volunteer"].pk, "hours": "3"}).status_code
        == 403
    )
    admin = _client(tc, "community_admin")
    html = admin.get(url).content.decode()
    vol = tc.users["volunteer"].pk
    token = _token(html, f"hours-form-{vol}")
    assert admin.post(url, {"once": token, "user": vol, "hours": "30"}).status_code == 400
    assert admin.post(url, {"once": token, "user": vol, "hours": "3"}).status_code == 302
    assert ActivityParticipant.objects.get(activity=a, user_id=vol).hours == Decimal("3")


def test_hours_table_per_tab_and_the_unit_admin_sees_their_members(tiny_city: TinyCity) -> None:
    tc = tiny_city
    admin = _client(tc, "community_admin")
    for by in ("person", "unit", "community"):
        r = admin.get(f"/duty/hours/?by={by}&since=2020-01-01")
        assert r.status_code == 200 and 'data-testid="hours-row"' in r.content.decode()
    assert "甲社区" in admin.get("/duty/hours/?by=community").content.decode()
    unit = _client(tc, "unit_admin").get("/duty/hours/").content.decode()
    assert unit.count('data-testid="hours-row"') == 1 and 'data-testid="hours-total">2<' in unit
    assert "【OST】" not in unit
    own = _client(tc, "volunteer").get("/duty/hours/").content.decode()
    assert 'data-testid="no-hours"' in own
