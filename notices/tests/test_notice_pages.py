"""The notice pages: an office publishes a whole-area notice with a form (sent twice: one notice),
a resident finds it in the list (search, kind, unread) and opens it with the community's
explanation, the community's admin records the relay, the reach page counts per community, the
issuer withdraws it; people elsewhere get 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from notices.models import Notice, NoticeRead, NoticeRelay
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str, lang: str = "en") -> Client:
    c = Client()
    c.force_login(tc.users[role])
    c.cookies["django_language"] = lang
    return c


def _token(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


def test_publish_read_relay_reach_withdraw(tiny_city: TinyCity) -> None:
    tc = tiny_city
    office = _client(tc, "street_admin")
    page = office.get("/notices/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "【OST】" not in html and "【ODI】" not in html
    token = _token(html, "notice-form")
    data = {
        "once": token,
        "issuer": tc.inside.street.pk,
        "kind": "order",
        "title": "关于实行封闭管理的通令",
        "body": "各小区只留一个出入口。",
        "whole_area": "on",
    }
    before = Notice.objects.count()
    first = office.post("/notices/new/", data)
    assert first.status_code == 302
    again = office.post("/notices/new/", data)
    assert again.status_code == 302
    assert Notice.objects.count() == before + 1
    notice = Notice.objects.latest("pk")
    assert list(notice.targets.values_list("place_id", flat=True)) == [tc.inside.street.pk]
    # Bad input: named field, nothing saved.
    bad = office.post(
        "/notices/new/",
        {
            **data,
            "once": _token(office.get("/notices/new/").content.decode(), "notice-form"),
            "title": "",
            "whole_area": "",
        },
    )
    assert bad.status_code == 400 and b'data-testid="error-title"' in bad.content
    assert Notice.objects.count() == before + 1

    # The community's admin records the relay.
    admin = _client(tc, "community_admin")
    relay_page = admin.get(f"/notices/{notice.pk}/relay/").content.decode()
    relay = {
        "once": _token(relay_page, "relay-form"),
        "community": tc.inside.community.pk,
        "channels": ["broadcast", "poster"],
        "explanation": "东门保留，其余门今晚关闭。",
    }
    empty = admin.post(f"/notices/{notice.pk}/relay/", {**relay, "channels": []})
    assert empty.status_code == 400 and b'data-testid="error-channels"' in empty.content
    assert admin.post(f"/notices/{notice.pk}/relay/", relay).status_code == 302
    assert NoticeRelay.objects.filter(notice=notice).count() == 1
    assert _client(tc, "resident").get(f"/notices/{notice.pk}/relay/").status_code == 403

    # The resident: list with search and filters, opens it, sees the explanation.
    resident = _client(tc, "resident")
    listing = resident.get("/notices/?q=封闭&kind=order&unread=1").content.decode()
    assert "关于实行封闭管理的通令" in listing and 'data-testid="unread-dot"' in listing
    assert "关于实行封闭管理的通令" not in resident.get("/notices/?kind=deed").content.decode()
    opened = resident.get(f"/notices/{notice.pk}/").content.decode()
    assert "东门保留，其余门今晚关闭。" in opened
    with translation.override("en"):
        assert "Broadcast" in opened and "Poster" in opened
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    resident.get(f"/notices/{notice.pk}/")
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    assert "关于实行封闭管理的通令" not in resident.get("/notices/?unread=1").content.decode()
    assert resident.get(f"/notices/{notice.pk}/reach/").status_code == 403

    # Reach: the street sees its community with one reader and the relay.
    reach = office.get(f"/notices/{notice.pk}/reach/").content.decode()
    assert 'data-testid="total-reads">1<' in reach and 'data-testid="total-relayed">1<' in reach
    assert "【OST】" not in reach and "【ODI】" not in reach
    assert office.get(f"/notices/{notice.pk}/reach/?relayed=no&q=甲").status_code == 200

    # Elsewhere: 404.
    for role in ("【ODI】_admin", "【OST】_admin"):
        assert _client(tc, role).get(f"/notices/{notice.pk}/").status_code == 404
        assert _client(tc, role).get(f"/notices/{notice.pk}/reach/").status_code == 404

    # Withdraw: residents no longer see it; the office keeps the record.
    detail = office.get(f"/notices/{notice.pk}/").content.decode()
    w = office.post(
        f"/notices/{notice.pk}/withdraw/",
        {"once": _token(detail, "withdraw-form"), "confirm": "on"},
    )
    assert w.status_code == 302
    assert resident.get(f"/notices/{notice.pk}/").status_code == 404
    assert "关于实行封闭管理的通令" not in resident.get("/notices/").content.decode()
    assert 'data-testid="notice-withdrawn"' in office.get(f"/notices/{notice.pk}/").content.decode()
    assert _client(tc, "community_admin").post(f"/notices/{notice.pk}/withdraw/").status_code == 403


def test_publishing_is_for_offices(tiny_city: TinyCity) -> None:
    tc = tiny_city
    for role in ("resident", "grid_worker", "unit_admin", "volunteer"):
        assert _client(tc, role).get("/notices/new/").status_code == 403
    assert _client(tc, "resident").get("/notices/").status_code == 200
    assert Client().get("/notices/").status_code == 302
