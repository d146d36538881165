"""The study API: the caller's programmes with progress, one programme's materials, marking a
material studied with a reflection (`{}` changes nothing: 422), completion with ?org=; another
district's caller gets 404, a member asking for completion 403, anonymous 401."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from outreach.models import StudyProgramme, StudyRecord
from outreach.study_selectors import recount
from outreach.tests.test_study_helpers import StudyWorld, build_study_world, study_all
from testkit import TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tiny_city: TinyCity) -> StudyWorld:
    return build_study_world(tiny_city)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def test_programmes_and_study(world: StudyWorld) -> None:
    c = _client(world.users["a1"])
    p = world.programme
    r = c.get("/api/study/programmes")
    assert r.status_code == 200
    item = next(i for i in r.json()["items"] if i["id"] == p.pk)
    assert item["taking_part"] and item["progress"] == {
        "studied": 0,
        "total": 8,
        "percent": 0,
        "complete": False,
    }
    detail = c.get(f"/api/study/programmes/{p.pk}").json()
    assert len(detail["material_list"]) == 8 and detail["material_list"][0]["source"] == "人民日报"
    m = detail["material_list"][0]["id"]
    url = f"/api/study/materials/{m}/study"
    r = _post(c, url, {})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "studied"
    r = _post(c, url, {"studied": False})
    assert r.status_code == 422
    assert not StudyRecord.objects.filter(material_id=m).exists()
    r = _post(c, url, {"studied": True})
    assert r.status_code == 200 and r.json()["progress"]["studied"] == 1
    r = _post(c, url, {"studied": True, "reflection": "体会"})
    assert r.json()["reflection"] == "体会"
    assert StudyRecord.objects.filter(material_id=m).count() == 1
    r = _post(c, url, {"reflection": ""})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reflection"
    assert StudyRecord.objects.get(material_id=m).reflection == "体会"
    assert c.get(f"/api/study/programmes/{p.pk}").json()["material_list"][0]["studied"]


def test_refusals(world: StudyWorld) -> None:
    tc, p = world.tc, world.programme
    own = StudyProgramme.objects.get(title="二月主题党日")
    m = own.materials.get()
    d1 = _client(world.users["d1"])
    assert d1.get(f"/api/study/programmes/{own.pk}").status_code == 404
    assert _post(d1, f"/api/study/materials/{m.pk}/study", {"studied": True}).status_code == 404
    assert d1.get(f"/api/study/programmes/{p.pk}/completion").status_code == 403
    # An office reads the programme but studies nothing (no membership): 403.
    admin = _client(tc.users["community_admin"])
    first = p.materials.order_by("position").first()
    assert first is not None
    r = _post(admin, f"/api/study/materials/{first.pk}/study", {"studied": True})
    assert r.status_code == 403
    assert Client().get("/api/study/programmes").status_code == 401
    odi = _client(tc.users["【ODI】_admin"])
    r = odi.get(f"/api/study/programmes/{p.pk}/completion?org={world.branch.pk}")
    assert r.status_code == 404


def test_completion_equals_a_recount(world: StudyWorld) -> None:
    from accounts.selectors import actor_for_user

    study_all(world, "a1")
    study_all(world, "a2", 4)
    study_all(world, "d1", 1)
    c = _client(world.tc.users["city_admin"])
    p = world.programme
    body = c.get(f"/api/study/programmes/{p.pk}/completion").json()
    city = actor_for_user(world.tc.users["city_admin"])
    again = recount(city, p)
    assert (body["total"]["members"], body["total"]["started"], body["total"]["completed"]) == (
        again.members,
        again.started,
        again.completed,
    )
    body = c.get(f"/api/study/programmes/{p.pk}/completion?org={world.branch.pk}").json()
    assert body["total"]["members"] == 5 and body["total"]["started"] == 2
    names = {x["name"] for x in body["not_started"]}
    assert names == {"张内0", "党员甲三", "党员组一"} and body["not_started_count"] == 3
    assert "phone" not in json.dumps(body)
