"""Resident requests through the API: the area's list with filters, one request, filing once
per idempotency key, the office's actions and the resident's confirmation, the figures; out of
area is 404, a role without the right 403, bad input 422 naming the field, nothing changes on a
refusal."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from service_requests.models import ServiceRequest
from testkit import TinyCity


def _as(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _post(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


def _inside(tc: TinyCity) -> ServiceRequest:
    return ServiceRequest.objects.get(household=tc.inside.household)


def test_list_shows_the_area_masked_with_filters(tiny_city: TinyCity) -> None:
    c = _as(tiny_city, "community_admin")
    r = c.get("/api/requests")
    assert r.status_code == 200
    body = r.json()
    mine = set(
        ServiceRequest.objects.filter(community=tiny_city.inside.community).values_list(
            "pk", flat=True
        )
    )
    assert {row["id"] for row in body["items"]} == mine and body["count"] == len(mine)
    for row in body["items"]:
        assert "phone" not in row
        assert "*" in row["name"]
    assert c.get("/api/requests?category=food").json()["count"] == 0
    assert c.get("/api/requests?status=open&category=medicine").json()["count"] == len(mine)
    assert c.get("/api/requests?level=street").json()["count"] == 0
    assert c.get("/api/requests?limit=1").json()["items"].__len__() == 1
    bad = c.get("/api/requests?status=pending")
    assert bad.status_code == 422 and _fields(bad) == {"status"}


def test_one_request_and_out_of_area(tiny_city: TinyCity) -> None:
    c = _as(tiny_city, "community_admin")
    request = _inside(tiny_city)
    r = c.get(f"/api/requests/{request.pk}")
    assert r.status_code == 200
    # The office holding it phones the resident: the name and phone are shown.
    assert r.json()["named"] is True
    assert r.json()["phone"] == tiny_city.inside.residents[1].person.phone
    assert r.json()["timeline"][0]["kind"] == "filed"
    other = ServiceRequest.objects.get(community=tiny_city.other_district.community)
    assert c.get(f"/api/requests/{other.pk}").status_code == 404
    assert c.get("/api/requests/999999").status_code == 404
    # A unit admin sees no request at all.
    assert _as(tiny_city, "unit_admin").get("/api/requests").json()["count"] == 0
    assert Client().get("/api/requests").status_code == 401


def test_file_once_per_idempotency_key(tiny_city: TinyCity) -> None:
    c = _as(tiny_city, "grid_worker")
    elder = tiny_city.inside.residents[1]
    before = ServiceRequest.objects.count()
    body = {
        "resident_id": elder.pk,
        "category": "food",
        "details": "买菜",
        "idempotency_key": "k1",
    }
    first = _post(c, "/api/requests", body)
    assert first.status_code == 201, first.content
    again = _post(c, "/api/requests", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert ServiceRequest.objects.count() == before + 1
    assert first.json()["source"] == "grid_worker"


def test_file_refusals_name_the_field(tiny_city: TinyCity) -> None:
    c = _as(tiny_city, "grid_worker")
    before = ServiceRequest.objects.count()
    stranger = tiny_city.other_district.residents[0]
    r = _post(c, "/api/requests", {"resident_id": stranger.pk, "category": "food", "details": "x"})
    assert r.status_code == 404 and _fields(r) == {"resident_id"}
    elder = tiny_city.inside.residents[1]
    r = _post(c, "/api/requests", {"resident_id": elder.pk, "category": "x", "details": "x"})
    assert r.status_code == 422 and _fields(r) == {"category"}
    r = _post(c, "/api/requests", {"resident_id": elder.pk, "category": "food", "details": ""})
    assert r.status_code == 422 and _fields(r) == {"details"}
    assert ServiceRequest.objects.count() == before


def test_office_accepts_escalates_and_the_street_finishes(tiny_city: TinyCity) -> None:
    request = _inside(tiny_city)
    # The street does not hold it yet: 403, nothing changes.
    street = _as(tiny_city, "street_admin")
    r = _post(street, f"/api/requests/{request.pk}/accept", {"note": "收到", "from_status": "new"})
    assert r.status_code == 403
    request.refresh_from_db()
    assert request.status == "new" and request.responded_at is None
    community = _as(tiny_city, "community_admin")
    # An empty body, or one acting on a status the request no longer has, changes nothing.
    r = _post(community, f"/api/requests/{request.pk}/accept", {})
    assert r.status_code == 422 and _fields(r) == {"from_status"}
    r = _post(community, f"/api/requests/{request.pk}/accept", {"from_status": "done"})
    assert r.status_code == 409
    request.refresh_from_db()
    assert request.status == "new" and request.responded_at is None
    r = _post(
        community, f"/api/requests/{request.pk}/accept", {"note": "收到", "from_status": "new"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted" and r.json()["responded_at"]
    r = _post(community, f"/api/requests/{request.pk}/notes", {"text": "药店缺货"})
    assert r.status_code == 200 and r.json()["timeline"][-1]["text"] == "药店缺货"
    r = _post(community, f"/api/requests/{request.pk}/escalate", {"reason": ""})
    assert r.status_code == 422 and _fields(r) == {"reason"}
    r = _post(community, f"/api/requests/{request.pk}/escalate", {"reason": "本社区无药"})
    assert r.status_code == 200, r.content
    assert r.json()["level"] == "street"
    r = _post(
        street, f"/api/requests/{request.pk}/done", {"note": "已送到", "from_status": "accepted"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done"
    resident = _as(tiny_city, "resident")
    r = _post(resident, f"/api/requests/{request.pk}/confirm", {"rating": 5, "from_status": "done"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed" and r.json()["confirmed"] is True
    assert r.json()["rating"] == 5


def test_stats(tiny_city: TinyCity) -> None:
    r = _as(tiny_city, "community_admin").get("/api/requests/stats")
    assert r.status_code == 200
    body = r.json()
    mine = ServiceRequest.objects.filter(community=tiny_city.inside.community).count()
    assert body["levels"]["community"]["open"] == mine
    assert body["categories"]["medicine"]["count"] == mine
    assert set(body["levels"]) == {"community", "street", "district"}
    assert (
        _as(tiny_city, "unit_admin")
        .get("/api/requests/stats")
        .json()["levels"]["community"]["open"]
        == 0
    )
