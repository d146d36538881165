"""Sweep campaigns (拉网式排查): opening (who may, bad input), progress per level, households
not reached with reasons, closing with the frozen report and its four categories, the daily
close job, the pages as the right and wrong roles, and the .xlsx report."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from health.models import SweepCampaign
from health.screening import MemberFinding, screening_visit_record
from health.sweep_selectors import not_reached, reason_of, sweep_progress
from health.sweeps import sweep_close, sweep_open, sweeps_close_due
from testkit import TinyCity, build_tiny_city

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


def _district_sweep() -> SweepCampaign:
    return SweepCampaign.objects.get(name="甲区拉网排查")


def _screen(tc: TinyCity, chain: Any, role: str = "community_admin", **kw: Any) -> Any:
    return screening_visit_record(actor=_actor(tc, role), household=chain.household, **kw)


def _sweep_some(tc: TinyCity) -> None:
    """Inside: screened (a confirmed case declared, a fever); sibling: nobody home;
    other street: one member refused."""
    head, spouse = tc.inside.residents
    _screen(
        tc,
        tc.inside,
        outcome="screened",
        members=[
            MemberFinding(head.pk, "present", "38.2", ["fever"], contact=True),
            MemberFinding(spouse.pk, "away", declared="confirmed"),
        ],
    )
    _screen(tc, tc.sibling, outcome="nobody_home")
    # One open sweep per place and day: the street's own sweep would take its visits.
    SweepCampaign.objects.filter(name__startswith="【OST】").delete()
    a, b = tc.other_street.residents
    screening_visit_record(
        actor=_street_screener(tc),
        household=tc.other_street.household,
        outcome="screened",
        members=[MemberFinding(a.pk, "present", "36.5"), MemberFinding(b.pk, "refused")],
    )


def _street_screener(tc: TinyCity) -> Any:
    """A community admin of the other street's community (the tiny city grants none there)."""
    from accounts.models import Grant

    user = User.objects.create(username="ost_community")
    Grant.objects.create(user=user, role="community_admin", place=tc.other_street.community)
    return actor_for_user(user)


# ---- opening ---------------------------------------------------------------------------------


def test_district_admin_opens_a_sweep(city: TinyCity) -> None:
    actor = _actor(city, "district_admin")
    c = sweep_open(
        actor=actor,
        name=" 全区拉网式排查 ",
        scope=city.inside.street,
        start_date=DAY + datetime.timedelta(days=3),
        end_date=DAY + datetime.timedelta(days=5),
        note="逐户上门，四类人员应收尽收",
    )
    assert c.name == "全区拉网式排查" and c.scope_path == city.inside.street.path
    assert c.status == "open" and c.opened_by_id == city.users["district_admin"].pk
    # The district's own sweep covers the street on these days: one open sweep at a time.
    with pytest.raises(ValidationError) as e:
        sweep_open(
            actor=actor, name="又一次", scope=city.inside.community, start_date=DAY, end_date=DAY
        )
    assert e.value.error_dict["scope"][0].code == "overlap"


def test_opening_bad_input_names_fields_and_stores_nothing(city: TinyCity) -> None:
    actor = _actor(city, "district_admin")
    before = SweepCampaign.objects.count()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": ""}, "name"),
        ({"scope": None}, "scope"),
        ({"scope": city.other_district.district}, "scope"),
        ({"scope": city.inside.grid}, "scope"),
        ({"scope": city.inside.district}, "scope"),  # the open 甲区 sweep overlaps
        ({"start_date": DAY - datetime.timedelta(days=1)}, "start_date"),
        ({"end_date": DAY - datetime.timedelta(days=1), "start_date": DAY}, "end_date"),
        ({"end_date": DAY + datetime.timedelta(days=14)}, "end_date"),
        ({"start_date": None}, "start_date"),
    ]
    for change, field in cases:
        args: dict[str, Any] = {
            "name": "排查",
            "scope": city.inside.street,
            "start_date": DAY,
            "end_date": DAY + datetime.timedelta(days=1),
        } | change
        with pytest.raises(ValidationError) as e:
            sweep_open(actor=actor, **args)
        assert field in e.value.error_dict, (change, e.value.error_dict)
    for role in ("street_admin", "community_admin", "grid_worker", "resident"):
        with pytest.raises(NotAllowed):
            sweep_open(
                actor=_actor(city, role),
                name="x",
                scope=city.inside.street,
                start_date=DAY,
                end_date=DAY,
            )
    assert SweepCampaign.objects.count() == before


# ---- progress and the households not reached -------------------------------------------------


def test_progress_per_level_and_reasons(city: TinyCity) -> None:
    _sweep_some(city)
    sweep = _district_sweep()
    p = sweep_progress(sweep, city.inside.district)
    assert (p.total.households, p.total.screened, p.total.not_reached) == (3, 1, 2)
    assert (p.total.never_visited, p.total.nobody_home, p.total.refused) == (0, 1, 1)
    by_street = {r.name: r.figures for r in p.rows}
    assert (by_street["甲街道"].households, by_street["甲街道"].screened) == (2, 1)
    assert by_street["【OST】街道"].refused == 1
    community = sweep_progress(sweep, city.inside.community)
    assert {r.name: r.figures.screened for r in community.rows} == {"第3网格": 1, "【SIB】网格": 0}
    missing = list(not_reached(sweep, city.inside.community))
    assert [(h.room, reason_of(h)) for h in missing] == [("【SIB】101", "nobody_home")]
    assert missing[0].last_at is not None  # type: ignore[attr-defined]
    assert list(not_reached(sweep, city.inside.community, reason="never")) == []
    assert [reason_of(h) for h in not_reached(sweep, city.other_street.street)] == ["refused"]
    assert list(not_reached(sweep, city.inside.community, q="nothing")) == []


def test_closing_freezes_the_report_with_the_four_categories(city: TinyCity) -> None:
    _sweep_some(city)
    sweep = _district_sweep()
    for role in ("street_admin", "grid_worker", "community_admin"):
        with pytest.raises(NotAllowed):
            sweep_close(actor=_actor(city, role), campaign=sweep)
    sweep.refresh_from_db()
    assert sweep.status == "open" and sweep.report == {}
    closed = sweep_close(actor=_actor(city, "district_admin"), campaign=sweep)
    t = closed.report["totals"]
    assert closed.status == "closed" and closed.closed_by_id == city.users["district_admin"].pk
    assert (t["households"], t["screened"], t["not_reached"]) == (3, 1, 2)
    assert (t["never_visited"], t["nobody_home"], t["refused"]) == (0, 1, 1)
    assert t["residents_screened"] == 3  # head present, spouse away, other street's one present
    assert (t["confirmed"], t["suspected"], t["febrile"], t["close_contact"]) == (1, 0, 1, 1)
    assert t["abnormal"] == 2
    places = closed.report["places"]
    assert places[str(city.inside.grid.pk)]["screened"] == 1
    assert places[str(city.inside.grid.pk)]["confirmed"] == 1
    # Frozen: a later visit neither attaches nor changes the report.
    again = sweep_close(actor=_actor(city, "city_admin"), campaign=closed)
    assert again.report == closed.report and again.closed_by_id == closed.closed_by_id
    late = _screen(city, city.sibling, outcome="nobody_home")
    assert late.visit.campaign is None


def test_the_daily_job_closes_sweeps_past_their_last_day(city: TinyCity) -> None:
    _sweep_some(city)
    assert sweeps_close_due(DAY + datetime.timedelta(days=2)) == 0
    with time_machine.travel(MORNING + datetime.timedelta(days=3), tick=False):
        assert sweeps_close_due() == 2
        assert sweeps_close_due() == 0
    sweep = _district_sweep()
    assert sweep.status == "closed" and sweep.closed_by_id is None
    assert sweep.report["totals"]["screened"] == 1


# ---- the pages -------------------------------------------------------------------------------


def test_sweep_pages_for_the_district_admin(city: TinyCity) -> None:
    _sweep_some(city)
    c = _client(city.users["district_admin"])
    r = c.get("/sweeps/")
    body = r.content.decode()
    assert r.status_code == 200 and "甲区拉网排查" in body and "【ODI】" not in body
    sweep = _district_sweep()
    r = c.get(f"/sweeps/{sweep.pk}/")
    assert r.status_code == 200 and "【OST】街道" in r.content.decode()
    r = c.get(f"/sweeps/{sweep.pk}/?place={city.inside.community.pk}")
    assert r.status_code == 200 and "【SIB】101" in r.content.decode()
    assert c.get(f"/sweeps/{sweep.pk}/?place={city.other_district.district.pk}").status_code == 404
    r = c.get(f"/sweeps/{sweep.pk}/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "甲区拉网排查 拉网式排查报告" in cells and "确诊患者" in cells and "【OST】街道" in cells
    # Close it through the page: the report is then shown from the frozen figures.
    r = c.get(f"/sweeps/{sweep.pk}/close/")
    token = r.context["form"].initial["once"]
    r = c.post(f"/sweeps/{sweep.pk}/close/", {"once": token})
    assert r.status_code == 302
    sweep.refresh_from_db()
    assert sweep.status == "closed"
    r = c.get(f"/sweeps/{sweep.pk}/")
    assert 'data-testid="sweep-closed"' in r.content.decode()
    assert r.context["progress"].frozen


def test_opening_through_the_page(city: TinyCity) -> None:
    c = _client(city.users["district_admin"])
    r = c.get("/sweeps/new/")
    assert r.status_code == 200
    token = r.context["form"].initial["once"]
    data = {
        "once": token,
        "name": "甲街道排查",
        "scope": city.inside.street.pk,
        "start_date": (DAY - datetime.timedelta(days=1)).isoformat(),
        "end_date": (DAY + datetime.timedelta(days=3)).isoformat(),
    }
    r = c.post("/sweeps/new/", data)
    assert r.status_code == 400 and "start_date" in r.context["form"].errors
    data["start_date"] = (DAY + datetime.timedelta(days=3)).isoformat()
    r = c.post("/sweeps/new/", data)
    assert r.status_code == 302
    assert c.post("/sweeps/new/", data).status_code == 302  # sent twice: opened once
    assert SweepCampaign.objects.filter(name="甲街道排查").count() == 1
    r = c.post("/sweeps/new/", {"scope": city.other_district.district.pk})
    assert r.status_code == 400 and "scope" in r.context["form"].errors


def test_a_grid_worker_sees_their_grid_part_only(city: TinyCity) -> None:
    _sweep_some(city)
    sweep = _district_sweep()
    c = _client(city.users["grid_worker"])
    r = c.get("/sweeps/")
    body = r.content.decode()
    assert "甲区拉网排查" in body and "【OST】" not in body
    r = c.get(f"/sweeps/{sweep.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and r.context["place"] == city.inside.grid
    assert "【SIB】" not in body and "【OST】" not in body
    assert c.get(f"/sweeps/{sweep.pk}/?place={city.inside.community.pk}").status_code == 404
    odi = SweepCampaign.objects.get(name="【ODI】拉网排查")
    assert c.get(f"/sweeps/{odi.pk}/").status_code == 404
    # Denied changes change nothing.
    assert c.get(f"/sweeps/{sweep.pk}/close/").status_code == 403
    assert c.post(f"/sweeps/{sweep.pk}/close/", {}).status_code == 403
    assert c.get("/sweeps/new/").status_code == 403
    assert c.post("/sweeps/new/", {"name": "x"}).status_code == 403
    sweep.refresh_from_db()
    assert sweep.status == "open" and SweepCampaign.objects.count() == 2
    r = c.get(f"/sweeps/{sweep.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "第3网格" in text and "【SIB】" not in text


@pytest.mark.parametrize("role", ["cadre", "volunteer", "resident", "unit_admin"])
def test_roles_outside_sweeps_are_refused(city: TinyCity, role: str) -> None:
    c = _client(city.users[role])
    sweep = _district_sweep()
    assert c.get("/sweeps/").status_code == 403
    assert c.get(f"/sweeps/{sweep.pk}/").status_code in (403, 404)
    assert c.post(f"/sweeps/{sweep.pk}/close/", {}).status_code in (403, 404)
    sweep.refresh_from_db()
    assert sweep.status == "open"
