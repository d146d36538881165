"""The health pages: a resident's household report, coverage, the call list and flags."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from core.models import AuditEvent
from health.models import FlagStatus, HealthFlag, HealthReport
from testkit import TinyCity

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


@pytest.fixture
def morning() -> Any:
    with time_machine.travel(MORNING, tick=False) as t:
        yield t


def _form(page: str) -> dict[str, str]:
    import re

    once = re.search(r'name="once" value="([^"]+)"', page)
    assert once, "the form carries a one-time token"
    return {"once": once.group(1), "day": "2026-11-24", "slot": "am"}


@pytest.mark.django_db
def test_resident_reports_the_household_in_one_form_once(tiny_city: TinyCity, morning: Any) -> None:
    c = _client(tiny_city, "resident")
    head, elder = tiny_city.inside.residents
    page = c.get("/health/report/")
    assert page.status_code == 200
    text = page.content.decode()
    assert head.person.name in text and elder.person.name in text
    form = _form(text) | {
        f"t_{head.pk}": "36.6",
        f"t_{elder.pk}": "３７,９",
        f"s_{elder.pk}": ["cough", "fatigue"],
    }
    r = c.post("/health/report/", form)
    assert r.status_code == 302
    assert HealthReport.objects.count() == 2
    elder_report = HealthReport.objects.get(resident=elder)
    assert str(elder_report.temperature) == "37.9" and elder_report.abnormal
    assert elder_report.source == "household"  # the phone holder reported for a parent
    # The same form sent again (a double tap): nothing new.
    again = c.post("/health/report/", form, follow=True)
    assert HealthReport.objects.count() == 2
    assert "已" in again.content.decode() or "already" in again.content.decode()
    # Both members now show as reported; nothing left to send in this slot.
    done = c.get("/health/report/").content.decode()
    assert done.count('data-testid="member-done"') == 2
    assert 'data-testid="all-done"' in done


@pytest.mark.django_db
def test_one_wrong_temperature_stores_nothing_and_names_the_member(
    tiny_city: TinyCity, morning: Any
) -> None:
    c = _client(tiny_city, "resident")
    head, elder = tiny_city.inside.residents
    form = _form(c.get("/health/report/").content.decode())
    r = c.post("/health/report/", form | {f"t_{head.pk}": "36.5", f"t_{elder.pk}": "3.65"})
    assert r.status_code == 400
    assert 'data-testid="member-error"' in r.content.decode()
    assert not HealthReport.objects.exists()
    # Nothing typed at all: asked for at least one temperature.
    empty = c.post("/health/report/", _form(c.get("/health/report/").content.decode()))
    assert empty.status_code == 400 and not HealthReport.objects.exists()


@pytest.mark.django_db
def test_the_report_page_is_for_residents(tiny_city: TinyCity, morning: Any) -> None:
    assert _client(tiny_city, "grid_worker").get("/health/report/").status_code == 403
    # A resident's health home is their report.
    r = _client(tiny_city, "resident").get("/health/")
    assert r.status_code == 302 and r["Location"] == "/health/report/"


@pytest.mark.django_db
def test_coverage_page_and_call_list(tiny_city: TinyCity, morning: Any) -> None:
    head, spouse = tiny_city.inside.residents
    c = _client(tiny_city, "resident")
    c.post(
        "/health/report/",
        _form(c.get("/health/report/").content.decode()) | {f"t_{head.pk}": "36.5"},
    )
    gw = _client(tiny_city, "grid_worker")
    grid = tiny_city.inside.grid
    page = gw.get(f"/health/coverage/{grid.pk}/").content.decode()
    assert 'data-testid="total-am"' in page and "1/<wbr>2" in page  # may wrap after "/"
    calls = gw.get(f"/health/coverage/{grid.pk}/missing/")
    text = calls.content.decode()
    assert spouse.person.name in text and head.person.name not in text
    # The call list dials the real number, and opening it is recorded (without the numbers).
    assert f'href="tel:{spouse.person.phone}"' in text
    event = AuditEvent.objects.filter(action="view_call_list").latest("pk")
    assert event.user_id == tiny_city.users["grid_worker"].pk
    assert spouse.person.phone not in str(event.detail)
    # The community admin sees the community with one row per grid; the grid worker does not.
    community = tiny_city.inside.community.pk
    table = _client(tiny_city, "community_admin").get(f"/health/coverage/{community}/")
    assert table.content.decode().count('data-testid="coverage-row"') == 2
    assert gw.get(f"/health/coverage/{community}/").status_code == 404


@pytest.mark.django_db
def test_flag_page_hands_over_once_with_a_note(tiny_city: TinyCity, morning: Any) -> None:
    flag = HealthFlag.objects.get(resident=tiny_city.inside.residents[1])
    gw = _client(tiny_city, "grid_worker")
    listed = gw.get("/health/flags/").content.decode()
    assert tiny_city.inside.residents[1].person.name in listed and "【SIB】" not in listed
    page = gw.get(f"/health/flags/{flag.pk}/").content.decode()
    import re

    once = re.search(r'name="once" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    missing_note = gw.post(f"/health/flags/{flag.pk}/handover/", {"once": once})
    assert missing_note.status_code == 400
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    r = gw.post(
        f"/health/flags/{flag.pk}/handover/",
        {"once": once, "note": "已电话告知卫生服务中心"},
    )
    assert r.status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER and flag.close_note == "已电话告知卫生服务中心"
    # Building heads see flags but do not handle them.
    bh = _client(tiny_city, "building_head").get(f"/health/flags/{flag.pk}/").content.decode()
    assert 'data-testid="flag-form"' not in bh


@pytest.mark.django_db
def test_health_home_tells_the_community_admin_of_an_unwell_worker(
    tiny_city: TinyCity, morning: Any
) -> None:
    from accounts.selectors import actor_for_user
    from health.workers import worker_health_report

    worker_health_report(
        actor=actor_for_user(tiny_city.users["grid_worker"]),
        temperature="38.0",
        symptoms=["cough"],
        contact="no",
    )
    page = _client(tiny_city, "community_admin").get("/health/").content.decode()
    link = page[page.index('data-testid="workers-link"') :].split("</a>")[0]
    assert "1 人身体不适" in link
    # The grid worker's own health home has no such list.
    assert (
        'data-testid="workers-link"'
        not in _client(tiny_city, "grid_worker").get("/health/").content.decode()
    )


@pytest.mark.django_db
def test_a_form_kept_in_the_outbox_counts_when_it_was_filled_in(tiny_city: TinyCity) -> None:
    head = tiny_city.inside.residents[0]
    c = _client(tiny_city, "resident")
    # Filled in at 13:50 in Beijing with no network; the phone sends it at 14:10.
    filled = datetime.datetime(2026, 11, 24, 5, 50, tzinfo=datetime.UTC)
    with time_machine.travel(filled, tick=False):
        form = _form(c.get("/health/report/").content.decode())
    with time_machine.travel(filled + datetime.timedelta(minutes=20), tick=False):
        r = c.post(
            "/health/report/",
            form | {f"t_{head.pk}": "36.4", "recorded_at": "2026-11-24T05:50:00.000Z"},
        )
        assert r.status_code == 302
    report = HealthReport.objects.get(resident=head)
    assert (report.slot, str(report.day)) == ("am", "2026-11-24")
    # Without the outbox's time the closed morning round is refused, and nothing is stored.
    with time_machine.travel(filled + datetime.timedelta(minutes=20), tick=False):
        late = c.post(
            "/health/report/",
            _form(c.get("/health/report/").content.decode())
            | {"slot": "am", f"t_{tiny_city.inside.residents[1].pk}": "36.4"},
        )
    assert late.status_code == 400
    assert HealthReport.objects.count() == 1
