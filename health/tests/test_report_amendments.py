"""A later, different report for a slot already reported amends it (issue 15 item 1): stored with
its history, the slot's values are the latest, an abnormal amendment raises the flag at once and
the counters stay equal to a recount. A replay (same key, same values) changes nothing. A slot
takes reports only while it is open (item 3)."""

from __future__ import annotations

import datetime
import functools
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from accounts.selectors import actor_for_user
from health.counters import coverage_recount_rows
from health.models import CoverageCount, HealthFlag, HealthReport, HealthReportRevision
from health.reporting import ReportInput, health_reports_submit
from testkit import TinyCity, build_tiny_city, in_threads

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
LATER = datetime.datetime(2026, 11, 24, 3, 30, tzinfo=datetime.UTC)  # 11:30, still morning
DAY = datetime.date(2026, 11, 24)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, body: dict[str, Any], **headers: str) -> Any:
    return c.post(
        "/api/health-reports", json.dumps(body), content_type="application/json", headers=headers
    )


def _counters_equal_recount() -> None:
    stored = {
        (c.grid_id, c.slot): (c.reported, c.abnormal)
        for c in CoverageCount.objects.filter(day=DAY)
        if c.reported or c.abnormal
    }
    assert stored == coverage_recount_rows(DAY)


@pytest.mark.django_db
def test_a_fever_later_in_the_morning_amends_the_report_and_raises_the_flag(
    tiny_city: TinyCity,
) -> None:
    c = _client(tiny_city.users["resident"])
    head = tiny_city.inside.residents[0]
    with time_machine.travel(MORNING, tick=False):
        first = _post(c, {"resident": head.pk, "temperature": "36.8"})
    assert first.status_code == 201
    with time_machine.travel(LATER, tick=False):
        later = _post(c, {"resident": head.pk, "temperature": "38.6", "symptoms": ["fever"]})
    assert later.status_code == 200, later.content
    body = later.json()
    # Before: 200 created:false abnormal:false and nothing stored.
    assert body["amended"] and not body["created"] and body["abnormal"]
    assert body["id"] == first.json()["id"]
    report = HealthReport.objects.get(resident=head)
    assert (str(report.temperature), report.symptoms, report.abnormal) == ("38.6", 1, True)
    versions = list(HealthReportRevision.objects.filter(resident=head))
    assert [str(v.temperature) for v in versions] == ["36.8", "38.6"]
    assert all(v.reported_by_id == tiny_city.users["resident"].pk for v in versions)
    assert versions[0].created_at < versions[1].created_at
    assert HealthFlag.objects.filter(resident=head, status="open").count() == 1
    counter = CoverageCount.objects.get(grid=tiny_city.inside.grid, day=DAY, slot="am")
    assert (counter.reported, counter.abnormal) == (1, 1)
    _counters_equal_recount()


@pytest.mark.django_db
def test_replays_change_nothing_and_an_amendment_back_moves_the_counter(
    tiny_city: TinyCity,
) -> None:
    c = _client(tiny_city.users["grid_worker"])
    head = tiny_city.inside.residents[0]
    with time_machine.travel(MORNING, tick=False):
        _post(c, {"resident": head.pk, "temperature": "36.5"}, Idempotency_Key="q-1")
        fever = _post(c, {"resident": head.pk, "temperature": "38.0"}, Idempotency_Key="q-2")
        assert fever.json()["amended"]
        # The phone's queue sends both again: each is a replay of what it said, nothing moves.
        again_1 = _post(c, {"resident": head.pk, "temperature": "36.5"}, Idempotency_Key="q-1")
        again_2 = _post(c, {"resident": head.pk, "temperature": "38.0"}, Idempotency_Key="q-2")
        same = _post(c, {"resident": head.pk, "temperature": "38.0"})
    for r in (again_1, again_2, same):
        assert r.status_code == 200 and not r.json()["amended"] and not r.json()["created"]
    assert str(HealthReport.objects.get(resident=head).temperature) == "38.0"
    assert HealthReportRevision.objects.count() == 2
    _counters_equal_recount()
    with time_machine.travel(LATER, tick=False):
        normal = _post(c, {"resident": head.pk, "temperature": "36.6"})
    assert normal.json()["amended"] and not normal.json()["abnormal"]
    counter = CoverageCount.objects.get(grid=tiny_city.inside.grid, day=DAY, slot="am")
    assert (counter.reported, counter.abnormal) == (1, 0)
    _counters_equal_recount()
    # The flag raised by the fever stays for the grid worker to close; it is not dropped.
    assert HealthFlag.objects.filter(resident=head).count() == 1


@pytest.mark.django_db
def test_an_offline_queue_with_the_report_and_its_correction_keeps_the_later(
    tiny_city: TinyCity,
) -> None:
    c = _client(tiny_city.users["grid_worker"])
    head, spouse = tiny_city.inside.residents
    queue = [
        {"resident": head.pk, "temperature": "36.5", "idempotency_key": "a"},
        {"resident": spouse.pk, "temperature": "36.4", "idempotency_key": "b"},
        {"resident": head.pk, "temperature": "37.8", "idempotency_key": "c"},
    ]
    with time_machine.travel(LATER, tick=False):
        r = c.post(
            "/api/health-reports/sync",
            json.dumps({"reports": queue}),
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
        assert (r.json()["created"], r.json()["amended"]) == (2, 1)
        replay = c.post(
            "/api/health-reports/sync",
            json.dumps({"reports": queue}),
            content_type="application/json",
        ).json()
    assert (replay["created"], replay["amended"], replay["duplicates"]) == (0, 0, 3)
    assert str(HealthReport.objects.get(resident=head).temperature) == "37.8"
    _counters_equal_recount()


@pytest.mark.django_db
def test_resident_corrects_the_household_form_with_a_fever(tiny_city: TinyCity) -> None:
    c = _client(tiny_city.users["resident"])
    head, elder = tiny_city.inside.residents

    def form() -> dict[str, Any]:
        page = c.get("/health/report/").content.decode()
        once = re.search(r'name="once" value="([^"]+)"', page)
        assert once
        return {"once": once.group(1), "day": DAY.isoformat(), "slot": "am"}

    with time_machine.travel(MORNING, tick=False):
        c.post("/health/report/", {**form(), f"t_{head.pk}": "36.8", f"t_{elder.pk}": "36.6"})
    with time_machine.travel(LATER, tick=False):
        page = c.get("/health/report/").content.decode()
        # Everyone has reported, and the page still offers the correction.
        assert 'data-testid="amend-toggle"' in page and 'data-testid="submit-amendment"' in page
        r = c.post(
            "/health/report/",
            {**form(), f"t_{head.pk}": "38.6", f"s_{head.pk}": "fever"},
            follow=True,
        )
    assert "38.6" in r.content.decode()
    assert str(HealthReport.objects.get(resident=head).temperature) == "38.6"
    assert str(HealthReport.objects.get(resident=elder).temperature) == "36.6"
    assert HealthFlag.objects.filter(resident=head, status="open").exists()
    _counters_equal_recount()


@pytest.mark.django_db
def test_an_afternoon_report_is_refused_in_the_morning(tiny_city: TinyCity) -> None:
    c = _client(tiny_city.users["resident"])
    head = tiny_city.inside.residents[0]
    # 04:05 in Beijing.
    with time_machine.travel(datetime.datetime(2026, 11, 23, 20, 5, tzinfo=datetime.UTC)):
        r = _post(c, {"resident": head.pk, "temperature": "36.5", "slot": "pm"})
    assert r.status_code == 422, r.content
    assert "slot" in r.content.decode() and "12:00" in r.content.decode()
    assert not HealthReport.objects.exists()


@pytest.mark.django_db
def test_the_opening_time_is_a_setting(tiny_city: TinyCity, settings: Any) -> None:
    settings.HEALTH_SLOT_OPENS = {"am": "06:00", "pm": "12:00"}
    c = _client(tiny_city.users["resident"])
    head = tiny_city.inside.residents[0]
    # 05:30 in Beijing: the morning round has not begun.
    with time_machine.travel(datetime.datetime(2026, 11, 23, 21, 30, tzinfo=datetime.UTC)):
        early = _post(c, {"resident": head.pk, "temperature": "36.5", "slot": "am"})
    assert early.status_code == 422
    with time_machine.travel(MORNING, tick=False):
        assert _post(c, {"resident": head.pk, "temperature": "36.5"}).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("temperature", ["1e309", "9" * 5000, "-1e309", "1e-400"])
def test_an_absurd_temperature_is_a_field_error(tiny_city: TinyCity, temperature: str) -> None:
    c = _client(tiny_city.users["resident"])
    head = tiny_city.inside.residents[0]
    with time_machine.travel(MORNING, tick=False):
        r = _post(c, {"resident": head.pk, "temperature": temperature})
    # 422 from the temperature's own rule, or 400 from the shared bound on numbers.
    assert r.status_code in (400, 422), r.content[:300]
    assert r.json()["errors"][0]["field"] == "temperature"
    assert not HealthReport.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_amendments_racing_the_original_leave_one_effective_report() -> None:
    tc = build_tiny_city()
    actor = actor_for_user(tc.users["grid_worker"])
    head = tc.inside.residents[0]
    temperatures = ["36.5", "38.1", "37.0", "39.0", "36.7", "38.4"]

    def send(t: str) -> Any:
        item = ReportInput(resident_id=head.pk, day=DAY, slot="am", temperature=Decimal(t))
        return health_reports_submit(actor=actor, items=[item])

    with time_machine.travel(MORNING, tick=False):
        results = in_threads([functools.partial(send, t) for t in temperatures])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert HealthReport.objects.filter(resident=head).count() == 1
    assert sum(len(r.created) for r in results) == 1
    report = HealthReport.objects.get(resident=head)
    versions = list(HealthReportRevision.objects.filter(resident=head).order_by("pk"))
    # The last version written is the slot's effective report, and every version is kept once.
    assert versions[-1].temperature == report.temperature
    assert sorted(str(v.temperature) for v in versions) == sorted(temperatures)
    _counters_equal_recount()
    assert HealthFlag.objects.filter(resident=head, status="open").count() == 1
