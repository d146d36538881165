"""Duty through the API: a worker's own posts, zones and shifts, check-in and check-out naming
the shift (`{}` changes nothing), the roster of a community's day with its gaps and who is on
duty now for offices, patrol findings and workers' needs once per idempotency key, and hours.
Another area's objects are 404, a role without the right 403, bad input 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mobilisation import roster
from mobilisation.models import Patrol, PatrolFinding, ShiftAssignment, WorkerNeed
from mobilisation.tests.roster_helpers import admin, health, new_post, new_shift
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _as(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _post(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


def _cadres(tc: TinyCity) -> ShiftAssignment:
    return ShiftAssignment.objects.get(user=tc.users["cadre"], community=tc.inside.community)


def test_mine_shows_my_post_zone_and_shift_today(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _as(tc, "cadre").get("/api/duty/mine")
    assert r.status_code == 200
    assert "【" not in r.content.decode()
    data = r.json()
    assert [(p["name"], p["leads"]) for p in data["posts"]] == [("东门卡口", True)]
    assert [z["name"] for z in data["zones"]] == ["一片区"]
    assert data["zones"][0]["places"] == [tc.inside.building.name]
    (shift,) = data["shifts"]
    assert shift["shift_assignment_id"] == _cadres(tc).pk
    assert shift["can_check_in"] and shift["checked_in_at"] is None
    # Someone on no post has an empty page, not an error.
    empty = _as(tc, "property_staff").get("/api/duty/mine").json()
    assert empty == {"posts": [], "zones": [], "shifts": []}


def test_check_in_and_out_take_the_assignments_shift(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = _cadres(tc)
    url = f"/api/shift-assignments/{a.pk}/check-in"
    cadre = _as(tc, "cadre")

    r = _post(cadre, url, {"shift_id": a.shift_id + 1000})
    assert r.status_code == 422 and _fields(r) == {"shift_id"}
    # The volunteer is not on the post: they do not see the assignment.
    assert _post(_as(tc, "volunteer"), url, {"shift_id": a.shift_id}).status_code == 404
    # The office sees it but checks no one in.
    assert _post(_as(tc, "community_admin"), url, {"shift_id": a.shift_id}).status_code == 403
    a.refresh_from_db()
    assert a.checked_in_at is None

    # Issue 15 item 19: the assignment implies its shift; `{}` checks in.
    r = _post(cadre, url, {})
    assert r.status_code == 200, r.content
    first = r.json()["checked_in_at"]
    assert first and r.json()["can_check_out"]
    again = _post(cadre, url, {"shift_id": a.shift_id})
    assert again.status_code == 200 and again.json()["checked_in_at"] == first

    out = f"/api/shift-assignments/{a.pk}/check-out"
    assert _fields(_post(cadre, out, {"shift_id": a.shift_id + 1000})) == {"shift_id"}
    r = _post(cadre, out, {})
    assert r.status_code == 200 and r.json()["checked_out_at"] and r.json()["hours"] is not None


def test_check_in_outside_the_window_is_refused(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = new_post(tc, "南门先锋岗")
    shift = new_shift(post, tc, timezone.now() + dt.timedelta(hours=5))
    a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["cadre"].pk)
    r = _post(_as(tc, "cadre"), f"/api/shift-assignments/{a.pk}/check-in", {"shift_id": shift.pk})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "outside_window"
    a.refresh_from_db()
    assert a.checked_in_at is None


def test_roster_of_the_day_with_gaps_for_offices(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _as(tc, "community_admin").get("/api/duty/roster")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["community_id"] == tc.inside.community.pk and "【" not in r.content.decode()
    (shift,) = [s for s in data["shifts"] if s["post"] == "东门卡口"]
    assert (shift["needed"], shift["assigned"], shift["gap"]) == (2, 1, 1)
    assert [p["name"] for p in shift["people"]] == [tc.users["cadre"].display_name]
    assert shift["people"][0]["health"] == "not_reported" and shift["flagged"] == 1
    health(tc.users["cadre"], tc.inside.community, timezone.localdate(), fit=False)
    r = _as(tc, "community_admin").get("/api/duty/roster")
    (shift,) = [s for s in r.json()["shifts"] if s["post"] == "东门卡口"]
    assert shift["people"][0]["health"] == "unwell"
    assert data["gaps"] >= 1
    yesterday = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert (
        _as(tc, "community_admin").get(f"/api/duty/roster?day={yesterday}").json()["shifts"] == []
    )

    street = _as(tc, "street_admin")
    r = street.get("/api/duty/roster")
    assert r.status_code == 422 and _fields(r) == {"community"}
    assert street.get(f"/api/duty/roster?community={tc.inside.community.pk}").status_code == 200
    r = street.get(f"/api/duty/roster?community={tc.other_district.community.pk}")
    assert r.status_code == 404 and _fields(r) == {"community"}
    assert "【" not in r.content.decode()
    assert _as(tc, "cadre").get("/api/duty/roster").status_code == 403


def test_on_duty_now(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _as(tc, "community_admin").get("/api/duty/on-duty")
    assert r.status_code == 200 and "【" not in r.content.decode()
    assert [p["user_id"] for p in r.json()] == [tc.users["cadre"].pk]
    city = _as(tc, "city_admin").get("/api/duty/on-duty").json()
    assert len(city) == 3
    ost = tc.other_street.community.pk
    assert [
        p["community_id"]
        for p in _as(tc, "city_admin").get(f"/api/duty/on-duty?community={ost}").json()
    ] == [ost]
    assert _as(tc, "resident").get("/api/duty/on-duty").json() == []


def test_finding_once_per_key_and_named_errors(tiny_city: TinyCity) -> None:
    tc = tiny_city
    patrol = Patrol.objects.get(community=tc.inside.community)
    url = f"/api/patrols/{patrol.pk}/findings"
    vol = _as(tc, "volunteer")
    before = PatrolFinding.objects.count()

    r = _post(vol, url, {})
    assert r.status_code == 422 and _fields(r) == {"kind"}
    r = _post(vol, url, {"kind": "unmasked", "details": "未戴口罩", "to_request": "food"})
    assert r.status_code == 422 and _fields(r) == {"resident_id"}
    r = _post(vol, url, {"kind": "unmasked", "details": "x", "building_id": 999999})
    assert r.status_code == 422 and _fields(r) == {"building_id"}
    other = Patrol.objects.get(community=tc.other_street.community)
    assert _post(vol, f"/api/patrols/{other.pk}/findings", {"kind": "other"}).status_code == 404
    assert PatrolFinding.objects.count() == before

    body = {
        "kind": "unmasked",
        "details": "三人未戴口罩",
        "building_id": tc.inside.building.pk,
        "idempotency_key": "f-1",
    }
    first = _post(vol, url, body)
    assert first.status_code == 201, first.content
    assert first.json()["building_id"] == tc.inside.building.pk
    again = _post(vol, url, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PatrolFinding.objects.count() == before + 1


def test_hours_by_unit_and_person(tiny_city: TinyCity) -> None:
    tc = tiny_city
    r = _as(tc, "unit_admin").get("/api/duty/hours?by=unit")
    assert r.status_code == 200
    data = r.json()
    assert [(row["key"], row["label"]) for row in data["rows"]] == [(tc.unit.pk, tc.unit.name)]
    assert float(data["total"]) == 2.0
    r = _as(tc, "cadre").get("/api/duty/hours")
    assert [row["key"] for row in r.json()["rows"]] == [tc.users["cadre"].pk]
    r = _as(tc, "city_admin").get("/api/duty/hours?by=bogus")
    assert r.status_code == 422 and _fields(r) == {"by"}
    r = _as(tc, "city_admin").get("/api/duty/hours?since=2026-02-10&until=2026-02-01")
    assert r.status_code == 422 and _fields(r) == {"until"}


def test_worker_need_once_per_key(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _as(tc, "grid_worker")
    before = WorkerNeed.objects.count()
    r = _post(c, "/api/worker-needs", {})
    assert r.status_code == 422 and _fields(r) == {"kind"}
    r = _post(c, "/api/worker-needs", {"kind": "commuting"})
    assert r.status_code == 422 and _fields(r) == {"details"}
    assert _post(_as(tc, "resident"), "/api/worker-needs", {"kind": "meals"}).status_code == 403
    assert WorkerNeed.objects.count() == before

    body = {"kind": "commuting", "details": "夜班后没有公交", "idempotency_key": "n-1"}
    first = _post(c, "/api/worker-needs", body)
    assert first.status_code == 201, first.content
    assert first.json()["worker_id"] == tc.users["grid_worker"].pk
    again = _post(c, "/api/worker-needs", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert WorkerNeed.objects.count() == before + 1
    r = _post(c, "/api/worker-needs", {"kind": "meals", "details": "x", "worker_id": 999999})
    assert r.status_code in (403, 422)
