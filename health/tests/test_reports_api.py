"""Health reports through the API: one report, resubmissions, bad input, the offline queue,
coverage, the grid's "not reported yet" list and the flags' hand-over."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from health.models import (
    CoverageCount,
    FlagStatus,
    HealthFlag,
    HealthReport,
    HealthReportRevision,
)
from testkit import TinyCity

# 09:00 in Beijing on a Tuesday: the morning slot is open.
MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)
DAY = "2026-11-24"


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def morning() -> Any:
    with time_machine.travel(MORNING, tick=False) as t:
        yield t


@pytest.mark.django_db
def test_resident_reports_for_each_household_member_once(tiny_city: TinyCity, morning: Any) -> None:
    c = _client(tiny_city.users["resident"])
    head, elder = tiny_city.inside.residents
    r = _post(c, "/api/health-reports", {"resident": head.pk, "temperature": "36.6"})
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["slot"] == "am" and first["day"] == DAY and first["created"]
    # The phone holder reports for the elderly parent too.
    r = _post(c, "/api/health-reports", {"resident": elder.pk, "temperature": "36.9"})
    assert r.status_code == 201
    # A double tap (the same values): the stored report comes back, no second row.
    again = _post(c, "/api/health-reports", {"resident": head.pk, "temperature": "36.6"})
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert not again.json()["created"] and not again.json()["amended"]
    assert HealthReport.objects.filter(resident=head).count() == 1
    assert str(HealthReport.objects.get(resident=head).temperature) == "36.6"
    assert not HealthReportRevision.objects.exists()
    counter = CoverageCount.objects.get(grid=tiny_city.inside.grid, slot="am")
    assert (counter.reported, counter.abnormal) == (2, 0)


@pytest.mark.django_db
def test_same_idempotency_key_returns_the_first_report(tiny_city: TinyCity, morning: Any) -> None:
    c = _client(tiny_city.users["grid_worker"])
    head, spouse = tiny_city.inside.residents
    r1 = _post(
        c, "/api/health-reports", {"resident": head.pk, "temperature": 36.5}, Idempotency_Key="q-1"
    )
    # A replay of the same queued request, even if its body was rebuilt differently.
    r2 = _post(
        c,
        "/api/health-reports",
        {"resident": spouse.pk, "temperature": 36.5, "idempotency_key": "q-1"},
    )
    assert r1.status_code == 201 and r2.status_code == 200
    assert r2.json()["id"] == r1.json()["id"]
    assert HealthReport.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"temperature": "33.9"}, "temperature", "out_of_range"),
        ({"temperature": "43.1"}, "temperature", "out_of_range"),
        ({"temperature": "hot"}, "temperature", "invalid"),
        ({"temperature": ""}, "temperature", "required"),
        ({"temperature": "36.5", "day": "2026-11-25"}, "day", "future"),
        ({"temperature": "36.5", "symptoms": ["none", "cough"]}, "symptoms", "invalid"),
        ({"temperature": "36.5", "symptoms": ["sneezing"]}, "symptoms", "invalid"),
        ({"temperature": "36.5", "slot": "night"}, "slot", "invalid"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    tiny_city: TinyCity, morning: Any, body: dict[str, Any], field: str, code: str
) -> None:
    c = _client(tiny_city.users["resident"])
    r = _post(c, "/api/health-reports", {"resident": tiny_city.inside.residents[0].pk, **body})
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert errors[0]["message"]
    assert not HealthReport.objects.exists() and not CoverageCount.objects.exists()


@pytest.mark.django_db
def test_messages_in_english_and_chinese(tiny_city: TinyCity, morning: Any) -> None:
    c = _client(tiny_city.users["resident"])
    body = {"resident": tiny_city.inside.residents[0].pk, "temperature": "50"}
    zh = _post(c, "/api/health-reports", body).json()["errors"][0]["message"]
    c.cookies["django_language"] = "en"
    en = _post(c, "/api/health-reports", body).json()["errors"][0]["message"]
    assert "34.0" in zh and "体温" in zh
    assert en.startswith("A body temperature is between 34.0 and 43.0")


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["３６．８", "36,8", "36.8℃", " 36.8 "])
def test_full_width_digits_and_comma_decimal_are_accepted(
    tiny_city: TinyCity, morning: Any, typed: str
) -> None:
    c = _client(tiny_city.users["resident"])
    r = _post(
        c,
        "/api/health-reports",
        {"resident": tiny_city.inside.residents[0].pk, "temperature": typed},
    )
    assert r.status_code == 201, r.content
    assert str(HealthReport.objects.get().temperature) == "36.8"


@pytest.mark.django_db
def test_a_closed_slot_is_refused(tiny_city: TinyCity) -> None:
    c = _client(tiny_city.users["resident"])
    # 15:00 in Beijing: the morning round closed at 14:00.
    with time_machine.travel(datetime.datetime(2026, 11, 24, 7, 0, tzinfo=datetime.UTC)):
        r = _post(
            c,
            "/api/health-reports",
            {"resident": tiny_city.inside.residents[0].pk, "temperature": "36.5", "slot": "am"},
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "slot"
        ok = _post(
            c,
            "/api/health-reports",
            {"resident": tiny_city.inside.residents[0].pk, "temperature": "36.5"},
        )
        assert ok.status_code == 201 and ok.json()["slot"] == "pm"
    assert HealthReport.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "grid_worker"])
def test_someone_outside_household_or_area_is_refused(
    tiny_city: TinyCity, morning: Any, role: str
) -> None:
    c = _client(tiny_city.users[role])
    outsider = tiny_city.sibling.residents[0]
    r = _post(c, "/api/health-reports", {"resident": outsider.pk, "temperature": "36.5"})
    # Issue 15 item 11: 404, the same answer as for a resident who does not exist.
    assert r.status_code == 404
    missing = _post(c, "/api/health-reports", {"resident": 10**9, "temperature": "36.5"})
    assert missing.status_code == 404 and missing.json()["detail"] == r.json()["detail"]
    assert r.json()["errors"][0]["field"] == "resident"
    assert "【SIB】" not in r.content.decode()
    assert not HealthReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["street_admin", "cadre", "unit_admin"])
def test_roles_that_do_not_record_reports_are_refused(
    tiny_city: TinyCity, morning: Any, role: str
) -> None:
    c = _client(tiny_city.users[role])
    r = _post(
        c,
        "/api/health-reports",
        {"resident": tiny_city.inside.residents[0].pk, "temperature": "36.5"},
    )
    assert r.status_code == 403
    assert not HealthReport.objects.exists()


@pytest.mark.django_db
def test_abnormal_report_raises_one_flag_and_later_ones_join_it(
    tiny_city: TinyCity, morning: Any
) -> None:
    HealthFlag.objects.all().delete()
    c = _client(tiny_city.users["resident"])
    head = tiny_city.inside.residents[0]
    r = _post(c, "/api/health-reports", {"resident": head.pk, "temperature": "38.4"})
    assert r.json()["abnormal"]
    flag = HealthFlag.objects.get(resident=head)
    assert flag.status == FlagStatus.OPEN and str(flag.max_temperature) == "38.4"
    with time_machine.travel(MORNING + datetime.timedelta(hours=6), tick=False):
        _post(
            c,
            "/api/health-reports",
            {"resident": head.pk, "temperature": "37.0", "symptoms": ["cough"]},
        )
    flag.refresh_from_db()
    assert HealthFlag.objects.filter(resident=head).count() == 1
    assert (flag.report_count, flag.symptoms, str(flag.max_temperature)) == (2, 2, "38.4")
    # The grid worker sees it and hands it over to triage; the record keeps who and when.
    gw = _client(tiny_city.users["grid_worker"])
    listed = gw.get("/api/health-flags").json()
    assert [f["id"] for f in listed] == [flag.pk]
    assert _post(gw, f"/api/health-flags/{flag.pk}/handover", {}).status_code == 422
    r = _post(gw, f"/api/health-flags/{flag.pk}/handover", {"note": "已联系社区卫生服务中心"})
    assert r.status_code == 200 and r.json()["status"] == "handed_over"
    flag.refresh_from_db()
    assert flag.closed_by == tiny_city.users["grid_worker"] and flag.closed_at is not None
    # Handled once: a second hand-over or a dismissal is refused and changes nothing.
    again = _post(gw, f"/api/health-flags/{flag.pk}/dismiss", {"note": "复测正常"})
    assert again.status_code == 422
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER


@pytest.mark.django_db
def test_dismissal_needs_a_reason_and_a_role_that_handles_flags(
    tiny_city: TinyCity, morning: Any
) -> None:
    flag = HealthFlag.objects.get(resident=tiny_city.inside.residents[1])
    r = _post(_client(tiny_city.users["grid_worker"]), f"/api/health-flags/{flag.pk}/dismiss", {})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    r = _post(
        _client(tiny_city.users["building_head"]),
        f"/api/health-flags/{flag.pk}/dismiss",
        {"note": "复测36.5"},
    )
    assert r.status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


@pytest.mark.django_db
def test_sync_stores_each_report_once_and_reports_every_rejection(
    tiny_city: TinyCity, morning: Any
) -> None:
    c = _client(tiny_city.users["grid_worker"])
    head, spouse = tiny_city.inside.residents
    recorded = "2026-11-24T08:30:00+08:00"
    queue = [
        {
            "resident": head.pk,
            "temperature": "36.4",
            "recorded_at": recorded,
            "idempotency_key": "a",
        },
        {
            "resident": spouse.pk,
            "temperature": "38.0",
            "recorded_at": recorded,
            "idempotency_key": "b",
        },
        {
            "resident": spouse.pk,
            "temperature": "38.0",
            "recorded_at": recorded,
            "idempotency_key": "b",
        },
        {"resident": tiny_city.sibling.residents[0].pk, "temperature": "36.5"},
        {"resident": head.pk, "temperature": "99"},
        {"resident": head.pk, "temperature": "36.5", "recorded_at": "2026-11-19T08:00:00+08:00"},
    ]
    r = _post(c, "/api/health-reports/sync", {"reports": queue})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["created"], out["duplicates"]) == (2, 1)
    assert [(x["index"], x["errors"][0]["field"]) for x in out["rejected"]] == [
        (3, "resident"),
        (4, "temperature"),
        (5, "recorded_at"),
    ]
    # The whole queue again (the phone never heard back): nothing new.
    again = _post(c, "/api/health-reports/sync", {"reports": queue[:3]}).json()
    assert (again["created"], again["duplicates"]) == (0, 3)
    assert HealthReport.objects.count() == 2
    counter = CoverageCount.objects.get(grid=tiny_city.inside.grid, slot="am")
    assert (counter.reported, counter.abnormal) == (2, 1)


@pytest.mark.django_db
def test_coverage_and_not_reported_list(tiny_city: TinyCity, morning: Any) -> None:
    head, spouse = tiny_city.inside.residents
    _post(
        _client(tiny_city.users["resident"]),
        "/api/health-reports",
        {"resident": head.pk, "temperature": "37.5"},
    )
    gw = _client(tiny_city.users["grid_worker"])
    grid = tiny_city.inside.grid
    missing = gw.get(f"/api/coverage/{grid.pk}/not-reported").json()
    assert missing["slot"] == "am" and missing["residents"] == 1
    (household,) = missing["households"]
    assert household["room"] == tiny_city.inside.household.room
    assert [m["resident"] for m in household["members"]] == [spouse.pk]
    assert "****" in household["members"][0]["phone_masked"]
    cov = (
        _client(tiny_city.users["community_admin"])
        .get(f"/api/coverage/{tiny_city.inside.community.pk}")
        .json()
    )
    am = cov["place"]["slots"]["am"]
    # Both grids of the community: 4 residents living here, 1 reported (abnormal), 3 missing.
    assert (am["expected"], am["reported"], am["abnormal"], am["missing"]) == (4, 1, 1, 3)
    by_grid = {row["id"]: row["slots"]["am"] for row in cov["children"]}
    assert by_grid[grid.pk]["reported"] == 1 and by_grid[tiny_city.sibling.grid.pk]["reported"] == 0
    # A grid worker reads their own grid only; the community's figures are not theirs.
    assert gw.get(f"/api/coverage/{tiny_city.inside.community.pk}").status_code == 404
    assert gw.get(f"/api/coverage/{tiny_city.sibling.grid.pk}/not-reported").status_code == 404
    # The not-reported list is for a grid.
    r = _client(tiny_city.users["community_admin"]).get(
        f"/api/coverage/{tiny_city.inside.community.pk}/not-reported"
    )
    assert r.status_code == 422
