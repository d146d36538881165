"""Public opinion (舆情): any staff member reports; the street sees it at once (a neighbouring
street and another district do not); the street records handling steps and publishes a
rebuttal linked to the incident, which reaches the street's residents; counts equal a recount.
Pages and the API follow the same rules: bad input names the field and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from notices import opinion, opinion_selectors
from notices.models import IncidentAction, Notice, NoticeKind, OpinionIncident
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def _report(tc: TinyCity, role: str = "grid_worker", **kw: Any) -> OpinionIncident:
    data: dict[str, Any] = {
        "kind": "rumour",
        "summary": "听说小区封闭后不让买菜",
        "where_seen": "新华社区业主群",
        "reach": 300,
        "urgency": "urgent",
    }
    data.update(kw)
    return opinion.incident_report(actor=_actor(tc, role), **data)


def _fields(e: ValidationError) -> set[str]:
    return set(e.error_dict)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"kind": ""}, "kind"),
        ({"kind": "gossip"}, "kind"),
        ({"summary": "  "}, "summary"),
        ({"where_seen": ""}, "where_seen"),
        ({"reach": -1}, "reach"),
        ({"urgency": "panic"}, "urgency"),
    ],
)
def test_reporting_names_the_wrong_field_and_creates_nothing(
    tiny_city: TinyCity, bad: dict[str, Any], field: str
) -> None:
    before = OpinionIncident.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as e:
        _report(tiny_city, **bad)
    assert _fields(e.value) == {field}
    assert OpinionIncident.objects.count() == before


def test_a_place_outside_the_reporters_area_is_refused(tiny_city: TinyCity) -> None:
    before = OpinionIncident.objects.count()
    with pytest.raises(ValidationError) as e:
        _report(tiny_city, place=tiny_city.other_street.community)
    assert _fields(e.value) == {"place"}
    with pytest.raises(ValidationError):
        _report(tiny_city, "street_admin", place=tiny_city.other_district.street)
    with pytest.raises(NotAllowed):
        _report(tiny_city, "resident")
    assert OpinionIncident.objects.count() == before


def test_the_street_sees_it_at_once_and_a_neighbouring_street_does_not(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    incident = _report(tc, urgency="critical")
    assert incident.street == tc.inside.street and incident.community == tc.inside.community
    assert incident.place_path == tc.inside.street.path
    for role in ("grid_worker", "street_admin", "district_admin", "city_admin"):
        seen = opinion_selectors.incident_list(_actor(tc, role), status="open")
        assert incident in seen, role
    for name in ("【OST】_admin", "【ODI】_admin"):
        assert incident not in OpinionIncident.objects.for_actor(actor_for_user(tc.users[name]))
    # another worker of the community (not the reporter, not an office) does not read it
    assert incident not in OpinionIncident.objects.for_actor(_actor(tc, "volunteer"))
    # critical first on the street's list, with its red marker on the page
    _report(tc, urgency="normal", summary="一般谣言")
    first = opinion_selectors.incident_list(_actor(tc, "street_admin"))[0]
    assert first.urgency == "critical"
    html = _client(tc.users["street_admin"]).get(reverse("notices:incident_list")).content
    assert b'class="mark-critical"' in html and incident.summary.encode() in html


def test_an_office_above_chooses_the_street_or_community(tiny_city: TinyCity) -> None:
    tc = tiny_city
    i = _report(tc, "district_admin", place=tc.other_street.street)
    assert i.street == tc.other_street.street and i.community is None
    assert i in OpinionIncident.objects.for_actor(actor_for_user(tc.users["【OST】_admin"]))
    with pytest.raises(ValidationError) as e:
        _report(tc, "district_admin")  # no community of their own: they must choose
    assert _fields(e.value) == {"place"}


def test_handling_steps_closing_needs_a_note_and_only_the_street_handles(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    incident = _report(tc)
    street = _actor(tc, "street_admin")
    with pytest.raises(NotAllowed):
        opinion.incident_act(
            actor=_actor(tc, "grid_worker"), incident=incident, note="x", status="handling"
        )
    with pytest.raises(ValidationError) as e:
        opinion.incident_act(actor=street, incident=incident, note="", status="closed")
    assert _fields(e.value) == {"note"}
    with pytest.raises(ValidationError) as e:
        opinion.incident_act(actor=street, incident=incident, note="x", status="reported")
    assert _fields(e.value) == {"status"}
    assert not IncidentAction.objects.filter(incident=incident).exists()
    opinion.incident_act(actor=street, incident=incident, note="联系群主核实", status="handling")
    opinion.incident_act(actor=street, incident=incident, note="已澄清", status="closed")
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at is not None
    steps = list(opinion_selectors.incident_actions(street, incident))
    assert [a.status for a in steps] == ["handling", "closed"]
    # the reporter reads the steps
    assert len(opinion_selectors.incident_actions(_actor(tc, "grid_worker"), incident)) == 2


def test_rebuttal_is_linked_and_reaches_the_streets_residents(tiny_city: TinyCity) -> None:
    tc = tiny_city
    incident = _report(tc)
    street = _actor(tc, "street_admin")
    notice = opinion.incident_rebut(
        actor=street, incident=incident, title="辟谣：超市正常营业", body="全市超市正常营业。"
    )
    assert notice.kind == NoticeKind.REBUTTAL and notice.incident_id == incident.pk
    assert notice.issuer_id == tc.inside.street.pk
    assert notice in Notice.objects.for_actor(_actor(tc, "resident"))
    assert notice not in Notice.objects.for_actor(actor_for_user(tc.users["【OST】_admin"]))
    assert list(opinion_selectors.incident_rebuttals(street, incident)) == [notice]
    incident.refresh_from_db()
    assert incident.status == "handling"
    # a district admin answers with the district as issuer, to one community of the street
    n2 = opinion.incident_rebut(
        actor=_actor(tc, "district_admin"),
        incident=incident,
        title="再次辟谣",
        body="……",
        communities=[tc.inside.community],
    )
    assert n2.issuer_id == tc.inside.district.pk
    with pytest.raises(ValidationError) as e:
        opinion.incident_rebut(
            actor=street,
            incident=incident,
            title="x",
            body="y",
            communities=[tc.other_street.community],
        )
    assert _fields(e.value) == {"communities"}
    with pytest.raises(NotAllowed):
        opinion.incident_rebut(
            actor=_actor(tc, "community_admin"), incident=incident, title="x", body="y"
        )
    # the page lists the rebuttals with links to the notices
    html = _client(tc.users["street_admin"]).get(reverse("notices:incident", args=[incident.pk]))
    assert reverse("notices:notice", args=[notice.pk]).encode() in html.content


def test_counts_equal_a_recount(tiny_city: TinyCity) -> None:
    tc = tiny_city
    a = _report(tc, urgency="critical")
    _report(tc, urgency="urgent")
    c = _report(tc, "district_admin", place=tc.other_street.community)
    opinion.incident_act(
        actor=_actor(tc, "street_admin"), incident=a, note="处理", status="handling"
    )
    opinion.incident_act(actor=_actor(tc, "district_admin"), incident=c, note="结", status="closed")
    for role in ("street_admin", "district_admin", "city_admin", "grid_worker"):
        actor = _actor(tc, role)
        rows = list(OpinionIncident.objects.for_actor(actor))
        counts = opinion_selectors.incident_counts(actor)
        assert counts["open"] == sum(r.status != "closed" for r in rows), role
        assert counts["critical_open"] == sum(
            r.status != "closed" and r.urgency == "critical" for r in rows
        )
        areas = opinion_selectors.incident_counts_by_area(actor)
        for area in areas:
            mine = [
                r
                for r in rows
                if (r.street.parent_id if role == "city_admin" else r.street_id) == area.place_id
            ]
            assert (area.reported, area.handling, area.closed) == (
                sum(r.status == "reported" for r in mine),
                sum(r.status == "handling" for r in mine),
                sum(r.status == "closed" for r in mine),
            )
        assert sum(x.reported + x.handling + x.closed for x in areas) == (
            len(rows) if role != "grid_worker" else 0
        )


def test_pages_report_handle_rebut(tiny_city: TinyCity) -> None:
    tc = tiny_city
    worker = _client(tc.users["grid_worker"])
    r = worker.get(reverse("notices:incident_new"))
    assert r.status_code == 200
    once = r.context["form"].initial["once"]
    bad = worker.post(reverse("notices:incident_new"), {"once": once, "kind": "rumour"})
    assert bad.status_code == 400 and b'data-testid="error-summary"' in bad.content
    data = {
        "once": once,
        "kind": "rumour",
        "summary": "网传要封城",
        "where_seen": "朋友圈",
        "reach": "50",
        "urgency": "critical",
        "place": "",
    }
    r = worker.post(reverse("notices:incident_new"), data)
    assert r.status_code == 302
    again = worker.post(reverse("notices:incident_new"), data)  # sent twice: saved once
    assert again.status_code == 302
    incident = OpinionIncident.objects.get(summary="网传要封城")
    detail = reverse("notices:incident", args=[incident.pk])
    assert r["Location"] == detail
    assert incident.community == tc.inside.community
    # the worker may read but not handle
    assert worker.post(detail, {"status": "handling", "note": "x"}).status_code == 403
    assert worker.get(reverse("notices:incident_rebut", args=[incident.pk])).status_code == 403
    street = _client(tc.users["street_admin"])
    page = street.get(detail)
    assert page.status_code == 200 and b'data-testid="action-form"' in page.content
    r2 = street.post(detail, {"once": "t1", "status": "closed", "note": ""})
    assert r2.status_code == 400 and b'data-testid="error-note"' in r2.content
    assert (
        street.post(detail, {"once": "t2", "status": "handling", "note": "核实"}).status_code == 302
    )
    rebut = reverse("notices:incident_rebut", args=[incident.pk])
    assert street.get(rebut).status_code == 200
    r3 = street.post(rebut, {"once": "t3", "title": "辟谣：不封城", "body": "不封城。"})
    assert r3.status_code == 302
    assert Notice.objects.filter(incident=incident, kind="rebuttal").count() == 1
    # another district's admin: 404
    odi = _client(tc.users["【ODI】_admin"])
    assert odi.get(reverse("notices:incident", args=[incident.pk])).status_code == 404
    assert odi.get(rebut).status_code == 404


def _send(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


def test_api_report_read_act(tiny_city: TinyCity) -> None:
    tc = tiny_city
    worker = _client(tc.users["grid_worker"])
    before = OpinionIncident.objects.count()
    r = _send(worker, "/api/opinion/incidents", {})
    assert r.status_code == 422 and "kind" in {e["field"] for e in r.json()["errors"]}
    r = _send(
        worker,
        "/api/opinion/incidents",
        {
            "kind": "rumour",
            "summary": "x",
            "where_seen": "y",
            "place_id": tc.other_district.community.pk,
        },
    )
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"place_id"}
    assert OpinionIncident.objects.count() == before
    body = {
        "kind": "incident",
        "summary": "聚集",
        "where_seen": "小区门口",
        "reach": 20,
        "idempotency_key": "k1",
    }
    r = _send(worker, "/api/opinion/incidents", body)
    assert r.status_code == 201
    pk = r.json()["id"]
    assert _send(worker, "/api/opinion/incidents", body).status_code == 200
    assert OpinionIncident.objects.count() == before + 1
    street = _client(tc.users["street_admin"])
    listed = street.get("/api/opinion/incidents").json()
    assert pk in [i["id"] for i in listed["items"]]
    url = f"/api/opinion/incidents/{pk}/actions"
    assert _send(street, url, {}).status_code == 422
    assert not IncidentAction.objects.filter(incident_id=pk).exists()
    assert _send(worker, url, {"status": "handling"}).status_code == 403
    r = _send(street, url, {"status": "closed", "note": "已劝散"})
    assert r.status_code == 201 and r.json()["status"] == "closed"
    assert r.json()["actions"][0]["note"] == "已劝散"
    odi = _client(tc.users["【ODI】_admin"])
    assert odi.get(f"/api/opinion/incidents/{pk}").status_code == 404
    assert _send(odi, url, {"status": "handling", "note": "x"}).status_code == 404
    assert Client().get("/api/opinion/incidents").status_code == 401


def test_reopening_a_closed_incident_needs_a_note(tiny_city: TinyCity) -> None:
    tc = tiny_city
    incident = _report(tc)
    street = _actor(tc, "street_admin")
    opinion.incident_act(actor=street, incident=incident, note="", status="handling")
    opinion.incident_act(actor=street, incident=incident, note="已澄清", status="closed")
    with pytest.raises(ValidationError) as e:
        opinion.incident_act(actor=street, incident=incident, note="", status="handling")
    assert _fields(e.value) == {"note"}
    opinion.incident_act(actor=street, incident=incident, note="又有人转发", status="handling")
    incident.refresh_from_db()
    assert incident.status == "handling" and incident.closed_at is None
