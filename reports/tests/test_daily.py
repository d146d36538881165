"""The community daily report (日报): generated from the day's data (the residents' request
figures from the request records), reviewed, submitted before the street's deadline; the
street, district and city see who has submitted, who is late and the roll-up; exports open in
Excel."""

from __future__ import annotations

import datetime
import io
import json
import random
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from core.roles import Role
from health.models import DailyReport, HealthFlag, ReportDeadline
from health.reporting import health_reports_submit, report_input
from health.workers import worker_health_report
from places.models import Place
from reports import services as daily
from reports.selectors import (
    DEFAULT_DEADLINE,
    FIGURES_BY_KEY,
    HAND_KEPT,
    HAND_MARK,
    LATE,
    NOT_YET,
    ON_TIME,
    REQUEST_KEYS,
    SUBMITTED_LATE,
    SUMMARY_KEYS,
    SUMMED_KEYS,
    daily_overview,
    figure_sections,
    request_figures,
)
from testkit import TinyCity

# Tuesday 24 November 2026 in Beijing (UTC+8).
DAY = datetime.date(2026, 11, 24)
NINE = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 Beijing
FIVE_PM = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)  # 17:00
SEVEN_PM = datetime.datetime(2026, 11, 24, 11, 0, tzinfo=datetime.UTC)  # 19:00
# No figure is entered by hand any more (the triage figures are computed: test_stats.py; the
# request figures: below). A computed key sent as hand-kept is ignored.
HAND = {"requests_open": "１２"}


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NINE, tick=False) as t:
        yield t


@pytest.fixture
def city(clock: Any, tiny_city: TinyCity) -> TinyCity:
    """The tiny city on DAY, without its sample reports and flags (each test makes its own)."""
    DailyReport.objects.all().delete()
    HealthFlag.objects.all().delete()
    return tiny_city


def _actor(tc: TinyCity, role: str) -> Any:
    return actor_for_user(tc.users[role])


def _admin_of(community: Place, name: str) -> User:
    user = User.objects.create(username=name, password=make_password("x-pass-123"))
    Grant.objects.create(user=user, role=Role.COMMUNITY_ADMIN, place=community)
    return user


def _submitted(user: User, community: Place, hand: dict[str, Any]) -> DailyReport:
    actor = actor_for_user(user)
    report = daily.daily_report_generate(actor=actor, community=community)
    return daily.daily_report_submit(actor=actor, report=report, hand_kept=hand, note="")


def _form(report: DailyReport, client: Client, **fields: str) -> dict[str, str]:
    page = client.get(f"/daily/{report.pk}/")
    token = page.context["form"]["once"].value()
    data = {k: str(report.figures.get(k, "")) for k in HAND_KEPT}
    return {**data, "note": "", "once": token, **fields}


# ---- generation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_community_admin_opens_todays_report_generated_from_the_days_data(city: TinyCity) -> None:
    grid_worker = _actor(city, "grid_worker")
    head, spouse = city.inside.residents
    items = [
        report_input({"resident": head.pk, "temperature": "36.6"}),
        report_input({"resident": spouse.pk, "temperature": "38.1", "declared": "febrile"}),
    ]
    result = health_reports_submit(actor=grid_worker, items=items, source="screening")
    assert not result.rejected
    worker_health_report(actor=grid_worker, temperature="37.5", symptoms=[], contact=False)
    worker_health_report(
        actor=_actor(city, "volunteer"), temperature="36.4", symptoms=["none"], contact=False
    )

    c = _client(city.users["community_admin"])
    r = c.get("/daily/")
    report = DailyReport.objects.get(community=city.inside.community, day=DAY)
    assert r.status_code == 302 and r["Location"] == f"/daily/{report.pk}/"
    f = report.figures
    # Four residents live in the community (two grids); two reported this morning, one abnormal.
    assert (f["am_expected"], f["am_reported"], f["am_abnormal"], f["am_missing"]) == (4, 2, 1, 2)
    assert f["pm_reported"] == 0
    assert f["abnormal_residents"] == 1
    assert f["flags_new"] == 1 and f["flags_handed_over"] == 0
    assert f["declared_febrile"] == 1 and f["declared_confirmed"] == 0
    assert (f["workers_reported"], f["workers_unwell"]) == (2, 1)
    assert f["workers_total"] == 8  # the tiny city's eight worker accounts in this community
    assert f[HAND_MARK] == [] and not any(k in f for k in HAND_KEPT)
    assert report.deadline == datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)

    page = c.get(r["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="review-form"' in body and 'data-testid="figures-note"' in body
    # Nothing is entered by hand: no figure fields, no "entered by the community" section.
    assert 'data-testid="hand-kept-note"' not in body and 'id="id_requests_open"' not in body
    assert 'data-testid="figures-hand_kept"' not in body
    assert 'data-testid="figures-requests"' in body and 'data-testid="by-hand-' not in body
    # Opening it again does not make a second report, nor recompute the first.
    health_reports_submit(
        actor=_actor(city, "community_admin"),
        items=[report_input({"resident": city.sibling.residents[0].pk, "temperature": "36.5"})],
    )
    assert c.get("/daily/").status_code == 302
    assert DailyReport.objects.count() == 1
    report.refresh_from_db()
    assert report.figures["am_reported"] == 2
    # "Regenerate" while a draft: the new report is counted, the remarks stay; a computed
    # figure sent in the form is not taken.
    computed_open = report.figures["requests_open"]
    c.post(
        f"/daily/{report.pk}/",
        _form(report, c, action="save", requests_open="5", new_confirmed="9", note="备注"),
    )
    c.post(f"/daily/{report.pk}/", _form(report, c, action="regenerate", note="备注"))
    report.refresh_from_db()
    assert report.figures["am_reported"] == 3 and report.figures["requests_open"] == computed_open
    assert report.figures["new_confirmed"] == 0 and report.note == "备注"
    assert report.figures[HAND_MARK] == []


@pytest.mark.django_db
def test_reading_the_overview_creates_no_report(city: TinyCity) -> None:
    c = _client(city.users["street_admin"])
    r = c.get(f"/daily/places/{city.inside.street.pk}/")
    assert r.status_code == 200
    assert DailyReport.objects.count() == 0
    assert r.context["overview"].total.not_yet == 1


# ---- review: remarks, and the hand-kept mechanism (no figure uses it now) -----------------------


@pytest.mark.django_db
def test_review_saves_remarks_and_ignores_computed_figures(city: TinyCity) -> None:
    assert HAND_KEPT == ()
    c = _client(city.users["community_admin"])
    c.get("/daily/")
    report = DailyReport.objects.get()
    before = dict(report.figures)
    r = c.post(f"/daily/{report.pk}/", _form(report, c, action="save", note="长" * 1001))
    assert r.status_code == 400
    assert 'data-testid="error-note"' in r.content.decode()
    report.refresh_from_db()
    assert report.figures == before and report.note == ""

    r = c.post(
        f"/daily/{report.pk}/",
        _form(report, c, action="save", requests_open="200000", note="物资紧缺"),
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.figures == before and report.note == "物资紧缺"
    assert report.figures[HAND_MARK] == [] and report.status == "draft"
    # The service ignores a computed key too, whatever its value.
    daily.daily_report_save(
        actor=_actor(city, "community_admin"), report=report, hand_kept={"requests_open": "-1"}
    )
    report.refresh_from_db()
    assert report.figures == before


@pytest.mark.django_db
def test_a_hand_kept_figure_is_still_validated_and_required(
    city: TinyCity, monkeypatch: Any
) -> None:
    """The mechanism stays for a later figure no capability computes: made hand-kept here."""
    monkeypatch.setattr(daily, "HAND_KEPT", ("requests_open",))
    monkeypatch.setattr(
        daily, "GENERATED_KEYS", tuple(k for k in daily.GENERATED_KEYS if k != "requests_open")
    )
    admin = _actor(city, "community_admin")
    report = daily.daily_report_generate(actor=admin, community=city.inside.community)
    before = dict(report.figures)
    for bad in ("-1", "abc", "1.5", "200000"):
        with pytest.raises(ValidationError) as e:
            daily.daily_report_save(actor=admin, report=report, hand_kept={"requests_open": bad})
        assert set(e.value.error_dict) == {"requests_open"}  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.figures == before
    with pytest.raises(ValidationError) as e:
        daily.daily_report_submit(actor=admin, report=report, hand_kept={"requests_open": ""})
    assert set(e.value.error_dict) == {"requests_open"}  # type: ignore[attr-defined]
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_at is None
    report = daily.daily_report_submit(actor=admin, report=report, hand_kept=HAND)
    assert report.status == "submitted"
    assert report.figures["requests_open"] == 12 and report.figures[HAND_MARK] == ["requests_open"]


# ---- the residents' request figures --------------------------------------------------------------


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Beijing time on `day`, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), BEIJING)


BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _file(resident: Any, at: datetime.datetime, **columns: Any) -> Any:
    from service_requests.filing import request_file
    from service_requests.models import ServiceRequest
    from testkit import ROOT

    request = request_file(actor=ROOT, resident=resident, category="food", details="米和油", now=at)
    if columns:
        ServiceRequest.objects.filter(pk=request.pk).update(**columns)
    return request


def _recount(community: Place, day: datetime.date, now: datetime.datetime) -> dict[str, int]:
    """The request figures counted one request at a time, from their definitions."""
    from service_requests.models import ServiceRequest

    start = _at(day, 0)
    end = min(start + datetime.timedelta(days=1), now + datetime.timedelta(microseconds=1))

    def during(at: datetime.datetime | None) -> bool:
        return at is not None and start <= at < end

    def not_by_then(at: datetime.datetime | None) -> bool:
        return at is None or at >= end

    out = dict.fromkeys(REQUEST_KEYS, 0)
    for r in ServiceRequest.objects.filter(community_id=community.pk):
        if r.created_at >= end:
            continue
        out["requests_new"] += during(r.created_at)
        out["requests_escalated"] += during(r.escalated_at)
        out["requests_done"] += during(r.done_at)
        if not_by_then(r.done_at) and not_by_then(r.closed_at):
            out["requests_open"] += 1
            out["requests_overdue"] += (
                r.respond_due_at < end and not_by_then(r.responded_at)
            ) or r.done_due_at < end
    return out


@pytest.mark.django_db
def test_request_figures_are_computed_and_match_a_recount(
    city: TinyCity, django_assert_max_num_queries: Any
) -> None:
    """Food: respond within 2 h, done within 24 h. The tiny city filed one request in each of
    甲社区's two grids at 09:00 today (open, no clock run out yet)."""
    head, elder = city.inside.residents
    yesterday = DAY - datetime.timedelta(days=1)
    # Filed yesterday 10:00, never answered: open and overdue (respond by 12:00 yesterday).
    _file(head, _at(yesterday, 10))
    # Filed today 08:00: new and open, respond by 10:00 (not yet overdue at 09:00).
    _file(elder, _at(DAY, 8))
    # Filed yesterday 10:00, responded at once, done today 08:30: done today, not open.
    _file(
        head,
        _at(yesterday, 10),
        status="done",
        responded_at=_at(yesterday, 10, 5),
        done_at=_at(DAY, 8, 30),
    )
    # Filed yesterday 10:30, escalated to the street today 07:00: still the community's, open,
    # escalated today and overdue.
    _file(elder, _at(yesterday, 10, 30), level="street", escalated_at=_at(DAY, 7))
    # Filed yesterday 11:00 and responded: open, done by 11:00 today, so not overdue yet.
    _file(head, _at(yesterday, 11), status="accepted", responded_at=_at(yesterday, 11, 10))
    # Closed three days ago: in none of today's figures.
    old = DAY - datetime.timedelta(days=4)
    _file(
        head,
        _at(old, 9),
        status="closed",
        responded_at=_at(old, 9, 30),
        done_at=_at(old, 12),
        closed_at=_at(old + datetime.timedelta(days=1), 9),
    )
    # Cancelled today before 09:00, with a closing time: not open.
    _file(elder, _at(DAY, 7), status="cancelled", closed_at=_at(DAY, 8))
    # Another community's request is not 甲社区's.
    _file(city.other_street.residents[0], _at(DAY, 8))

    admin = _actor(city, "community_admin")
    now = NINE
    with django_assert_max_num_queries(2):
        got = request_figures(admin, city.inside.community, DAY, now=now)
    assert got == _recount(city.inside.community, DAY, now)
    assert got == {
        "requests_new": 4,  # the two samples, 08:00, and the cancelled one
        "requests_open": 6,  # the two samples, 08:00, yesterday's unanswered, escalated, accepted
        "requests_overdue": 2,  # yesterday's unanswered and the escalated one
        "requests_escalated": 1,
        "requests_done": 1,
    }
    # Yesterday, as of its end: the four filed then were all open, two of them never answered
    # in time (the one done this morning had been answered at once).
    before = request_figures(admin, city.inside.community, yesterday, now=now)
    assert before == _recount(city.inside.community, yesterday, now)
    assert before == {
        "requests_new": 4,
        "requests_open": 4,
        "requests_overdue": 2,
        "requests_escalated": 0,
        "requests_done": 0,
    }
    # Later today the clocks run on: by 11:30 every open request has one past (the samples' and
    # 08:00's respond-by, the accepted one's done-by at 11:00).
    later = _at(DAY, 11, 30)
    assert request_figures(admin, city.inside.community, DAY, now=later) == _recount(
        city.inside.community, DAY, later
    )
    assert request_figures(admin, city.inside.community, DAY, now=later)["requests_overdue"] == 6

    # The generated report carries them, computed (not by hand); the street's roll-up sums them.
    report = daily.daily_report_generate(actor=admin, community=city.inside.community)
    assert {k: report.figures[k] for k in REQUEST_KEYS} == got
    assert report.figures[HAND_MARK] == []
    rows = {r.key: r for sec in figure_sections(report.figures) for r in sec.rows}
    assert rows["requests_open"].value == 6 and not rows["requests_open"].hand_kept
    report = daily.daily_report_submit(actor=admin, report=report)
    overview = daily_overview(_actor(city, "street_admin"), city.inside.street, DAY)
    assert {k: overview.total.sums[k] for k in REQUEST_KEYS} == got
    assert "requests_open" in SUMMARY_KEYS and set(REQUEST_KEYS) <= set(SUMMED_KEYS)
    page = _client(city.users["community_admin"]).get(f"/daily/{report.pk}/").content.decode()
    assert 'data-testid="figures-requests"' in page
    assert 'data-testid="figures-hand_kept"' not in page


@pytest.mark.django_db
def test_request_figures_are_scoped(city: TinyCity) -> None:
    """Someone who may not see 甲社区's requests finds none of them."""
    ost = _actor(city, "【OST】_admin")
    got = request_figures(ost, city.inside.community, DAY)
    assert got == dict.fromkeys(REQUEST_KEYS, 0)
    own = request_figures(_actor(city, "community_admin"), city.inside.community, DAY)
    assert own["requests_new"] == own["requests_open"] == 2


@pytest.mark.django_db
def test_a_report_stored_with_requests_open_by_hand_still_shows_it(city: TinyCity) -> None:
    admin = _actor(city, "community_admin")
    report = daily.daily_report_generate(actor=admin, community=city.inside.community)
    # As a report of the earlier version was stored: open requests typed in by hand, and none
    # of the other request figures.
    old = {k: v for k, v in report.figures.items() if k not in REQUEST_KEYS}
    old |= {"requests_open": 7, HAND_MARK: ["requests_open"]}
    DailyReport.objects.filter(pk=report.pk).update(figures=old)
    c = _client(city.users["community_admin"])
    c.cookies["django_language"] = "en"
    body = c.get(f"/daily/{report.pk}/").content.decode()
    assert 'data-testid="by-hand-requests_open"' in body
    assert 'data-testid="by-hand-requests_new"' not in body
    assert 'data-testid="figures-hand_kept"' not in body
    # Saving the review keeps the old mark and value; submitting asks for a regeneration first.
    report.refresh_from_db()
    report = daily.daily_report_save(actor=admin, report=report, note="旧报告")
    assert report.figures["requests_open"] == 7 and report.figures[HAND_MARK] == ["requests_open"]
    with pytest.raises(ValidationError):
        daily.daily_report_submit(actor=admin, report=report)
    report.refresh_from_db()
    assert report.status == "draft"
    report = daily.daily_report_generate(
        actor=admin, community=city.inside.community, regenerate=True
    )
    assert report.figures["requests_open"] == 2 and report.figures[HAND_MARK] == []
    assert report.note == "旧报告"
    assert daily.daily_report_submit(actor=admin, report=report).status == "submitted"

    # A submitted report of the earlier version keeps its mark: page, API and export say so.
    DailyReport.objects.filter(pk=report.pk).update(figures=old)
    body = c.get(f"/daily/{report.pk}/").content.decode()
    assert 'data-testid="by-hand-requests_open"' in body
    api = _client(city.users["street_admin"]).get("/api/daily-reports?day=2026-11-24").json()
    assert api["items"][0]["hand_kept"] == ["requests_open"]
    assert api["items"][0]["figures"]["requests_open"] == 7
    rows = _cells(c.get(f"/daily/{report.pk}/export.xlsx").content)
    label = str(FIGURES_BY_KEY["requests_open"].label)
    assert next(row for row in rows if row[0] == label)[1:3] == [7, "entered by hand"]


# ---- deadline and late status -------------------------------------------------------------------


def _street_statuses(tc: TinyCity) -> dict[str, str]:
    overview = daily_overview(_actor(tc, "street_admin"), tc.inside.street, DAY)
    return {r.name: r.status for r in overview.rows}


@pytest.mark.django_db
def test_submitted_before_the_deadline_is_on_time_and_frozen(city: TinyCity, clock: Any) -> None:
    c = _client(city.users["community_admin"])
    c.get("/daily/")
    report = DailyReport.objects.get()
    assert _street_statuses(city) == {"甲社区": NOT_YET}
    clock.move_to(FIVE_PM)
    data = _form(report, c, action="submit", **HAND, note="一切正常")
    r = c.post(f"/daily/{report.pk}/", data)
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and not report.late
    assert report.submitted_at == FIVE_PM
    assert report.submitted_by_id == city.users["community_admin"].pk
    frozen = (dict(report.figures), report.note, report.submitted_at)
    # The same form sent again counts once; a new submit or save changes nothing.
    clock.move_to(SEVEN_PM)
    assert c.post(f"/daily/{report.pk}/", data).status_code == 302
    again = daily.daily_report_submit(actor=_actor(city, "community_admin"), report=report)
    assert again.submitted_at == FIVE_PM
    r = c.post(f"/daily/{report.pk}/", {**data, "once": "another", "requests_open": "9"})
    assert r.status_code == 302
    with pytest.raises(ValidationError):
        daily.daily_report_save(
            actor=_actor(city, "community_admin"), report=report, hand_kept={"requests_open": 9}
        )
    report.refresh_from_db()
    assert (report.figures, report.note, report.submitted_at) == frozen
    # Regenerating a submitted report returns it unchanged.
    daily.daily_report_generate(
        actor=_actor(city, "community_admin"), community=city.inside.community, regenerate=True
    )
    report.refresh_from_db()
    assert report.figures == frozen[0]
    assert _street_statuses(city) == {"甲社区": ON_TIME}
    page = c.get(f"/daily/{report.pk}/").content.decode()
    assert 'data-testid="review-form"' not in page and 'data-testid="report-frozen"' in page


@pytest.mark.django_db
def test_submitted_after_the_deadline_is_late(city: TinyCity, clock: Any) -> None:
    c = _client(city.users["community_admin"])
    c.get("/daily/")
    report = DailyReport.objects.get()
    clock.move_to(SEVEN_PM)
    assert _street_statuses(city) == {"甲社区": LATE}
    report.refresh_from_db()
    assert report.late
    c.post(f"/daily/{report.pk}/", _form(report, c, action="submit", **HAND))
    report.refresh_from_db()
    assert report.status == "submitted" and report.late
    assert _street_statuses(city) == {"甲社区": SUBMITTED_LATE}
    overview = daily_overview(_actor(city, "street_admin"), city.inside.street, DAY)
    assert (overview.total.submitted, overview.total.submitted_late, overview.total.late) == (
        1,
        1,
        0,
    )


@pytest.mark.django_db
def test_no_report_past_the_deadline_is_late(city: TinyCity, clock: Any) -> None:
    assert _street_statuses(city) == {"甲社区": NOT_YET}
    clock.move_to(SEVEN_PM)
    assert _street_statuses(city) == {"甲社区": LATE}
    # A day in the past with nothing submitted is late too.
    overview = daily_overview(
        _actor(city, "street_admin"), city.inside.street, DAY - datetime.timedelta(days=1)
    )
    assert overview.total.late == 1


@pytest.mark.django_db
def test_street_admin_sets_the_deadline(city: TinyCity, clock: Any) -> None:
    street = city.inside.street
    c = _client(city.users["community_admin"])
    c.get("/daily/")
    report = DailyReport.objects.get()
    assert report.deadline == datetime.datetime.combine(
        DAY, DEFAULT_DEADLINE, datetime.timezone(datetime.timedelta(hours=8))
    )
    s = _client(city.users["street_admin"])
    page = s.get(f"/daily/places/{street.pk}/deadline/")
    assert page.status_code == 200
    token = page.context["form"]["once"].value()
    bad = s.post(f"/daily/places/{street.pk}/deadline/", {"deadline": "25:99", "once": token})
    assert bad.status_code == 400 and 'data-testid="error-deadline"' in bad.content.decode()
    assert not ReportDeadline.objects.exists()
    r = s.post(f"/daily/places/{street.pk}/deadline/", {"deadline": "16:30", "once": token})
    assert r.status_code == 302
    assert ReportDeadline.objects.get(street=street).deadline == datetime.time(16, 30)
    report.refresh_from_db()
    assert report.deadline == datetime.datetime(2026, 11, 24, 8, 30, tzinfo=datetime.UTC)
    clock.move_to(FIVE_PM)  # 17:00: past the new deadline
    assert _street_statuses(city) == {"甲社区": LATE}

    # Nobody else sets it: the community admin is refused, another street is not found.
    for role, status in (("community_admin", 404), ("district_admin", 403)):
        r = _client(city.users[role]).post(
            f"/daily/places/{street.pk}/deadline/", {"deadline": "20:00"}
        )
        assert r.status_code == status, role
    r = _client(city.users["【OST】_admin"]).post(
        f"/daily/places/{street.pk}/deadline/", {"deadline": "20:00"}
    )
    assert r.status_code == 404
    assert ReportDeadline.objects.get(street=street).deadline == datetime.time(16, 30)


# ---- roll-ups ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rollups_equal_the_sums_of_submitted_reports(city: TinyCity) -> None:
    rng = random.Random(4)
    chains = (city.inside, city.other_street, city.other_district)
    users = [
        city.users["community_admin"],
        _admin_of(city.other_street.community, "ost_community_admin"),
        _admin_of(city.other_district.community, "odi_community_admin"),
    ]
    # One more community in district A's first street, which never submits.
    from places import services as place_services
    from testkit import ROOT

    second = place_services.place_create(
        actor=ROOT, kind="community", name="乙社区", parent=city.inside.street
    )
    reports = []
    for chain, user in zip(chains, users, strict=True):
        hand = {k: rng.randint(0, 50) for k in HAND_KEPT}
        reports.append(_submitted(user, chain.community, hand))

    def total(rs: list[DailyReport]) -> dict[str, int]:
        return {k: sum(r.figures[k] for r in rs) for k in SUMMED_KEYS}

    city_admin = _actor(city, "city_admin")
    o = daily_overview(city_admin, city.city, DAY)
    assert o.total.sums == total(reports)
    assert (o.total.communities, o.total.submitted, o.total.in_sum, o.total.not_yet) == (4, 3, 3, 1)
    by_name = {r.name: r for r in o.rows}
    assert by_name["甲区"].sums == total(reports[:2])
    assert by_name["【ODI】区"].sums == total(reports[2:])
    assert (by_name["甲区"].communities, by_name["甲区"].submitted) == (3, 2)

    d = daily_overview(_actor(city, "district_admin"), city.inside.district, DAY)
    assert d.total.sums == total(reports[:2])
    assert {r.name: r.in_sum for r in d.rows} == {"甲街道": 1, "【OST】街道": 1}
    s = daily_overview(_actor(city, "street_admin"), city.inside.street, DAY)
    assert s.total.sums == total(reports[:1])
    assert {r.name: r.status for r in s.rows} == {"甲社区": ON_TIME, "乙社区": NOT_YET}
    # Drafts are not summed.
    d2 = daily.daily_report_generate(
        actor=actor_for_user(_admin_of(second, "second_admin")), community=second
    )
    assert d2.status == "draft"
    assert daily_overview(city_admin, city.city, DAY).total.sums == total(reports)

    # The city page: one row per district, links down, counts, the roll-up note.
    page = _client(city.users["city_admin"]).get(f"/daily/places/{city.city.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f'href="/daily/places/{city.inside.district.pk}/?day=2026-11-24"' in body
    assert 'data-testid="rollup-note"' in body


@pytest.mark.django_db
def test_overview_day_parameter(city: TinyCity) -> None:
    c = _client(city.users["street_admin"])
    url = f"/daily/places/{city.inside.street.pk}/"
    r = c.get(url + "?day=2026-11-25")
    assert r.status_code == 400 and 'data-testid="error-day"' in r.content.decode()
    assert r.context["day"] == DAY
    assert c.get(url + "?day=nonsense").status_code == 400
    r = c.get(url + "?day=2026-11-20")
    assert r.status_code == 200 and r.context["day"] == datetime.date(2026, 11, 20)


@pytest.mark.django_db
def test_overview_query_count_does_not_grow_with_communities(
    city: TinyCity, django_assert_max_num_queries: Any
) -> None:
    from places import services as place_services
    from testkit import ROOT

    for i in range(30):
        place_services.place_create(
            actor=ROOT, kind="community", name=f"新社区{i}", parent=city.inside.street
        )
    actor = _actor(city, "city_admin")
    with django_assert_max_num_queries(6):
        daily_overview(actor, city.city, DAY)
    with django_assert_max_num_queries(6):
        daily_overview(actor, city.inside.street, DAY)


# ---- scoping ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_street_admin_sees_only_their_communities(city: TinyCity) -> None:
    ost_user = _admin_of(city.other_street.community, "ost_community_admin")
    ost_report = _submitted(ost_user, city.other_street.community, dict(HAND))
    c = _client(city.users["street_admin"])
    r = c.get(f"/daily/places/{city.inside.street.pk}/")
    body = r.content.decode()
    assert r.status_code == 200 and "甲社区" in body and "【OST】" not in body
    assert c.get(f"/daily/places/{city.other_street.street.pk}/").status_code == 404
    assert c.get(f"/daily/places/{city.inside.district.pk}/").status_code == 404
    assert c.get(f"/daily/{ost_report.pk}/").status_code == 404
    assert c.get(f"/daily/{ost_report.pk}/export.xlsx").status_code == 404
    assert c.get("/daily/").status_code == 302  # to their street
    api = c.get("/api/daily-reports?day=2026-11-24").json()
    assert [x["community_name"] for x in api["items"]] == []
    listed = c.get(f"/api/daily-reports?place={city.other_street.street.pk}").json()
    assert listed["items"] == []
    # The district admin sees both streets.
    d = _client(city.users["district_admin"]).get("/api/daily-reports").json()
    assert [x["id"] for x in d["items"]] == [ost_report.pk]


@pytest.mark.django_db
def test_community_admin_cannot_submit_another_communitys_report(city: TinyCity) -> None:
    ost_user = _admin_of(city.other_street.community, "ost_community_admin")
    ost_actor = actor_for_user(ost_user)
    ost = daily.daily_report_generate(actor=ost_actor, community=city.other_street.community)
    before = DailyReport.objects.values().get(pk=ost.pk)
    c = _client(city.users["community_admin"])
    r = c.post(f"/daily/{ost.pk}/", {"action": "submit", **HAND})
    assert r.status_code == 404
    r = c.post(
        f"/api/daily-reports/{ost.pk}/submit",
        json.dumps({"hand_kept": HAND}),
        content_type="application/json",
    )
    assert r.status_code == 404
    with pytest.raises(NotAllowed):
        daily.daily_report_submit(actor=_actor(city, "community_admin"), report=ost, hand_kept=HAND)
    with pytest.raises(NotAllowed):
        daily.daily_report_generate(
            actor=_actor(city, "community_admin"), community=city.other_street.community
        )
    # The street above may read the report but not submit it.
    own = daily.daily_report_generate(
        actor=_actor(city, "community_admin"), community=city.inside.community
    )
    own_before = DailyReport.objects.values().get(pk=own.pk)
    s = _client(city.users["street_admin"])
    assert s.get(f"/daily/{own.pk}/").status_code == 200
    assert s.post(f"/daily/{own.pk}/", {"action": "submit", **HAND}).status_code == 403
    r = s.post(
        f"/api/daily-reports/{own.pk}/submit",
        json.dumps({"hand_kept": HAND}),
        content_type="application/json",
    )
    assert r.status_code == 403
    assert DailyReport.objects.values().get(pk=ost.pk) == before
    assert DailyReport.objects.values().get(pk=own.pk) == own_before


# ---- API --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_submit_and_list(city: TinyCity) -> None:
    c = _client(city.users["community_admin"])
    report = daily.daily_report_generate(
        actor=_actor(city, "community_admin"), community=city.inside.community
    )
    url = f"/api/daily-reports/{report.pk}/submit"
    r = c.post(url, json.dumps({"note": "长" * 1001}), content_type="application/json")
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["note"]
    report.refresh_from_db()
    assert report.status == "draft"
    # A computed figure sent as hand-kept is ignored: the request records say how many are open.
    r = c.post(
        url,
        json.dumps({"hand_kept": {"requests_open": -2}, "note": "ok"}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "submitted" and out["timeliness"] == ON_TIME
    assert out["figures"]["requests_open"] == 2 and out["note"] == "ok"  # the two samples
    assert out["figures"]["requests_new"] == 2 and out["figures"]["requests_overdue"] == 0
    assert out["figures"]["new_close_contact"] == 2  # computed: the tiny city's two contacts
    assert out["hand_kept"] == []
    again = c.post(url, "{}", content_type="application/json")
    assert again.status_code == 200 and again.json()["submitted_at"] == out["submitted_at"]
    listed = _client(city.users["street_admin"]).get("/api/daily-reports?day=2026-11-24").json()
    assert [x["id"] for x in listed["items"]] == [report.pk]
    bad = c.get("/api/daily-reports?day=2026-12-01")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "day"


# ---- exports ----------------------------------------------------------------------------------


def _cells(content: bytes) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(content))
    return [list(row) for row in wb.active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_report_export_opens_and_contains_the_figures(city: TinyCity) -> None:
    user = city.users["community_admin"]
    report = _submitted(user, city.inside.community, dict(HAND))
    c = _client(user)
    c.cookies["django_language"] = "en"
    r = c.get(f"/daily/{report.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    rows = _cells(r.content)
    assert rows[0][0] == "甲社区 daily epidemic prevention report"
    flat = {row[0]: row[1] for row in rows if row[0]}
    assert flat["Date"] == "2026-11-24"
    assert flat["Morning: residents expected"] == report.figures["am_expected"]
    assert flat["People in home observation"] == 2  # the tiny city's two contacts
    # Computed: the tiny city's two requests in 甲社区, open since this morning.
    assert flat["Residents' requests still open"] == report.figures["requests_open"] == 2
    assert flat["Requests filed today"] == 2
    assert flat["Filled in by:"] == user.display_name
    assert "Reviewed by:" in flat
    # In Chinese the headings follow the catalogue.
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        title = gettext("%(community)s daily epidemic prevention report") % {"community": "甲社区"}
        date = gettext("Date")
    c.cookies["django_language"] = "zh-hans"
    rows = _cells(c.get(f"/daily/{report.pk}/export.xlsx").content)
    assert rows[0][0] == title and rows[1][0] == date


@pytest.mark.django_db
def test_rollup_export_has_a_row_per_level_and_a_total(city: TinyCity) -> None:
    report = _submitted(city.users["community_admin"], city.inside.community, dict(HAND))
    c = _client(city.users["district_admin"])
    c.cookies["django_language"] = "en"
    r = c.get(f"/daily/places/{city.inside.district.pk}/export.xlsx?day=2026-11-24")
    assert r.status_code == 200
    rows = _cells(r.content)
    assert rows[0][0] == "甲区 daily report roll-up"
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Name")
    header = rows[header_at]
    body = rows[header_at + 1 :]
    assert [row[0] for row in body] == ["【OST】街道", "甲街道", "Total"]
    col = header.index("Residents' requests still open")
    assert body[-1][col] == 2 and body[1][col] == 2
    col = header.index("People in home observation")
    assert body[-1][col] == 2 and body[1][col] == 2
    assert body[-1][header.index("Submitted")] == 1
    assert body[-1][header.index("Not yet")] == 1
    # The street's export: one row per community with its status.
    s = _client(city.users["street_admin"])
    s.cookies["django_language"] = "en"
    rows = _cells(s.get(f"/daily/places/{city.inside.street.pk}/export.xlsx").content)
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Community")
    assert rows[header_at + 1][:2] == ["甲社区", "Submitted on time"]
    assert rows[header_at + 2][0] == "Total"
    assert report.pk
