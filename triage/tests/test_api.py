"""Triage through the API: the health centre's queue, opening, assessing, sending and bedding a
case, the street's transfer queue, sites and follow-ups; out-of-area objects are 404, roles
without the right 403, bad input 422 naming the field, and nothing changes on any refusal."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from testkit import ROOT, TinyCity, build_tiny_city
from triage.cases import case_open
from triage.decisions import case_assess, case_disposition_set
from triage.follow_ups import follow_ups_escalate
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpStatus,
    Origin,
    Site,
    TriageCase,
)

# 09:00 in Beijing on a Tuesday: the morning slot is open.
MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def tc(db: Any) -> Iterator[TinyCity]:
    """The tiny city built and used at a fixed morning (its follow-ups start then)."""
    with time_machine.travel(MORNING, tick=False):
        yield build_tiny_city()


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _as(tc: TinyCity, role: str) -> Client:
    return _client(tc.users[role])


def _errors(r: Any) -> list[tuple[str, str]]:
    errors = r.json()["errors"]
    # An id outside the caller's area is a 404 (as a missing one); other refusals are 422.
    not_found = bool(errors) and all(e["code"] == "not_found" for e in errors)
    assert r.status_code == (404 if not_found else 422), r.content
    assert all(e["message"] for e in errors)
    return [(e["field"], e["code"]) for e in errors]


def _open(tc: TinyCity, resident: Any, category: str = "") -> TriageCase:
    case, _created = case_open(actor=ROOT, resident=resident, origin=Origin.CALL, note="发热38.5")
    if category:
        case = case_assess(actor=ROOT, case=case, category=category)
    return case


def _state(case: TriageCase) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.status,
        case.category,
        case.disposition,
        case.site_id,
        case.triage_due_since,
        case.bed_wanted_since,
        CaseEvent.objects.filter(case=case).count(),
    )


def _ours(tc: TinyCity) -> TriageCase:
    """The fixture's case inside: a close contact in home observation."""
    return TriageCase.objects.get(resident=tc.inside.residents[0])


def _theirs(tc: TinyCity) -> TriageCase:
    return TriageCase.objects.get(resident=tc.other_district.residents[0])


# ---- the health centre's queue -------------------------------------------------------------------


def test_queue_oldest_first_masked_with_search_and_community(tc: TinyCity) -> None:
    with time_machine.travel(MORNING, tick=False) as t:
        first = _open(tc, tc.inside.residents[1])
        t.shift(600)
        second = _open(tc, tc.sibling.residents[1])
        t.shift(600)
        _open(tc, tc.other_district.residents[1])
        hw = _as(tc, "health_worker")
        r = hw.get("/api/triage/queue")
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["count"] == 2
        assert [row["id"] for row in body["items"]] == [first.pk, second.pk]
        row = body["items"][0]
        assert row["name"] == "张**" and "张内1" not in r.content.decode()
        assert row["triage_due_since"] and row["note"] == "发热38.5"
        assert row["community"] == tc.inside.community.name and row["room"] == "1单元101"
        assert "【ODI】" not in r.content.decode()
        # Search by name (or "#<case number>"), paging.
        assert [i["id"] for i in hw.get("/api/triage/queue?q=张内1").json()["items"]] == [first.pk]
        found = hw.get(f"/api/triage/queue?q=%23{second.pk}").json()
        assert [i["id"] for i in found["items"]] == [second.pk]
        page = hw.get("/api/triage/queue?limit=1&offset=1").json()
        assert page["count"] == 2 and [i["id"] for i in page["items"]] == [second.pk]
        # The grid worker's grid holds only the first.
        gw = _as(tc, "grid_worker").get("/api/triage/queue").json()
        assert [i["id"] for i in gw["items"]] == [first.pk]
        # Triaged: out of the queue.
        case_assess(actor=ROOT, case=first, category=Category.FEBRILE)
        assert [i["id"] for i in hw.get("/api/triage/queue").json()["items"]] == [second.pk]


def test_queue_queries_do_not_grow_with_its_rows(tc: TinyCity) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hw = _as(tc, "health_worker")
    # The fixture's case sent back to triage, with a bed somewhere (its site is shown).
    TriageCase.objects.filter(pk=_ours(tc).pk).update(
        triage_due_since=MORNING, site=Site.objects.get(place=tc.city)
    )
    hw.get("/api/triage/queue")  # the session and the actor are cached from here on
    with CaptureQueriesContext(connection) as one:
        body = hw.get("/api/triage/queue").json()
    assert body["count"] == 1 and body["items"][0]["site"] == "测试市定点医院"
    _open(tc, tc.inside.residents[1])
    _open(tc, tc.sibling.residents[1])
    with CaptureQueriesContext(connection) as three:
        assert hw.get("/api/triage/queue").json()["count"] == 3
    assert len(three) == len(one)


def test_queue_refuses_roles_that_see_no_cases_and_bad_paging(tc: TinyCity) -> None:
    for role in ("volunteer", "building_head", "resident"):
        r = _as(tc, role).get("/api/triage/queue")
        assert r.status_code == 403, (role, r.content)
    assert _errors(_as(tc, "health_worker").get("/api/triage/queue?limit=0")) == [
        ("limit", "greater_than_equal")
    ]
    assert Client().get("/api/triage/queue").status_code == 401


# ---- opening a case ------------------------------------------------------------------------------


def test_open_creates_then_joins_and_a_resend_is_done_once(tc: TinyCity) -> None:
    gw = _as(tc, "grid_worker")
    resident = tc.inside.residents[1]
    body = {"resident_id": resident.pk, "origin": "call", "note": "居民来电：38.6°C"}
    with time_machine.travel(MORNING, tick=False):
        r = _post(gw, "/api/triage/cases", {**body, "idempotency_key": "k-1"})
        assert r.status_code == 201, r.content
        case = r.json()
        assert case["status"] == "open" and case["origin"] == "call" and case["triage_due_since"]
        assert [e["kind"] for e in case["timeline"]] == ["opened"]
        # The phone sends the same request again: the first answer, nothing new.
        again = _post(gw, "/api/triage/cases", body, Idempotency_Key="k-1")
        assert again.status_code == 200 and again.json()["id"] == case["id"]
        assert CaseEvent.objects.filter(case_id=case["id"]).count() == 1
        # Another report about the same person joins the open case.
        joined = _post(gw, "/api/triage/cases", {**body, "note": "复测38.9°C"})
        assert joined.status_code == 200 and joined.json()["id"] == case["id"]
    assert TriageCase.objects.filter(resident=resident).count() == 1
    kinds = list(CaseEvent.objects.filter(case_id=case["id"]).values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.FLAG_JOINED]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"origin": "call", "note": "x"}, "resident_id", "required"),
        ({"resident_id": "abc", "origin": "call", "note": "x"}, "resident_id", "int_parsing"),
        ({"resident": "other", "origin": "call", "note": "x"}, "resident_id", "not_found"),
        ({"resident": "inside", "origin": "party", "note": "x"}, "origin", "invalid"),
        ({"resident": "inside", "origin": "walk_in", "note": "  "}, "note", "required"),
    ],
)
def test_open_bad_input_names_the_field_and_opens_nothing(
    tc: TinyCity, body: dict[str, Any], field: str, code: str
) -> None:
    before = TriageCase.objects.count()
    who = body.pop("resident", None)
    if who:
        chain = tc.inside if who == "inside" else tc.other_district
        body["resident_id"] = chain.residents[1].pk
    r = _post(_as(tc, "health_worker"), "/api/triage/cases", body)
    assert _errors(r) == [(field, code)]
    assert TriageCase.objects.count() == before


@pytest.mark.parametrize("role", ["street_admin", "district_admin", "volunteer", "resident"])
def test_open_by_a_role_that_does_not_open_cases_is_refused(tc: TinyCity, role: str) -> None:
    before = TriageCase.objects.count()
    body = {"resident_id": tc.inside.residents[1].pk, "origin": "call", "note": "发热"}
    r = _post(_as(tc, role), "/api/triage/cases", body)
    assert r.status_code == 403, r.content
    assert r.json()["detail"]
    assert TriageCase.objects.count() == before


# ---- the case: detail, assessment, disposition, bed ----------------------------------------------


def test_case_detail_names_the_person_only_to_who_calls_them(tc: TinyCity) -> None:
    """The name to those who call; the phone masked to all, as on the case page (issue 15,
    item 7): in full through the audited reveal, POST /api/residents/{id}/reveal."""
    case = _ours(tc)
    person = case.resident.person
    for role in ("health_worker", "grid_worker"):
        r = _as(tc, role).get(f"/api/triage/cases/{case.pk}")
        body = r.json()
        assert (body["name"], body["named"]) == (person.name, True)
        assert body["phone"].startswith("138****") and person.phone not in r.content.decode()
    for role in ("community_admin", "street_admin", "city_admin"):
        r = _as(tc, role).get(f"/api/triage/cases/{case.pk}")
        body = r.json()
        assert body["named"] is False and body["name"] == "张**"
        assert body["phone"].startswith("138****") and person.phone not in r.content.decode()
    body = _as(tc, "health_worker").get(f"/api/triage/cases/{case.pk}").json()
    assert [e["kind"] for e in body["timeline"]][:3] == ["opened", "assessed", "category"]
    assert body["category"] == "close_contact" and body["disposition"] == "home_observation"
    assert body["follow_ups"] and body["follow_ups"][0]["status"] == "due"
    assert body["observation_end"]


def test_out_of_area_case_is_404_for_reads_and_writes_and_nothing_changes(tc: TinyCity) -> None:
    theirs = _theirs(tc)
    before = _state(theirs)
    site = Site.objects.get(place=tc.inside.street)
    for role, path, body in [
        ("health_worker", "", None),
        ("street_admin", "", None),
        ("building_head", "", None),
        ("health_worker", "/assessment", {"category": "suspected"}),
        ("community_admin", "/disposition", {"disposition": "isolation", "reason": "x"}),
        ("street_admin", "/bed", {"site_id": site.pk}),
    ]:
        c = _as(tc, role)
        url = f"/api/triage/cases/{theirs.pk}{path}"
        r = c.get(url) if body is None else _post(c, url, body)
        assert r.status_code == 404, (role, path, r.content)
        assert "【ODI】" not in r.content.decode()
    assert _state(theirs) == before


@pytest.mark.parametrize(
    ("role", "path", "body"),
    [
        ("community_admin", "/assessment", {"category": "suspected", "reason": "CT"}),
        ("street_admin", "/assessment", {"category": "suspected", "reason": "CT"}),
        ("grid_worker", "/assessment", {"category": "suspected", "reason": "CT"}),
        ("health_worker", "/disposition", {"disposition": "isolation", "reason": "x"}),
        ("grid_worker", "/disposition", {"disposition": "isolation", "reason": "x"}),
        ("health_worker", "/bed", {"site_id": 0}),
        ("city_admin", "/bed", {"site_id": 0}),
    ],
)
def test_a_role_without_the_right_gets_403_and_nothing_changes(
    tc: TinyCity, role: str, path: str, body: dict[str, Any]
) -> None:
    case = _ours(tc)
    before = _state(case)
    r = _post(_as(tc, role), f"/api/triage/cases/{case.pk}{path}", body)
    assert r.status_code == 403, r.content
    assert _state(case) == before


def test_assess_dispose_queue_and_bed(tc: TinyCity) -> None:
    with time_machine.travel(MORNING, tick=False) as t:
        case = _open(tc, tc.inside.residents[1])
        hw, ca, sa = _as(tc, "health_worker"), _as(tc, "community_admin"), _as(tc, "street_admin")
        r = _post(
            hw,
            f"/api/triage/cases/{case.pk}/assessment",
            {
                "category": "suspected",
                "temperature": "38.4",
                "symptoms": ["fever", "cough"],
                "test_result": "CT 磨玻璃影",
            },
        )
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["category"] == "suspected" and body["triage_due_since"] is None
        assert body["temperature"] == "38.4" and body["symptoms"] == ["fever", "cough"]
        assert body["category_label"]
        t.shift(300)
        r = _post(ca, f"/api/triage/cases/{case.pk}/disposition", {"disposition": "isolation"})
        assert r.status_code == 200, r.content
        assert r.json()["bed_wanted_since"] and r.json()["site_id"] is None
        # The street's transfer queue has the person; the other street's does not.
        transfers = sa.get("/api/triage/transfers").json()
        assert [i["id"] for i in transfers["items"]] == [case.pk] and transfers["count"] == 1
        assert transfers["items"][0]["name"] == "张**"
        other = sa.get(f"/api/triage/transfers?street={tc.other_street.street.pk}").json()
        assert other["count"] == 0
        site = Site.objects.get(place=tc.inside.street)
        r = _post(sa, f"/api/triage/cases/{case.pk}/bed", {"site_id": site.pk})
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["site_id"] == site.pk and body["site"] == site.name
        assert body["bed_wanted_since"] is None and body["isolated_at"]
    site.refresh_from_db()
    assert site.occupied == 1
    assert sa.get("/api/triage/transfers").json()["count"] == 0
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == [
        "opened",
        "assessed",
        "category",
        "disposition",
        "bed_queued",
        "bed_assigned",
    ]
    assert body["timeline"][-1]["by"] == str(tc.users["street_admin"])


def test_disposition_with_a_site_gives_the_bed_at_once(tc: TinyCity) -> None:
    case = _open(tc, tc.inside.residents[1], Category.CONFIRMED)
    hospital = Site.objects.get(place=tc.city)
    r = _post(
        _as(tc, "community_admin"),
        f"/api/triage/cases/{case.pk}/disposition",
        {"disposition": "hospital", "site_id": hospital.pk},
    )
    assert r.status_code == 200, r.content
    assert r.json()["site_id"] == hospital.pk and r.json()["hospitalised_at"]


def test_awaiting_disposition_is_listed_with_the_transfers(tc: TinyCity) -> None:
    case = _open(tc, tc.inside.residents[1], Category.SUSPECTED)
    body = _as(tc, "street_admin").get("/api/triage/transfers").json()
    assert body["count"] == 0
    assert [i["id"] for i in body["awaiting_disposition"]] == [case.pk]
    assert body["awaiting_disposition_count"] == 1


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"category": "bogus"}, "category", "invalid"),
        ({"category": ""}, "category", "invalid"),
        ({"category": "close_contact", "temperature": "50"}, "temperature", "out_of_range"),
        ({"category": "close_contact", "temperature": "hot"}, "temperature", "invalid"),
        ({"category": "suspected", "symptoms": ["sneezing"]}, "symptoms", "invalid"),
        ({"category": "suspected", "symptoms": "cough"}, "symptoms", "list_type"),
        # The fixture's case is a close contact: a change of category needs a reason.
        ({"category": "suspected"}, "reason", "required"),
    ],
)
def test_assessment_bad_input_names_the_field(
    tc: TinyCity, body: dict[str, Any], field: str, code: str
) -> None:
    case = _ours(tc)
    before = _state(case)
    r = _post(_as(tc, "health_worker"), f"/api/triage/cases/{case.pk}/assessment", body)
    assert _errors(r) == [(field, code)]
    assert _state(case) == before


def test_disposition_and_bed_bad_input_names_the_field(tc: TinyCity) -> None:
    untriaged = _open(tc, tc.inside.residents[1])
    ca = _as(tc, "community_admin")
    theirs_site = Site.objects.get(place=tc.other_district.street)
    cases: list[tuple[TriageCase, str, dict[str, Any], str, str | None]] = [
        (untriaged, "disposition", {"disposition": "isolation"}, "disposition", "untriaged"),
        (untriaged, "disposition", {"disposition": "jail"}, "disposition", "invalid"),
        (untriaged, "disposition", {}, "disposition", "invalid"),
        (
            untriaged,
            "disposition",
            {"disposition": "isolation", "site_id": theirs_site.pk},
            "site_id",
            "not_found",
        ),
        (untriaged, "bed", {"site_id": theirs_site.pk}, "site_id", "not_found"),
        (untriaged, "bed", {}, "site_id", "required"),
        (untriaged, "bed", {"site_id": Site.objects.get(place=tc.city).pk}, "site_id", None),
    ]
    for case, path, body, field, code in cases:
        before = _state(case)
        r = _post(ca, f"/api/triage/cases/{case.pk}/{path}", body)
        errors = _errors(r)
        assert [f for f, _c in errors] == [field], (path, body, errors)
        if code:
            assert errors[0][1] == code, (path, body, errors)
        assert _state(case) == before


def test_a_full_site_refuses_and_nothing_changes(tc: TinyCity) -> None:
    case = _open(tc, tc.inside.residents[1], Category.SUSPECTED)
    case = case_disposition_set(actor=ROOT, case=case, disposition=Disposition.ISOLATION)
    site = Site.objects.get(place=tc.inside.street)
    Site.objects.filter(pk=site.pk).update(capacity=1, occupied=1)
    before = _state(case)
    r = _post(_as(tc, "street_admin"), f"/api/triage/cases/{case.pk}/bed", {"site_id": site.pk})
    assert _errors(r) == [("site_id", "full")]
    assert _state(case) == before
    site.refresh_from_db()
    assert site.occupied == 1


def test_a_replayed_disposition_is_done_once(tc: TinyCity) -> None:
    case = _open(tc, tc.inside.residents[1], Category.SUSPECTED)
    ca = _as(tc, "community_admin")
    url = f"/api/triage/cases/{case.pk}/disposition"
    body = {"disposition": "isolation", "idempotency_key": "d-1"}
    assert _post(ca, url, body).status_code == 200
    events = CaseEvent.objects.filter(case=case).count()
    # Without the key the same request says it changes nothing; with it, the same answer.
    assert _errors(_post(ca, url, {"disposition": "isolation"})) == [("disposition", "unchanged")]
    again = _post(ca, url, body)
    assert again.status_code == 200 and again.json()["disposition"] == "isolation"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_messages_in_chinese_and_english(tc: TinyCity) -> None:
    case = _ours(tc)
    url = f"/api/triage/cases/{case.pk}/assessment"
    body = {"category": "close_contact", "temperature": "50"}
    hw = _as(tc, "health_worker")
    zh = _post(hw, url, body).json()
    assert "体温" in zh["errors"][0]["message"] and "34.0" in zh["errors"][0]["message"]
    assert zh["detail"] != "Some fields are not valid."
    en = _post(hw, url, body, Accept_Language="en").json()
    assert en["errors"][0]["message"].startswith("A body temperature is between 34.0 and 43.0")
    assert en["detail"] == "Some fields are not valid."
    hw.cookies["django_language"] = "en"
    r = hw.get("/api/triage/cases?status=maybe")
    assert r.json()["errors"] == [
        {"field": "status", "message": "Choose open, closed or all.", "code": "invalid"}
    ]
    r = _post(_as(tc, "street_admin"), url, body, Accept_Language="en")
    assert r.status_code == 403 and r.json()["detail"] == "Your role may not do this to a case."
    r = hw.get(f"/api/triage/cases/{_theirs(tc).pk}")
    assert r.status_code == 404 and r.json()["detail"] == "Not found."
    assert _as(tc, "health_worker").get(f"/api/triage/cases/{_theirs(tc).pk}").json()[
        "detail"
    ] not in ("", "Not found.")


# ---- the case list -------------------------------------------------------------------------------


def test_case_list_filters(tc: TinyCity) -> None:
    untriaged = _open(tc, tc.inside.residents[1])
    ours = _ours(tc)
    ca = _as(tc, "community_admin")

    def ids(query: str) -> list[int]:
        r = ca.get(f"/api/triage/cases{query}")
        assert r.status_code == 200, r.content
        assert "张内" not in r.content.decode()  # names masked in lists
        return [i["id"] for i in r.json()["items"]]

    sibling = TriageCase.objects.get(resident=tc.sibling.residents[0])
    assert ids("") == [untriaged.pk, sibling.pk, ours.pk]
    assert ids("?category=none") == [untriaged.pk]
    assert ids("?category=close_contact&disposition=home_observation") == [sibling.pk, ours.pk]
    assert ids(f"?place={tc.inside.grid.pk}") == [untriaged.pk, ours.pk]
    assert ids(f"?place={tc.other_district.community.pk}") == []
    assert ids("?status=closed") == []
    case_disposition_set(
        actor=ROOT,
        case=case_assess(actor=ROOT, case=untriaged, category=Category.CLEARED),
        disposition=Disposition.RELEASED,
    )
    assert ids("?status=closed") == [untriaged.pk]
    assert ids("?status=all&q=张内1") == [untriaged.pk]
    assert _as(tc, "grid_worker").get("/api/triage/cases").json()["count"] == 1
    assert _errors(ca.get("/api/triage/cases?category=sick")) == [("category", "invalid")]
    assert _errors(ca.get("/api/triage/cases?disposition=home")) == [("disposition", "invalid")]
    assert _errors(ca.get("/api/triage/cases?place=x")) == [("place", "int_parsing")]
    assert TriageCase.objects.get(pk=untriaged.pk).status == CaseStatus.CLOSED


# ---- sites ---------------------------------------------------------------------------------------


def test_sites_of_the_area_with_free_places(tc: TinyCity) -> None:
    r = _as(tc, "street_admin").get("/api/triage/sites")
    assert r.status_code == 200, r.content
    rows = {row["name"]: row for row in r.json()["items"]}
    assert set(rows) == {"测试市定点医院", f"{tc.inside.street.name}隔离点"}
    assert rows["测试市定点医院"]["free"] == 100 and rows["测试市定点医院"]["kind"] == "hospital"
    assert "【" not in r.content.decode()
    iso = _as(tc, "street_admin").get("/api/triage/sites?kind=isolation").json()
    assert [row["kind"] for row in iso["items"]] == ["isolation"]
    assert _errors(_as(tc, "street_admin").get("/api/triage/sites?kind=hotel")) == [
        ("kind", "invalid")
    ]
    assert _as(tc, "volunteer").get("/api/triage/sites").status_code == 403


# ---- follow-ups ----------------------------------------------------------------------------------


def _first_follow_up(case: TriageCase) -> FollowUp:
    return FollowUp.objects.filter(case=case).order_by("day", "slot").first()  # type: ignore[return-value]


def test_overdue_follow_ups_by_level(tc: TinyCity) -> None:
    ours = _ours(tc)
    # 14:30 in Beijing: the morning slot closed without a report.
    with time_machine.travel(datetime.datetime(2026, 11, 24, 6, 30, tzinfo=datetime.UTC)):
        follow_ups_escalate()
        gw = _as(tc, "grid_worker").get("/api/triage/follow-ups").json()
        assert [(i["case_id"], i["slot"], i["level"]) for i in gw["items"]] == [
            (ours.pk, "am", FollowUpLevel.GRID_WORKER)
        ]
        assert gw["items"][0]["name"] == "张**"
        centre = _as(tc, "health_worker").get("/api/triage/follow-ups?level=health_centre")
        assert centre.json()["count"] == 0
        today = _as(tc, "grid_worker").get("/api/triage/follow-ups?view=today").json()
        assert today["count"] == 2
    # Four hours later it is the health centre's (the sibling grid's too).
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 30, tzinfo=datetime.UTC)):
        follow_ups_escalate()
        centre = _as(tc, "health_worker").get("/api/triage/follow-ups?level=health_centre")
        assert centre.json()["count"] == 2
    hw = _as(tc, "health_worker")
    assert _errors(hw.get("/api/triage/follow-ups?level=mayor")) == [("level", "invalid")]
    assert _errors(hw.get("/api/triage/follow-ups?view=week")) == [("view", "invalid")]


def test_record_follow_up_with_fever_sends_back_to_triage_once(tc: TinyCity) -> None:
    ours = _ours(tc)
    f = _first_follow_up(ours)
    gw = _as(tc, "grid_worker")
    body = {"temperature": "38.1", "symptoms": ["cough"], "note": "电话随访"}
    body["idempotency_key"] = "f-1"
    with time_machine.travel(MORNING + datetime.timedelta(hours=1), tick=False):
        r = _post(gw, f"/api/triage/follow-ups/{f.pk}", body)
        assert r.status_code == 200, r.content
        row = r.json()
        assert row["status"] == "done" and row["abnormal"] and row["case_waits_for_triage"]
        assert row["source"] == "worker" and row["temperature"] == "38.1"
        events = CaseEvent.objects.filter(case=ours).count()
        again = _post(gw, f"/api/triage/follow-ups/{f.pk}", body)
        assert again.status_code == 200 and again.json()["id"] == f.pk
        assert CaseEvent.objects.filter(case=ours).count() == events
        queue = _as(tc, "health_worker").get("/api/triage/queue").json()
        assert [i["id"] for i in queue["items"]] == [ours.pk]
        # Recorded already: without the key it is refused by name.
        assert _errors(_post(gw, f"/api/triage/follow-ups/{f.pk}", {"temperature": "36.5"})) == [
            ("status", "not_due")
        ]


def test_follow_up_refusals_change_nothing(tc: TinyCity) -> None:
    ours, theirs = _ours(tc), _theirs(tc)
    mine, other = _first_follow_up(ours), _first_follow_up(theirs)
    tomorrow = FollowUp.objects.filter(case=ours, day=datetime.date(2026, 11, 25)).first()
    assert tomorrow is not None
    with time_machine.travel(MORNING + datetime.timedelta(hours=1), tick=False):
        cases: list[tuple[str, int, dict[str, Any], int, tuple[str, str] | None]] = [
            ("grid_worker", other.pk, {"temperature": "36.5"}, 404, None),
            ("health_worker", other.pk, {"temperature": "36.5"}, 404, None),
            ("street_admin", mine.pk, {"temperature": "36.5"}, 403, None),
            ("building_head", mine.pk, {"temperature": "36.5"}, 404, None),
            ("grid_worker", mine.pk, {}, 422, ("temperature", "required")),
            ("grid_worker", mine.pk, {"temperature": "44"}, 422, ("temperature", "out_of_range")),
            (
                "grid_worker",
                mine.pk,
                {"temperature": "36.5", "symptoms": ["none", "cough"]},
                422,
                ("symptoms", "invalid"),
            ),
            ("grid_worker", tomorrow.pk, {"temperature": "36.5"}, 422, ("slot", "future")),
        ]
        for role, pk, body, status, error in cases:
            r = _post(_as(tc, role), f"/api/triage/follow-ups/{pk}", body)
            assert r.status_code == status, (role, body, r.content)
            if error:
                assert _errors(r) == [error]
    assert (
        not FollowUp.objects.exclude(status=FollowUpStatus.DUE)
        .exclude(status=FollowUpStatus.CANCELLED)
        .exists()
    )
    assert not CaseEvent.objects.filter(kind=EventKind.FOLLOW_UP).exists()


def test_labels_follow_the_language(tc: TinyCity) -> None:
    sa = _as(tc, "street_admin")
    r = sa.get("/api/triage/sites?kind=hospital", headers={"Accept-Language": "en"})
    assert [row["kind_label"] for row in r.json()["items"]] == ["Designated hospital"]
    body = sa.get(f"/api/triage/cases/{_ours(tc).pk}", headers={"Accept-Language": "en"}).json()
    assert body["category_label"] == "Close contact"
    assert body["timeline"][0]["label"] == "Case opened"
