"""Deployment through the API: a cadre checks in by a link's token (once per idempotency key),
the community admin accepts, declines or ends (the status read must be sent: `{}` changes
nothing, a stale one is 409), the list of the area or unit, coverage per unit and the unit's
deployment call. Another area's objects are 404, a role without the right 403, bad input 422
naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from mobilisation.deployments import checkin_link_create, deployment_check_in
from mobilisation.models import CheckInLink, Deployment, DeploymentStatus
from party.models import DeployCall
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _as(tc: TinyCity, role: str) -> Client:
    return _client(tc.users[role])


def _send(c: Client, method: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    return getattr(c, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def _fields(r: Any) -> set[str]:
    return {e["field"] for e in r.json()["errors"]}


def _token(tc: TinyCity) -> str:
    admin = actor_for_user(tc.users["community_admin"])
    return checkin_link_create(actor=admin, community=tc.inside.community).token


def _newcomer(tc: TinyCity, name: str = "new-cadre") -> User:
    """A cadre account (the unit's member) without a deployment."""
    return User.objects.create_user(username=name, person=tc.unit_member.person)


def _pending(tc: TinyCity) -> Deployment:
    user = _newcomer(tc)
    return deployment_check_in(actor=actor_for_user(user), token=_token(tc))


def test_check_in_once_per_key_and_refusals_name_the_token(tiny_city: TinyCity) -> None:
    tc = tiny_city
    cadre = _newcomer(tc)
    c = _client(cadre)
    token = _token(tc)
    before = Deployment.objects.count()

    r = _send(c, "post", "/api/deployments/check-in", {})
    assert r.status_code == 422 and _fields(r) == {"token"}
    r = _send(c, "post", "/api/deployments/check-in", {"token": "nope"})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "unknown"
    assert Deployment.objects.count() == before

    body = {"token": token, "note": "区委办 报到", "idempotency_key": "k-1"}
    first = _send(c, "post", "/api/deployments/check-in", body)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "pending" and data["community_id"] == tc.inside.community.pk
    assert data["unit"] == tc.unit.name and data["note"] == "区委办 报到"
    again = _send(c, "post", "/api/deployments/check-in", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    # Another key (a second tap after a reload) still finds the same check-in.
    other = _send(c, "post", "/api/deployments/check-in", {**body, "idempotency_key": "k-2"})
    assert other.status_code == 200 and other.json()["id"] == data["id"]
    assert Deployment.objects.filter(user=cadre).count() == 1

    mine = c.get("/api/deployments/mine").json()
    assert [d["id"] for d in mine] == [data["id"]]


def test_check_in_elsewhere_while_deployed_is_refused(tiny_city: TinyCity) -> None:
    tc = tiny_city
    ost = tc.other_street.community
    admin = User.objects.create(username="ost-ca")
    Grant.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, place=ost)
    token = checkin_link_create(actor=actor_for_user(admin), community=ost).token
    # The cadre account holds an active deployment in the first community.
    r = _send(_as(tc, "cadre"), "post", "/api/deployments/check-in", {"token": token})
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "already_deployed"
    assert not Deployment.objects.filter(community=ost, user=tc.users["cadre"]).exists()


def test_admin_accepts_with_the_status_read(tiny_city: TinyCity) -> None:
    tc = tiny_city
    d = _pending(tc)
    url = f"/api/deployments/{d.pk}/accept"
    admin = _as(tc, "community_admin")

    r = _send(admin, "post", url, {})
    assert r.status_code == 422 and _fields(r) == {"from_status"}
    r = _send(admin, "post", url, {"from_status": "active"})
    assert r.status_code == 409
    # The cadre sees their own check-in but may not accept it.
    r = _send(_client(d.user), "post", url, {"from_status": "pending"})
    assert r.status_code == 403
    # Another street's admin does not see it at all.
    r = _send(_client(tc.users["【OST】_admin"]), "post", url, {"from_status": "pending"})
    assert r.status_code == 404
    d.refresh_from_db()
    assert d.status == DeploymentStatus.PENDING
    assert not Grant.objects.filter(user=d.user, role=Role.CADRE).exists()

    r = _send(admin, "post", url, {"from_status": "pending"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "active" and r.json()["decided_at"]
    assert Grant.objects.filter(user=d.user, role=Role.CADRE, place=tc.inside.community).exists()
    # A second tap read "pending": the deployment moved on.
    assert _send(admin, "post", url, {"from_status": "pending"}).status_code == 409


def test_decline_needs_a_reason_and_end_hands_over(tiny_city: TinyCity) -> None:
    tc = tiny_city
    d = _pending(tc)
    admin = _as(tc, "community_admin")
    url = f"/api/deployments/{d.pk}/decline"
    r = _send(admin, "post", url, {"from_status": "pending"})
    assert r.status_code == 422 and _fields(r) == {"reason"}
    r = _send(admin, "post", url, {"from_status": "pending", "reason": "已在别处报到"})
    assert r.status_code == 200 and r.json()["decline_reason"] == "已在别处报到"

    active = Deployment.objects.get(user=tc.users["cadre"], status="active")
    url = f"/api/deployments/{active.pk}/end"
    r = _send(admin, "post", url, {})
    assert r.status_code == 422 and _fields(r) == {"from_status"}
    r = _send(admin, "post", url, {"from_status": "active"})
    assert r.status_code == 422 and _fields(r) == {"note"}
    active.refresh_from_db()
    assert active.status == "active"
    r = _send(admin, "post", url, {"from_status": "active", "note": "单位召回"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "ended" and out["end_note"] == "单位召回"
    assert out["handover"]["care"] >= 1


def test_list_is_the_area_or_the_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _pending(tc)
    r = _as(tc, "community_admin").get("/api/deployments")
    assert r.status_code == 200
    data = r.json()
    assert data["count"] == 2 and "【" not in r.content.decode()
    assert [d["status"] for d in data["items"]] == ["pending", "active"]
    assert "*" in data["items"][0]["phone"] or data["items"][0]["phone"] == ""
    r = _as(tc, "community_admin").get("/api/deployments?status=pending")
    assert r.json()["count"] == 1
    r = _as(tc, "community_admin").get("/api/deployments?status=bogus")
    assert r.status_code == 422 and _fields(r) == {"status"}
    ost = tc.other_street.community.pk
    assert _as(tc, "community_admin").get(f"/api/deployments?community={ost}").json() == {
        "items": [],
        "count": 0,
    }
    city = _as(tc, "city_admin").get("/api/deployments").json()
    assert city["count"] == Deployment.objects.count()
    unit = _as(tc, "unit_admin").get("/api/deployments").json()
    assert {d["unit_id"] for d in unit["items"]} == {tc.unit.pk}
    assert _as(tc, "resident").get("/api/deployments").json()["count"] == 0


def test_coverage_per_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    tc.unit_member.deploy_call = DeployCall.SHOULD
    tc.unit_member.save(update_fields=["deploy_call"])
    r = _as(tc, "unit_admin").get("/api/deployment-coverage/units")
    assert r.status_code == 200
    data = r.json()
    assert [u["unit_id"] for u in data["units"]] == [tc.unit.pk]
    row = data["units"][0]
    assert (row["members"], row["should"], row["deployed"], row["not_yet"]) == (1, 1, 1, 0)
    assert data["total"]["deployed"] == 1
    city = _as(tc, "city_admin").get("/api/deployment-coverage/units").json()
    assert {u["unit_id"] for u in city["units"]} == {tc.unit.pk, tc.other_unit.pk}
    assert (
        _as(tc, "city_admin").get("/api/deployment-coverage/units?q=OUN").json()["total"]["members"]
        == 1
    )
    assert _as(tc, "cadre").get("/api/deployment-coverage/units").status_code == 403
    assert _as(tc, "community_admin").get("/api/deployment-coverage/units").status_code == 403


def test_deploy_call_needs_the_call_and_stays_in_the_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _as(tc, "unit_admin")
    url = f"/api/party-members/{tc.unit_member.pk}/deploy-call"
    r = _send(c, "put", url, {})
    assert r.status_code == 422 and _fields(r) == {"call"}
    r = _send(c, "put", url, {"call": "exempt"})
    assert r.status_code == 422 and _fields(r) == {"exempt_reason"}
    r = _send(c, "put", url, {"call": "maybe"})
    assert r.status_code == 422 and _fields(r) == {"call"}
    tc.unit_member.refresh_from_db()
    assert tc.unit_member.deploy_call == "" and tc.unit_member.deploy_marked_at is None

    r = _send(c, "put", url, {"call": "exempt", "exempt_reason": "pregnant", "note": "孕期"})
    assert r.status_code == 200, r.content
    assert r.json()["call"] == "exempt" and r.json()["exempt_reason"] == "pregnant"
    tc.unit_member.refresh_from_db()
    assert tc.unit_member.exempt_reason == "pregnant"

    other = f"/api/party-members/{tc.other_unit_member.pk}/deploy-call"
    assert _send(c, "put", other, {"call": "should"}).status_code == 404
    assert _send(_as(tc, "cadre"), "put", url, {"call": "should"}).status_code in (403, 404)
    tc.other_unit_member.refresh_from_db()
    assert tc.other_unit_member.deploy_call == ""


def test_anonymous_is_401(tiny_city: TinyCity) -> None:
    assert Client().get("/api/deployments/mine").status_code == 401
    assert CheckInLink.objects.exists()
