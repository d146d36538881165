"""Door-to-door screening: the floor parser, the visit service (who may, bad input, once only,
sweep attach, refused members), the floor walk, the pages and the API."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from accounts.models import User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from health.models import (
    CoverageCount,
    HealthFlag,
    HealthReport,
    HealthReportRevision,
    ScreeningVisit,
    Source,
    SweepCampaign,
)
from health.reporting import health_report_submit, report_input
from health.screening import MemberFinding, floor_of, screening_visit_record
from health.screening_selectors import building_walk
from people.models import Person, Relation, Resident, ResidentStatus
from places import services as place_services
from testkit import TinyCity, build_tiny_city

# 09:00 in Beijing: the morning slot is open.
MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 11, 24)


@pytest.fixture
def city(db: None) -> Any:
    with time_machine.travel(MORNING, tick=False):
        yield build_tiny_city()


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _counts() -> tuple[int, int, int]:
    return (
        ScreeningVisit.objects.count(),
        HealthReport.objects.count(),
        HealthFlag.objects.count(),
    )


# ---- the floor parser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("room", "floor"),
    [
        ("3单元502", 5),
        ("1201", 12),
        ("101", 1),
        ("2-1-1803", 18),
        ("３单元５０２", 5),
        ("12层3号", 12),
        ("5楼2号", 5),
        ("B座2306室", 23),
        ("3号", 1),
        ("0101", 1),
        ("门面房", None),
        ("", None),
    ],
)
def test_floor_of_a_room(room: str, floor: int | None) -> None:
    assert floor_of(room) == floor


# ---- the visit service -----------------------------------------------------------------------


def test_grid_worker_screens_a_household_in_one_visit(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    actor = _actor(city, "grid_worker")
    result = screening_visit_record(
        actor=actor,
        household=city.inside.household,
        outcome="screened",
        members=[
            MemberFinding(head.pk, "present", "36,8", ["none"]),
            MemberFinding(spouse.pk, "present", "３７．５", ["cough"], contact=False),
        ],
        idempotency_key="k1",
    )
    visit = result.visit
    assert result.created and result.reports_created == 2
    assert (visit.present_count, visit.away_count, visit.refused_count) == (2, 0, 0)
    assert visit.abnormal_count == 1 and visit.day == DAY and visit.slot == "am"
    # The open district sweep covers the household: the visit counts for it.
    assert visit.campaign == SweepCampaign.objects.get(name="甲区拉网排查")
    reports = {
        r.resident_id: r for r in HealthReport.objects.filter(household=city.inside.household)
    }
    assert str(reports[head.pk].temperature) == "36.8"
    assert str(reports[spouse.pk].temperature) == "37.5" and reports[spouse.pk].abnormal
    assert {r.source for r in reports.values()} == {Source.SCREENING}
    assert {m["report"] for m in visit.members} == {r.pk for r in reports.values()}
    counter = CoverageCount.objects.get(grid=city.inside.grid, day=DAY, slot="am")
    assert (counter.reported, counter.abnormal) == (2, 1)
    assert HealthFlag.objects.filter(resident=spouse, status="open").exists()


def test_refused_and_away_members(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    result = screening_visit_record(
        actor=_actor(city, "building_head"),
        household=city.inside.household,
        outcome="screened",
        members=[
            MemberFinding(head.pk, "away", declared="confirmed"),
            MemberFinding(spouse.pk, "refused", "39"),
        ],
    )
    v = result.visit
    assert (v.present_count, v.away_count, v.refused_count, v.abnormal_count) == (0, 1, 1, 1)
    # The refused member has no report: they stay in "not reported".
    assert list(HealthReport.objects.values_list("resident_id", "presence")) == [(head.pk, "away")]


def test_bad_input_names_each_member_field_and_stores_nothing(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    before = _counts()
    with pytest.raises(ValidationError) as e:
        screening_visit_record(
            actor=_actor(city, "grid_worker"),
            household=city.inside.household,
            outcome="screened",
            members=[
                MemberFinding(head.pk, "present", "36.6"),
                MemberFinding(spouse.pk, "present", "hot", ["cough", "none"]),
            ],
        )
    assert set(e.value.error_dict) == {
        f"members.{spouse.pk}.temperature",
        f"members.{spouse.pk}.symptoms",
    }
    with pytest.raises(ValidationError) as e:
        screening_visit_record(
            actor=_actor(city, "grid_worker"),
            household=city.inside.household,
            outcome="screened",
            members=[
                MemberFinding(head.pk, "present", "44.5"),
                MemberFinding(city.sibling.residents[0].pk, "present", "36.5"),
            ],
        )
    assert set(e.value.error_dict) == {
        f"members.{head.pk}.temperature",
        f"members.{spouse.pk}.presence",
        f"members.{city.sibling.residents[0].pk}.resident",
    }
    with pytest.raises(ValidationError) as e:
        screening_visit_record(
            actor=_actor(city, "grid_worker"), household=city.inside.household, outcome="maybe"
        )
    assert set(e.value.error_dict) == {"outcome"}
    assert _counts() == before


def test_who_may_screen_where(city: TinyCity) -> None:
    before = _counts()
    for role in ("resident", "cadre", "volunteer", "street_admin", "unit_admin"):
        with pytest.raises(NotAllowed):
            screening_visit_record(
                actor=_actor(city, role), household=city.inside.household, outcome="nobody_home"
            )
    # A grid worker's area is their grid: the sibling grid's household is not there.
    with pytest.raises(Http404):
        screening_visit_record(
            actor=_actor(city, "grid_worker"),
            household=city.sibling.household,
            outcome="nobody_home",
        )
    assert _counts() == before
    # The community admin and the health worker screen the whole community.
    for role in ("community_admin", "health_worker"):
        screening_visit_record(
            actor=_actor(city, role), household=city.sibling.household, outcome="nobody_home"
        )
    assert ScreeningVisit.objects.count() == 2


def test_a_visit_sent_twice_counts_once(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    members = [MemberFinding(head.pk, "present", "36.5"), MemberFinding(spouse.pk, "away")]
    actor = _actor(city, "grid_worker")
    first = screening_visit_record(
        actor=actor,
        household=city.inside.household,
        outcome="screened",
        members=members,
        idempotency_key="queue-7",
    )
    again = screening_visit_record(
        actor=actor,
        household=city.inside.household,
        outcome="screened",
        members=members,
        idempotency_key="queue-7",
    )
    assert first.created and not again.created and again.visit.pk == first.visit.pk
    assert ScreeningVisit.objects.count() == 1 and HealthReport.objects.count() == 2


def test_nobody_home_then_revisit(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    actor = _actor(city, "grid_worker")
    r = screening_visit_record(
        actor=actor, household=city.inside.household, outcome="nobody_home", note="敲门无人应"
    )
    assert r.visit.members == [] and HealthReport.objects.count() == 0
    walk = building_walk(actor, city.inside.building, DAY, "am")
    assert [h.state for f in walk.floors for h in f.households] == ["revisit"]
    assert (walk.left, walk.revisit, walk.screened) == (1, 1, 0)
    with time_machine.travel(MORNING + datetime.timedelta(hours=9), tick=False):
        r = screening_visit_record(
            actor=actor,
            household=city.inside.household,
            outcome="screened",
            members=[
                MemberFinding(head.pk, "present", "36.4"),
                MemberFinding(spouse.pk, "present", "36.6"),
            ],
        )
        assert r.visit.slot == "pm"
        walk = building_walk(actor, city.inside.building, DAY, "pm")
        (h,) = [h for f in walk.floors for h in f.households]
        assert h.state == "screened" and h.visit_by == "grid_worker"
        assert (walk.left, walk.screened) == (0, 1)


def test_members_who_reported_are_not_asked_again(city: TinyCity) -> None:
    head, spouse = city.inside.residents
    own = health_report_submit(
        actor=_actor(city, "resident"),
        data=report_input({"resident": head.pk, "temperature": "36.7"}),
    )
    actor = _actor(city, "grid_worker")
    walk = building_walk(actor, city.inside.building, DAY, "am")
    assert [h.state for f in walk.floors for h in f.households] == ["partly"]
    r = screening_visit_record(
        actor=actor,
        household=city.inside.household,
        outcome="screened",
        members=[MemberFinding(spouse.pk, "present", "36.9")],
    )
    assert {m["resident"]: m["report"] for m in r.visit.members}[head.pk] == own.report_id
    assert HealthReport.objects.count() == 2
    assert HealthReport.objects.get(resident=head).source != Source.SCREENING


def test_floor_walk_groups_households_by_floor(city: TinyCity) -> None:
    building = city.inside.building
    columns = place_services.ancestor_columns(building)
    rooms = ["3单元502", "1201", "2单元101", "门面房", "空房301"]
    for room in rooms:
        h = place_services.household_create(actor=_root(), building=building, room=room)
        if room == "空房301":
            continue  # nobody lives there: not on the walk
        p = Person.objects.create(name=f"住户{room}")
        Resident.objects.create(person=p, household=h, relation=Relation.HEAD, **columns)
    gone = Resident.objects.filter(household__room="门面房").first()
    assert gone is not None
    walk = building_walk(_actor(city, "grid_worker"), building, DAY, "am")
    assert [(f.number, [h.room for h in f.households]) for f in walk.floors] == [
        (1, ["1单元101", "2单元101"]),
        (5, ["3单元502"]),
        (12, ["1201"]),
        (None, ["门面房"]),
    ]
    gone.status = ResidentStatus.MOVED_OUT
    gone.save()
    walk = building_walk(_actor(city, "grid_worker"), building, DAY, "am")
    assert walk.floors[-1].number == 12 and walk.total == 4


def _root() -> Any:
    from testkit import ROOT

    return ROOT


# ---- the pages -------------------------------------------------------------------------------


def test_screening_pages_for_a_grid_worker(city: TinyCity) -> None:
    c = _client(city.users["grid_worker"])
    r = c.get("/screening/")
    body = r.content.decode()
    assert r.status_code == 200 and "1栋" in body and "【SIB】" not in body
    assert "甲区拉网排查" in body
    r = c.get(f"/screening/buildings/{city.inside.building.pk}/")
    assert r.status_code == 200 and "1单元101" in r.content.decode()
    assert c.get(f"/screening/buildings/{city.sibling.building.pk}/").status_code == 404
    assert c.get(f"/screening/households/{city.sibling.household.pk}/").status_code == 404
    url = f"/screening/households/{city.inside.household.pk}/"
    r = c.get(url)
    assert r.status_code == 200
    token = r.context["form"].initial["once"]
    head, spouse = city.inside.residents
    data = {
        "once": token,
        "outcome": "screened",
        f"m{head.pk}_presence": "present",
        f"m{head.pk}_temperature": "36,8",
        f"m{head.pk}_symptoms": ["none"],
        f"m{spouse.pk}_presence": "refused",
    }
    r = c.post(url, data)
    assert r.status_code == 302 and r["Location"].endswith(f"#h{city.inside.household.pk}")
    # The same form sent again (double tap): saved once.
    r = c.post(url, data)
    assert r.status_code == 302
    assert ScreeningVisit.objects.count() == 1 and HealthReport.objects.count() == 1
    r = c.get(f"/screening/buildings/{city.inside.building.pk}/")
    assert 'data-state="screened"' in r.content.decode()


def test_household_form_errors_name_the_member_field(city: TinyCity) -> None:
    c = _client(city.users["community_admin"])
    url = f"/screening/households/{city.inside.household.pk}/"
    head, spouse = city.inside.residents
    r = c.post(
        url,
        {
            "outcome": "screened",
            f"m{head.pk}_presence": "present",
            f"m{head.pk}_temperature": "abc",
            f"m{spouse.pk}_presence": "present",
            f"m{spouse.pk}_temperature": "36.5",
        },
    )
    assert r.status_code == 400
    form = r.context["form"]
    assert set(form.errors) == {f"m{head.pk}_temperature"}
    assert 'data-testid="error-temperature"' in r.content.decode()
    assert _counts()[:2] == (0, 0)
    # "Nobody home" ignores what was typed and stores a visit without reports.
    r = c.post(url, {"outcome": "nobody_home", f"m{head.pk}_temperature": "abc"})
    assert r.status_code == 302
    assert ScreeningVisit.objects.get().outcome == "nobody_home"
    assert HealthReport.objects.count() == 0


@pytest.mark.parametrize("role", ["resident", "cadre", "volunteer", "street_admin", "unit_admin"])
def test_roles_that_do_not_screen_are_refused(city: TinyCity, role: str) -> None:
    c = _client(city.users[role])
    assert c.get("/screening/").status_code == 403
    url = f"/screening/households/{city.inside.household.pk}/"
    assert c.post(url, {"outcome": "nobody_home"}).status_code in (403, 404)
    assert c.get(f"/screening/buildings/{city.inside.building.pk}/").status_code in (403, 404)
    assert _counts()[:2] == (0, 0)


# ---- the API ---------------------------------------------------------------------------------


def test_api_records_a_visit_once_and_reads_the_walk(city: TinyCity) -> None:
    c = _client(city.users["grid_worker"])
    head, spouse = city.inside.residents
    body = {
        "household_id": city.inside.household.pk,
        "members": [
            {"resident_id": head.pk, "presence": "present", "temperature": "36,9"},
            {
                "resident_id": spouse.pk,
                "presence": "present",
                "temperature": 38.1,
                "symptoms": ["fever"],
                "declared": "febrile",
            },
        ],
        "idempotency_key": "phone-queue-1",
        "recorded_at": (MORNING - datetime.timedelta(minutes=20)).isoformat(),
    }
    r = c.post("/api/screening-visits", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["created"] and out["present_count"] == 2 and out["abnormal_count"] == 1
    assert out["campaign_id"] == SweepCampaign.objects.get(name="甲区拉网排查").pk
    again = c.post("/api/screening-visits", json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    assert ScreeningVisit.objects.count() == 1 and HealthReport.objects.count() == 2
    r = c.get(f"/api/screening/buildings/{city.inside.building.pk}")
    walk = r.json()
    assert r.status_code == 200 and walk["screened"] == 1 and walk["left"] == 0
    assert walk["floors"][0]["floor"] == 1
    assert walk["floors"][0]["households"][0]["state"] == "screened"
    # Bad input: 422 naming the member's field, nothing stored.
    bad = {
        "household_id": city.inside.household.pk,
        "members": [{"resident_id": head.pk, "presence": "present", "temperature": "99"}],
        "idempotency_key": "phone-queue-2",
    }
    with time_machine.travel(MORNING + datetime.timedelta(hours=4), tick=False):
        r = c.post("/api/screening-visits", json.dumps(bad), content_type="application/json")
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {f"members.{head.pk}.temperature", f"members.{spouse.pk}.presence"}
    assert ScreeningVisit.objects.count() == 1
    assert c.get(f"/api/screening/buildings/{city.sibling.building.pk}").status_code == 404
    r = c.post("/api/screening-visits", "{}", content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "household_id"
    other = _client(city.users["resident"])
    r = other.post("/api/screening-visits", json.dumps(body), content_type="application/json")
    assert r.status_code == 403


def test_a_closed_sweep_takes_no_visits(city: TinyCity) -> None:
    SweepCampaign.objects.update(status="closed")
    r = screening_visit_record(
        actor=_actor(city, "grid_worker"), household=city.inside.household, outcome="nobody_home"
    )
    assert r.visit.campaign is None


def test_grid_worker_corrects_a_screening_record_with_history(city: TinyCity) -> None:
    """Issue 15 item 1: a screener who wrote 36.8 for a fever of 38.2 can correct the record;
    the slot's report takes the new values, the first is kept, the flag is raised."""
    head, spouse = city.inside.residents
    c = _client(city.users["grid_worker"])
    url = f"/screening/households/{city.inside.household.pk}/"
    first = c.get(url)
    data = {
        "once": first.context["form"].initial["once"],
        "outcome": "screened",
        f"m{head.pk}_presence": "present",
        f"m{head.pk}_temperature": "36.8",
        f"m{spouse.pk}_presence": "present",
        f"m{spouse.pk}_temperature": "36.5",
    }
    assert c.post(url, data).status_code == 302
    page = c.get(url).content.decode()
    assert f'href="?correct={head.pk}"' in page
    # Someone else's household, or a made-up member, is not offered.
    assert (
        c.get(f"/screening/households/{city.sibling.household.pk}/?correct={head.pk}").status_code
        == 404
    )
    form = c.get(f"{url}?correct={head.pk}")
    assert [m.resident_id for m in form.context["form"].members] == [head.pk]
    data = {
        "once": form.context["form"].initial["once"],
        "outcome": "screened",
        f"m{head.pk}_presence": "present",
        f"m{head.pk}_temperature": "38.2",
        f"m{head.pk}_symptoms": ["fever"],
    }
    assert c.post(f"{url}?correct={head.pk}", data).status_code == 302
    report = HealthReport.objects.get(resident=head)
    assert (str(report.temperature), report.abnormal) == ("38.2", True)
    assert [str(v.temperature) for v in HealthReportRevision.objects.filter(resident=head)] == [
        "36.8",
        "38.2",
    ]
    assert str(HealthReport.objects.get(resident=spouse).temperature) == "36.5"
    assert HealthFlag.objects.filter(resident=head).exists()
