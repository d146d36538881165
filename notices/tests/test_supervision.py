"""Supervision (督导): teams and area leads, an inspection with its checklist and
rectifications (the deadline not before the inspection), overdue ones first, the inspected
community reports done and the inspector verifies and closes or reopens; another district's
admin sees nothing (404)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from notices import supervision, supervision_selectors
from notices.models import Inspection, Rectification, RectificationUpdate
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def _items() -> list[dict[str, str]]:
    return [
        {"item": "门岗值守", "result": "ok", "note": ""},
        {"item": "体温检测与登记", "result": "problem", "note": "登记不全"},
        {"item": "消毒记录", "result": "na", "note": ""},
    ]


def _inspect(tc: TinyCity, role: str = "district_admin", days_ago: int = 3) -> Inspection:
    return supervision.inspection_create(
        actor=_actor(tc, role),
        place=tc.inside.community,
        inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        items=_items(),
    )


def _rectify(
    tc: TinyCity, inspection: Inspection, deadline: datetime.date, role: str = "district_admin"
) -> Rectification:
    return supervision.rectification_add(
        actor=_actor(tc, role),
        inspection=inspection,
        finding="体温登记补全",
        owner_name="王主任",
        owner=tc.users["community_admin"],
        deadline=deadline,
    )


def test_teams_and_area_leads(tiny_city: TinyCity) -> None:
    tc = tiny_city
    team = supervision.team_save(
        actor=_actor(tc, "district_admin"),
        team=None,
        name="区第一督导组",
        place=tc.inside.district,
        leader=tc.users["district_admin"],
        members=[tc.users["street_admin"]],
    )
    assert set(team.members.all()) == {tc.users["district_admin"], tc.users["street_admin"]}
    with pytest.raises(ValidationError) as e:
        supervision.team_save(
            actor=_actor(tc, "district_admin"),
            team=None,
            name="x",
            place=tc.other_district.district,
            members=[tc.users["street_admin"]],
        )
    assert set(e.value.error_dict) == {"place"}
    with pytest.raises(ValidationError) as e:
        supervision.team_save(
            actor=_actor(tc, "street_admin"), team=None, name="x", place=tc.inside.district
        )
    assert set(e.value.error_dict) == {"place"}
    lead = supervision.area_lead_save(
        actor=_actor(tc, "street_admin"),
        area_lead=None,
        street=tc.inside.street,
        leader=tc.users["grid_worker"],
        communities=[tc.inside.community],
    )
    with pytest.raises(ValidationError) as e:
        supervision.area_lead_save(
            actor=_actor(tc, "street_admin"),
            area_lead=lead,
            street=tc.inside.street,
            leader=tc.users["grid_worker"],
            communities=[tc.other_street.community],
        )
    assert set(e.value.error_dict) == {"communities"}
    odi = _client(tc.users["【ODI】_admin"])
    assert odi.get(reverse("notices:team", args=[team.pk])).status_code == 404
    assert odi.get(reverse("notices:area_lead", args=[lead.pk])).status_code == 404
    street = _client(tc.users["street_admin"])
    assert street.get(reverse("notices:team", args=[team.pk])).status_code == 200  # a member
    assert street.get(reverse("notices:area_lead", args=[lead.pk])).status_code == 200
    assert street.get(reverse("notices:teams")).status_code == 200
    assert street.get(reverse("notices:area_leads")).status_code == 200
    # a team member who is not otherwise above the place inspects with the team
    i = supervision.inspection_create(
        actor=_actor(tc, "street_admin"),
        place=tc.inside.community,
        team=team,
        inspected_on=timezone.localdate(),
        items=_items(),
    )
    assert i.team == team


def test_inspection_validation_names_the_field_and_creates_nothing(tiny_city: TinyCity) -> None:
    tc = tiny_city
    district = _actor(tc, "district_admin")
    today = timezone.localdate()
    before = Inspection.objects.count()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"place": None}, "place"),
        ({"place": tc.other_district.community}, "place"),
        ({"inspected_on": None}, "inspected_on"),
        ({"inspected_on": today + datetime.timedelta(days=1)}, "inspected_on"),
        ({"items": []}, "items"),
        ({"items": [{"item": "门岗", "result": "problem", "note": ""}]}, "items"),
        ({"items": [{"item": "门岗", "result": "bad", "note": ""}]}, "items"),
    ]
    for change, field in cases:
        args: dict[str, Any] = {
            "place": tc.inside.community,
            "inspected_on": today,
            "items": _items(),
        }
        args.update(change)
        with pytest.raises(ValidationError) as e:
            supervision.inspection_create(actor=district, **args)
        assert set(e.value.error_dict) == {field}, change
    # a community admin does not inspect; the 【ODI】 admin cannot inspect here
    with pytest.raises(ValidationError):
        supervision.inspection_create(
            actor=_actor(tc, "community_admin"),
            place=tc.inside.community,
            inspected_on=today,
            items=_items(),
        )
    assert Inspection.objects.count() == before


def test_rectification_deadline_not_before_the_inspection(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inspection = _inspect(tc)
    before = Rectification.objects.count()
    with pytest.raises(ValidationError) as e:
        _rectify(tc, inspection, inspection.inspected_on - datetime.timedelta(days=1))
    assert set(e.value.error_dict) == {"deadline"}
    with pytest.raises(ValidationError) as e:
        supervision.rectification_add(
            actor=_actor(tc, "district_admin"),
            inspection=inspection,
            finding="x",
            owner_name="",
            deadline=inspection.inspected_on,
        )
    assert set(e.value.error_dict) == {"owner_name"}
    with pytest.raises(NotAllowed):
        _rectify(tc, inspection, inspection.inspected_on, role="community_admin")
    assert Rectification.objects.count() == before
    r = _rectify(tc, inspection, inspection.inspected_on)
    assert r.status == "open" and r.place_path == tc.inside.community.path


def test_overdue_first_and_counted(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inspection = _inspect(tc, days_ago=5)
    today = timezone.localdate()
    later = _rectify(tc, inspection, today + datetime.timedelta(days=2))
    due_today = _rectify(tc, inspection, today)  # due today: not overdue yet
    overdue = _rectify(tc, inspection, today - datetime.timedelta(days=1))
    for role in ("district_admin", "community_admin", "street_admin", "city_admin"):
        actor = _actor(tc, role)
        rows = list(supervision_selectors.rectification_list(actor))
        assert rows[0] == overdue and rows[0].__dict__["overdue"], role
        assert {later, due_today} <= set(rows[1:])
        recount = sum(
            r.status in ("open", "reported") and r.deadline < today
            for r in Rectification.objects.for_actor(actor)
        )
        assert supervision_selectors.overdue_rectification_count(actor) == recount >= 1
    page = _client(tc.users["community_admin"]).get(reverse("notices:rectifications"))
    html = page.content.decode()
    assert html.index(reverse("notices:rectification", args=[overdue.pk])) < html.index(
        reverse("notices:rectification", args=[later.pk])
    )
    assert 'data-overdue="1"' in html


def test_community_reports_done_then_verify_close_and_reopen(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inspection = _inspect(tc)
    r = _rectify(tc, inspection, timezone.localdate())
    community = _actor(tc, "community_admin")
    district = _actor(tc, "district_admin")
    # the community sees its inspection and findings
    assert inspection in Inspection.objects.for_actor(community)
    with pytest.raises(ValidationError) as e:
        supervision.rectification_update(
            actor=community, rectification=r, status="reported", note=""
        )
    assert set(e.value.error_dict) == {"note"}
    with pytest.raises(NotAllowed):
        supervision.rectification_update(actor=community, rectification=r, status="closed", note="")
    with pytest.raises(NotAllowed):
        supervision.rectification_update(
            actor=_actor(tc, "grid_worker"), rectification=r, status="reported", note="x"
        )
    assert not RectificationUpdate.objects.filter(rectification=r).exists()
    supervision.rectification_update(
        actor=community, rectification=r, status="reported", note="已补全登记"
    )
    r.refresh_from_db()
    assert r.status == "reported" and r.done_at is not None
    with pytest.raises(ValidationError) as e:
        supervision.rectification_update(actor=district, rectification=r, status="open", note="")
    assert set(e.value.error_dict) == {"note"}
    supervision.rectification_update(
        actor=district, rectification=r, status="open", note="仍缺三户"
    )
    r.refresh_from_db()
    assert r.status == "open"
    supervision.rectification_update(
        actor=community, rectification=r, status="reported", note="补齐"
    )
    supervision.rectification_update(
        actor=_actor(tc, "street_admin"), rectification=r, status="closed", note=""
    )
    r.refresh_from_db()
    assert r.status == "closed" and r.closed_at is not None
    assert [u.status for u in supervision_selectors.rectification_updates(community, r)] == [
        "reported",
        "open",
        "reported",
        "closed",
    ]


def test_pages_and_scoping(tiny_city: TinyCity) -> None:
    tc = tiny_city
    district = _client(tc.users["district_admin"])
    r = district.get(reverse("notices:inspection_new"))
    assert r.status_code == 200 and "门岗值守".encode() in r.content
    data: dict[str, Any] = {
        "once": "s1",
        "place": str(tc.inside.community.pk),
        "inspected_on": timezone.localdate().isoformat(),
        "team": "",
        "summary": "总体良好",
        "item_0": "门岗值守",
        "result_0": "ok",
        "note_0": "",
        "item_1": "体温检测与登记",
        "result_1": "problem",
        "note_1": "登记不全",
    }
    before = Inspection.objects.count()
    bad = district.post(reverse("notices:inspection_new"), {**data, "once": "s0", "result_1": ""})
    assert bad.status_code == 400 and b"Row 2" in bad.content
    assert Inspection.objects.count() == before
    ok = district.post(reverse("notices:inspection_new"), data)
    assert ok.status_code == 302
    inspection = Inspection.objects.get(summary="总体良好")
    assert inspection.items.count() == 2
    url = reverse("notices:inspection", args=[inspection.pk])
    deadline = timezone.localdate().isoformat()
    r = district.post(
        url,
        {
            "once": "s2",
            "finding": "补全登记",
            "owner_name": "王主任",
            "owner": "",
            "item": "",
            "deadline": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert r.status_code == 400 and b'data-testid="error-deadline"' in r.content
    r = district.post(
        url,
        {
            "once": "s3",
            "finding": "补全登记",
            "owner_name": "王主任",
            "owner": "",
            "item": "",
            "deadline": deadline,
        },
    )
    assert r.status_code == 302
    rect = Rectification.objects.get(inspection=inspection)
    community = _client(tc.users["community_admin"])
    assert community.get(url).status_code == 200
    assert community.post(url, {"once": "c1", "finding": "x"}).status_code == 403
    rurl = reverse("notices:rectification", args=[rect.pk])
    page = community.get(rurl)
    assert (
        b'data-testid="report-form"' in page.content
        and b'data-testid="close-form"' not in page.content
    )
    assert community.post(rurl, {"once": "c2", "status": "closed"}).status_code == 403
    assert (
        community.post(rurl, {"once": "c3", "status": "reported", "note": "已完成"}).status_code
        == 302
    )
    assert district.post(rurl, {"once": "d1", "status": "closed", "note": ""}).status_code == 302
    rect.refresh_from_db()
    assert rect.status == "closed"
    odi = _client(tc.users["【ODI】_admin"])
    assert odi.get(url).status_code == 404 and odi.get(rurl).status_code == 404
    assert rect.pk not in [
        x.pk for x in odi.get(reverse("notices:rectifications")).context["page"].object_list
    ]
    assert inspection.pk not in [
        x.pk for x in odi.get(reverse("notices:inspection_list")).context["page"].object_list
    ]


def _send(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def test_api(tiny_city: TinyCity) -> None:
    tc = tiny_city
    inspection = _inspect(tc)
    rect = _rectify(tc, inspection, timezone.localdate())
    community = _client(tc.users["community_admin"])
    listed = community.get("/api/supervision/inspections").json()
    assert inspection.pk in [i["id"] for i in listed["items"]]
    got = community.get(f"/api/supervision/inspections/{inspection.pk}").json()
    assert [i["item"] for i in got["items"]] == ["门岗值守", "体温检测与登记", "消毒记录"]
    assert got["rectifications"][0]["id"] == rect.pk
    url = f"/api/supervision/rectifications/{rect.pk}/updates"
    r = _send(community, url, {})
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"status"}
    assert _send(community, url, {"status": "closed"}).status_code == 403
    r = _send(community, url, {"status": "reported", "note": "完成"})
    assert r.status_code == 201 and r.json()["status"] == "reported"
    r = _send(_client(tc.users["district_admin"]), url, {"status": "closed"})
    assert r.status_code == 201 and [u["status"] for u in r.json()["updates"]] == [
        "reported",
        "closed",
    ]
    odi = _client(tc.users["【ODI】_admin"])
    assert odi.get(f"/api/supervision/inspections/{inspection.pk}").status_code == 404
    assert _send(odi, url, {"status": "open", "note": "x"}).status_code == 404
    assert Client().get("/api/supervision/inspections").status_code == 401


def test_team_and_area_lead_pages(tiny_city: TinyCity) -> None:
    tc = tiny_city
    from notices.models import AreaLead, SupervisionTeam

    district = _client(tc.users["district_admin"])
    assert b'data-testid="team-form"' in district.get(reverse("notices:teams")).content
    bad = district.post(
        reverse("notices:teams"), {"once": "t0", "name": "", "place": str(tc.inside.district.pk)}
    )
    assert bad.status_code == 400 and b'data-testid="error-name"' in bad.content
    data = {
        "once": "t1",
        "name": "区第二督导组",
        "place": str(tc.inside.district.pk),
        "leader": str(tc.users["district_admin"].pk),
        "members": [str(tc.users["street_admin"].pk)],
    }
    r = district.post(reverse("notices:teams"), data)
    assert r.status_code == 302
    team = SupervisionTeam.objects.get(name="区第二督导组")
    assert district.get(reverse("notices:team", args=[team.pk])).status_code == 200
    street = _client(tc.users["street_admin"])
    assert street.post(reverse("notices:team", args=[team.pk]), {"once": "x"}).status_code == 403
    page = street.get(reverse("notices:area_leads"))
    assert b'data-testid="area-lead-form"' in page.content
    r = street.post(
        reverse("notices:area_leads"),
        {
            "once": "a1",
            "street": str(tc.inside.street.pk),
            "leader": str(tc.users["community_admin"].pk),
            "communities": [str(tc.inside.community.pk)],
            "note": "东片",
        },
    )
    assert r.status_code == 302
    lead = AreaLead.objects.get(leader=tc.users["community_admin"])
    assert street.get(reverse("notices:area_lead", args=[lead.pk])).status_code == 200
    # the area lead inspects their community
    i = supervision.inspection_create(
        actor=_actor(tc, "community_admin"),
        place=tc.inside.community,
        inspected_on=timezone.localdate(),
        items=_items(),
    )
    assert i.inspector == tc.users["community_admin"]


def test_a_responsible_grid_worker_opens_and_reports_their_rectification(
    tiny_city: TinyCity,
) -> None:
    inspection = _inspect(tiny_city)
    r = supervision.rectification_add(
        actor=_actor(tiny_city, "district_admin"),
        inspection=inspection,
        finding="夜间门岗增加一人",
        owner_name="网格员",
        owner=tiny_city.users["grid_worker"],
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    worker = _client(tiny_city.users["grid_worker"])
    assert worker.get(reverse("notices:rectification", args=[r.pk])).status_code == 200
    supervision.rectification_update(
        actor=_actor(tiny_city, "grid_worker"), rectification=r, status="reported", note="已安排"
    )
    r.refresh_from_db()
    assert r.status == "reported"
    # Another grid worker's rectification stays out of their sight.
    other = _rectify(tiny_city, inspection, timezone.localdate() + datetime.timedelta(days=2))
    assert worker.get(reverse("notices:rectification", args=[other.pk])).status_code == 404
