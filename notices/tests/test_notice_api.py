"""The notice API: anonymous 401; `{}` is 422 and changes nothing; publish, list, open (marks
read), relay, reach; 404 elsewhere."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from notices.models import Notice, NoticeRead, NoticeRelay, NoticeTarget
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _post(c: Client, url: str, body: object) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = c.post(url, json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


def test_notice_api_flow(tiny_city: TinyCity) -> None:
    tc = tiny_city
    assert Client().get("/api/notices").status_code == 401
    office = _client(tc, "district_admin")
    counts = (Notice.objects.count(), NoticeTarget.objects.count())
    status, body = _post(office, "/api/notices", {})
    assert status == 422 and [e["field"] for e in body["errors"]] == ["issuer_id"]
    status, body = _post(
        office, "/api/notices", {"issuer_id": tc.inside.district.pk, "kind": "order"}
    )
    assert status == 422 and "title" in [e["field"] for e in body["errors"]]
    status, body = _post(
        office,
        "/api/notices",
        {"issuer_id": tc.other_district.district.pk, "kind": "order", "title": "x", "body": "y"},
    )
    assert status == 403
    assert (Notice.objects.count(), NoticeTarget.objects.count()) == counts
    status, body = _post(
        office,
        "/api/notices",
        {
            "issuer_id": tc.inside.district.pk,
            "kind": "deed",
            "title": "先进典型：张医生",
            "body": "坚守一线三十天。",
            "target_ids": [tc.inside.street.pk, tc.other_street.street.pk],
        },
    )
    assert status == 201, body
    nid = body["id"]
    assert sorted(body["target_ids"]) == sorted([tc.inside.street.pk, tc.other_street.street.pk])

    resident = _client(tc, "resident")
    listed = resident.get("/api/notices?unread=true&q=张医生").json()
    assert [i["id"] for i in listed["items"]] == [nid] and listed["unread"] >= 1
    one = resident.get(f"/api/notices/{nid}").json()
    assert one["is_read"] is True
    assert NoticeRead.objects.filter(notice_id=nid).count() == 1
    assert _client(tc, "【ODI】_admin").get(f"/api/notices/{nid}").status_code == 404

    admin = _client(tc, "community_admin")
    status, body = _post(admin, f"/api/notices/{nid}/relay", {})
    assert status == 422 and [e["field"] for e in body["errors"]] == ["community_id"]
    status, body = _post(
        admin, f"/api/notices/{nid}/relay", {"community_id": tc.inside.community.pk}
    )
    assert status == 422 and [e["field"] for e in body["errors"]] == ["channels"]
    assert not NoticeRelay.objects.filter(notice_id=nid).exists()
    status, body = _post(
        admin,
        f"/api/notices/{nid}/relay",
        {
            "community_id": tc.inside.community.pk,
            "channels": ["door_to_door"],
            "explanation": "网格员逐户告知。",
        },
    )
    assert status == 200 and body["channels"] == ["door_to_door"]
    status, _body = _post(
        resident, f"/api/notices/{nid}/relay", {"community_id": tc.inside.community.pk}
    )
    assert status == 403
    assert resident.get(f"/api/notices/{nid}").json()["explanation"] == "网格员逐户告知。"

    reach = office.get(f"/api/notices/{nid}/reach").json()
    assert reach["reads"] == 1 and reach["relayed"] == 1 and reach["communities"] == 2
    assert resident.get(f"/api/notices/{nid}/reach").status_code == 403
