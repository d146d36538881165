"""Reminders that escalate (issue 17 item 4): the household at the city's first time, the grid
worker later, the community admin later still; each once per level and slot, nothing in quiet
hours; a household without an account by text to its contact number; conversion measured."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import Grant
from core.actor import Actor
from health.models import HealthReport, ReminderSchedule, ReportReminder
from health.reminder_selectors import reminder_conversion
from health.reminders import reminders_run
from health.reporting import health_report_submit, report_input
from notifications.models import Delivery, Notification
from places.models import Household
from testkit import ROOT, TinyCity

DAY = datetime.date(2026, 11, 24)  # a Tuesday


def beijing(hour: int, minute: int = 5) -> datetime.datetime:
    return datetime.datetime(2026, 11, 24, hour - 8, minute, tzinfo=datetime.UTC)


def run_at(hour: int, minute: int = 5) -> dict[str, int]:
    with time_machine.travel(beijing(hour, minute), tick=False):
        return reminders_run()


def lines(user: Any, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def report(tc: TinyCity, resident: Any, hour: int, minute: int = 0) -> None:
    with time_machine.travel(beijing(hour, minute), tick=False):
        data = report_input({"resident": resident.pk, "temperature": "36.5", "symptoms": ["none"]})
        health_report_submit(actor=ROOT, data=data)


@pytest.fixture
def no_texts_to_households(tiny_city: TinyCity) -> None:
    Household.objects.update(phone="")


def test_nothing_before_the_citys_time(tiny_city: TinyCity) -> None:
    assert run_at(8, 55) == {}
    assert not ReportReminder.objects.exists()
    assert not Notification.objects.filter(kind="report_reminder").exists()


def test_the_household_is_reminded_once_and_reporters_are_not(tiny_city: TinyCity) -> None:
    resident = tiny_city.users["resident"]
    # The sibling household reports; the resident's own has not.
    for r in tiny_city.sibling.residents:
        report(tiny_city, r, 8)
    run_at(9)
    assert lines(resident, "report_reminder") == 1
    reminded = set(ReportReminder.objects.filter(level=1).values_list("household_id", flat=True))
    assert tiny_city.inside.household.pk in reminded
    assert tiny_city.sibling.household.pk not in reminded
    # The job runs every five minutes: nothing twice.
    run_at(9, 10)
    run_at(9, 15)
    assert lines(resident, "report_reminder") == 1
    assert ReportReminder.objects.filter(household=tiny_city.inside.household).count() == 1


def test_a_household_half_reported_is_still_reminded(tiny_city: TinyCity) -> None:
    report(tiny_city, tiny_city.inside.residents[0], 8)
    run_at(9)
    assert lines(tiny_city.users["resident"], "report_reminder") == 1


def test_the_grid_worker_then_the_community_admin(tiny_city: TinyCity) -> None:
    worker, admin = tiny_city.users["grid_worker"], tiny_city.users["community_admin"]
    run_at(9)
    assert lines(worker, "report_missing") == 0
    run_at(11)
    line = Notification.objects.get(recipient=worker, kind="report_missing")
    assert line.params["count"] == str(len(tiny_city.inside.residents))
    assert line.params["place"] == tiny_city.inside.grid.name
    assert line.link.endswith(f"/coverage/{tiny_city.inside.grid.pk}/missing/")
    assert lines(admin, "report_missing_escalated") == 0
    run_at(13)
    run_at(13, 10)
    esc = Notification.objects.get(recipient=admin, kind="report_missing_escalated")
    # The community's two grids: inside and sibling, two residents each.
    assert esc.params["count"] == "4"
    assert lines(worker, "report_missing") == 1


def test_the_other_districts_grid_worker_hears_only_of_their_own_grid(
    tiny_city: TinyCity,
) -> None:
    run_at(11)
    for line in Notification.objects.filter(kind="report_missing"):
        grants = Grant.objects.filter(user=line.recipient, role="grid_worker")
        assert line.params["place"] in {g.place.name for g in grants if g.place}


def test_quiet_hours_hold_a_level_until_they_end(tiny_city: TinyCity) -> None:
    ReminderSchedule.objects.filter(city=tiny_city.city).update(
        quiet_from=datetime.time(8, 0), quiet_until=datetime.time(10, 0)
    )
    run_at(9, 30)
    assert not ReportReminder.objects.exists()
    run_at(10)
    assert lines(tiny_city.users["resident"], "report_reminder") == 1


def test_a_household_without_an_account_is_texted_at_its_number(tiny_city: TinyCity) -> None:
    sib = tiny_city.sibling.household
    Household.objects.filter(pk=sib.pk).update(phone="13347370001")
    Household.objects.filter(pk=tiny_city.inside.household.pk).update(phone="13347370002")
    run_at(9)
    run_at(9, 10)
    texts = Delivery.objects.filter(dedupe_key__startswith="report-reminder")
    # Only the sibling household: the inside one has a member with an account.
    assert list(texts.values_list("phone", flat=True)) == ["13347370001"]
    assert texts.get().params == {"slot": "上午"}


def test_the_city_can_turn_household_texts_off(tiny_city: TinyCity) -> None:
    ReminderSchedule.objects.filter(city=tiny_city.city).update(text_household_phones=False)
    Household.objects.update(phone="13347370001")
    run_at(9)
    assert not Delivery.objects.filter(dedupe_key__startswith="report-reminder").exists()


def test_a_resident_who_switched_texts_on_gets_one(tiny_city: TinyCity) -> None:
    from notifications.services import preference_set

    resident = tiny_city.users["resident"]
    resident.phone = "13347370009"
    resident.save(update_fields=["phone"])
    preference_set(
        actor=Actor(user_id=resident.pk), kind="report_reminder", channel="text", enabled=True
    )
    run_at(9)
    run_at(9, 10)
    assert Delivery.objects.filter(phone="13347370009", template="report_reminder").count() == 1


def test_a_resident_who_switched_the_inbox_off_gets_no_line(tiny_city: TinyCity) -> None:
    from notifications.services import preference_set

    resident = tiny_city.users["resident"]
    preference_set(
        actor=Actor(user_id=resident.pk), kind="report_reminder", channel="in_app", enabled=False
    )
    run_at(9)
    assert lines(resident, "report_reminder") == 0


def test_conversion_counts_reports_within_an_hour(tiny_city: TinyCity) -> None:
    run_at(9)
    report(tiny_city, tiny_city.inside.residents[0], 9, 35)  # 30 minutes after
    report(tiny_city, tiny_city.sibling.residents[0], 11, 10)  # two hours after
    grid = tiny_city.inside.grid
    c = reminder_conversion(Actor(user_id=None), grid, DAY, "am")
    assert (c.reminded, c.reported_within_hour, c.rate) == (1, 1, 100)
    sib = reminder_conversion(Actor(user_id=None), tiny_city.sibling.grid, DAY, "am")
    assert (sib.reminded, sib.reported_within_hour) == (1, 0)


def test_the_call_list_shows_the_chase_to_its_grid_worker_only(tiny_city: TinyCity) -> None:
    run_at(9)
    grid = tiny_city.inside.grid
    c = Client()
    c.force_login(tiny_city.users["grid_worker"])
    with time_machine.travel(beijing(9, 20), tick=False):
        page = c.get(f"/health/coverage/{grid.pk}/missing/").content.decode()
    assert 'data-testid="reminder-conversion"' in page
    assert 'data-testid="household-reminded"' in page
    other = Client()
    other.force_login(tiny_city.users["grid_worker"])
    sib_page = other.get(f"/health/coverage/{tiny_city.other_district.grid.pk}/missing/")
    assert sib_page.status_code == 404


def test_the_reminder_schedule_is_the_citys_admins_alone(tiny_city: TinyCity) -> None:
    city = Client()
    city.force_login(tiny_city.users["city_admin"])
    assert city.get("/admin/health/reminderschedule/").status_code == 200
    district = Client()
    district.force_login(tiny_city.users["district_admin"])
    page = district.get("/admin/health/reminderschedule/")
    assert page.status_code == 200  # a setup role: the list opens, and it is empty
    assert "0 " in page.content.decode() or "reminderschedule/1/" not in page.content.decode()
    s = ReminderSchedule.objects.get()
    assert district.get(f"/admin/health/reminderschedule/{s.pk}/change/").status_code == 404
    assert HealthReport.objects.count() == 0


def test_later_levels_chase_only_the_households_still_missing(tiny_city: TinyCity) -> None:
    run_at(9)
    for r in tiny_city.inside.residents:
        report(tiny_city, r, 10)  # the inside household answers its reminder
    run_at(11)
    worker = tiny_city.users["grid_worker"]
    # Nobody of the worker's grid is missing any more: no line for them.
    assert lines(worker, "report_missing") == 0
    level2 = set(ReportReminder.objects.filter(level=2).values_list("household_id", flat=True))
    assert tiny_city.inside.household.pk not in level2
    assert tiny_city.sibling.household.pk in level2
