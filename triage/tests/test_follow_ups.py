"""Home-observation follow-ups: the person's own health report fills the slot (fever or symptoms
send them back to triage); a worker records a slot that has started and is not done yet; an
empty slot goes to the grid worker when it closes (14:00 Beijing for the morning) and to the
health centre 4 hours later, once; nothing stays due for a person who left home observation."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.roles import Role
from health.models import Presence, Slot
from health.reporting import ReportInput, health_reports_submit
from testkit import ROOT, TinyCity
from triage.decisions import case_assess, case_disposition_set
from triage.follow_ups import follow_up_record, follow_ups_escalate
from triage.models import (
    CaseEvent,
    Category,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpSource,
    FollowUpStatus,
    TriageCase,
)
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    DAY,
    START,
    act,
    beijing,
    denied,
    disposed,
    refused,
    snapshot,
)

city, clock = shared.city, shared.clock
D = datetime.timedelta


def _watched(tc: TinyCity, category: str = Category.CLOSE_CONTACT) -> TriageCase:
    return disposed(tc, category, Disposition.HOME_OBSERVATION)


def _slot(case: TriageCase, day: datetime.date = DAY, slot: str = Slot.MORNING) -> FollowUp:
    return FollowUp.objects.get(case=case, day=day, slot=slot)


def _report(
    tc: TinyCity,
    case: TriageCase,
    temperature: str = "36.5",
    *,
    role: str = "resident",
    slot: str = Slot.MORNING,
    **kwargs: Any,
) -> None:
    health_reports_submit(
        actor=act(tc, role),
        items=[
            ReportInput(
                resident_id=case.resident.pk,
                day=DAY,
                slot=slot,
                temperature=Decimal(temperature) if temperature else None,
                **kwargs,
            )
        ],
    )


def test_the_persons_own_report_fills_the_slot(city: TinyCity, clock: Any) -> None:
    case = _watched(city)
    clock.shift(D(minutes=20))
    _report(city, case, "36.6")
    filled = _slot(case)
    assert filled.status == FollowUpStatus.DONE and filled.source == FollowUpSource.SELF_REPORT
    assert filled.temperature == Decimal("36.6") and not filled.abnormal
    assert filled.report_id is not None and filled.done_by_id == city.users["resident"].pk
    assert filled.done_at == START + D(minutes=20)
    # The afternoon and the other days stay due; the case is not sent back to triage.
    assert _slot(case, slot=Slot.AFTERNOON).status == FollowUpStatus.DUE
    assert TriageCase.objects.get(pk=case.pk).triage_due_since is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.FOLLOW_UP)
    assert event.to_value == f"{DAY} am" and event.data["source"] == "self_report"
    # The same report sent again fills nothing more.
    before = snapshot()
    _report(city, case, "36.6")
    assert snapshot() == before


@pytest.mark.parametrize(("temperature", "symptoms"), [("38.2", 0), ("37.3", 0), ("36.5", 2)])
def test_a_report_with_fever_or_symptoms_sends_the_person_back_to_triage(
    city: TinyCity, clock: Any, temperature: str, symptoms: int
) -> None:
    case = _watched(city)
    clock.shift(D(hours=1))
    _report(city, case, temperature, symptoms=symptoms)
    assert _slot(case).abnormal
    row = TriageCase.objects.get(pk=case.pk)
    assert row.triage_due_since == START + D(hours=1)
    assert row.pk in TriageCase.objects.awaiting_triage().values_list("pk", flat=True)
    escalated = CaseEvent.objects.get(case=case, kind=EventKind.ESCALATED)
    assert escalated.at == START + D(hours=1) and escalated.reason
    # The health centre reassesses: the same category keeps the person at home; off the queue.
    case_assess(
        actor=act(city, "health_worker"), case=row, category=Category.CLOSE_CONTACT, notes="复测"
    )
    row.refresh_from_db()
    assert row.triage_due_since is None and row.disposition == Disposition.HOME_OBSERVATION


def test_a_declared_contact_alone_does_not_send_a_close_contact_back(city: TinyCity) -> None:
    """Every close contact has a contact to declare: only fever or symptoms count."""
    case = _watched(city)
    _report(city, case, "36.5", contact=True)
    assert _slot(case).status == FollowUpStatus.DONE and not _slot(case).abnormal
    assert TriageCase.objects.get(pk=case.pk).triage_due_since is None


def test_a_screeners_report_fills_the_slot_as_a_workers_check(city: TinyCity) -> None:
    case = _watched(city)
    _report(city, case, "36.4", role="grid_worker")
    assert _slot(case).source == FollowUpSource.WORKER
    assert _slot(case).done_by_id == city.users["grid_worker"].pk


def test_a_report_of_a_person_not_found_at_home_fills_nothing(city: TinyCity) -> None:
    case = _watched(city)
    _report(city, case, "", role="grid_worker", presence=Presence.NOBODY_HOME)
    assert _slot(case).status == FollowUpStatus.DUE


def test_a_worker_records_a_started_slot_once(city: TinyCity, clock: Any) -> None:
    case = _watched(city)
    grid = act(city, "grid_worker")
    morning = _slot(case)
    clock.shift(D(hours=1))
    follow_up_record(actor=grid, follow_up=morning, temperature="36.7", note="电话随访")
    morning.refresh_from_db()
    assert (morning.status, morning.source, morning.done_by_id) == (
        FollowUpStatus.DONE,
        FollowUpSource.WORKER,
        grid.user_id,
    )
    assert morning.note == "电话随访" and morning.done_at == START + D(hours=1)
    refused(
        lambda: follow_up_record(actor=grid, follow_up=morning, temperature="36.7"),
        "status",
        "not_due",
    )


@pytest.mark.parametrize(
    ("now", "day", "slot"),
    [
        (beijing(DAY, 11, 59), DAY, Slot.AFTERNOON),  # still morning: the afternoon is ahead
        (beijing(DAY, 23, 0), DAY + D(days=1), Slot.MORNING),
        (beijing(DAY, 9, 0), DAY + D(days=5), Slot.AFTERNOON),
    ],
)
def test_a_follow_up_for_a_future_slot_is_refused(
    city: TinyCity, clock: Any, now: datetime.datetime, day: datetime.date, slot: str
) -> None:
    case = _watched(city)
    clock.move_to(now)
    refused(
        lambda: follow_up_record(
            actor=act(city, "grid_worker"),
            follow_up=_slot(case, day, slot),
            temperature="36.5",
        ),
        "slot",
        "future",
    )


def test_the_afternoon_slot_opens_at_noon(city: TinyCity, clock: Any) -> None:
    case = _watched(city)
    clock.move_to(beijing(DAY, 12, 0))
    follow_up_record(
        actor=act(city, "health_worker"),
        follow_up=_slot(case, slot=Slot.AFTERNOON),
        temperature="36.5",
    )
    assert _slot(case, slot=Slot.AFTERNOON).source == FollowUpSource.HEALTH_CENTRE


def test_a_worker_records_fever_and_the_person_goes_back_to_triage(city: TinyCity) -> None:
    case = _watched(city)
    follow_up_record(
        actor=act(city, "community_admin"), follow_up=_slot(case), temperature="38.0", symptoms=2
    )
    assert TriageCase.objects.get(pk=case.pk).triage_due_since == START


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"temperature": ""}, "temperature"), ({"temperature": "36.5", "symptoms": -3}, "symptoms")],
)
def test_bad_follow_up_input_is_refused(city: TinyCity, kwargs: dict[str, Any], field: str) -> None:
    case = _watched(city)
    refused(
        lambda: follow_up_record(actor=act(city, "grid_worker"), follow_up=_slot(case), **kwargs),
        field,
    )


@pytest.mark.parametrize("role", list(Role.values))
def test_who_records_a_follow_up(city: TinyCity, role: str) -> None:
    case = _watched(city)

    def record() -> FollowUp:
        return follow_up_record(actor=act(city, role), follow_up=_slot(case), temperature="36.5")

    if role in (Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER):
        assert record().status == FollowUpStatus.DONE
    else:
        denied(record)


def test_a_follow_up_outside_the_area_is_refused(city: TinyCity) -> None:
    sibling = disposed(
        city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION, chain=city.sibling
    )
    # The grid worker's grid is not the sibling grid.
    denied(
        lambda: follow_up_record(
            actor=act(city, "grid_worker"), follow_up=_slot(sibling), temperature="36.5"
        )
    )
    # The system account may (it used to match nothing).
    follow_up_record(actor=ROOT, follow_up=_slot(sibling), temperature="36.5")
    assert _slot(sibling).status == FollowUpStatus.DONE


def test_an_empty_slot_climbs_from_the_grid_worker_to_the_health_centre_once(
    city: TinyCity, clock: Any
) -> None:
    case = _watched(city)
    morning, afternoon = _slot(case), _slot(case, slot=Slot.AFTERNOON)

    def run_twice_at(when: datetime.datetime) -> dict[str, int]:
        clock.move_to(when)
        first = follow_ups_escalate()
        before = snapshot()
        assert follow_ups_escalate() == {"grid_worker": 0, "health_centre": 0}
        assert snapshot() == before
        return first

    def level(f: FollowUp) -> str:
        f.refresh_from_db()
        return f.level

    # The tiny city's own close contacts in home observation climb alongside; count ours.
    run_twice_at(beijing(DAY, 13, 59))
    assert level(morning) == FollowUpLevel.NONE
    assert run_twice_at(beijing(DAY, 14, 0))["grid_worker"] >= 1
    assert level(morning) == FollowUpLevel.GRID_WORKER
    assert morning.escalated_at == beijing(DAY, 14, 0)
    run_twice_at(beijing(DAY, 17, 59))
    assert level(morning) == FollowUpLevel.GRID_WORKER
    assert run_twice_at(beijing(DAY, 18, 0))["health_centre"] >= 1
    assert level(morning) == FollowUpLevel.HEALTH_CENTRE
    assert morning.escalated_at == beijing(DAY, 18, 0)
    # The afternoon slot closes at midnight, and climbs at 04:00.
    assert level(afternoon) == FollowUpLevel.NONE
    run_twice_at(beijing(DAY + D(days=1), 0, 0))
    assert level(afternoon) == FollowUpLevel.GRID_WORKER
    run_twice_at(beijing(DAY + D(days=1), 4, 0))
    assert level(afternoon) == FollowUpLevel.HEALTH_CENTRE
    # A late check still counts, and the slot leaves every list.
    follow_up_record(actor=act(city, "grid_worker"), follow_up=morning, temperature="36.5")
    assert FollowUp.objects.get(pk=morning.pk).status == FollowUpStatus.DONE
    assert run_twice_at(beijing(DAY + D(days=1), 5, 0)) == {"grid_worker": 0, "health_centre": 0}


def test_a_slot_filled_in_time_never_climbs(city: TinyCity, clock: Any) -> None:
    case = _watched(city)
    _report(city, case, "36.5")
    clock.move_to(beijing(DAY + D(days=1), 9, 0))
    follow_ups_escalate()
    assert _slot(case).level == FollowUpLevel.NONE


@pytest.mark.parametrize(
    "disposition", [Disposition.HOSPITAL, Disposition.ISOLATION, Disposition.RELEASED]
)
def test_a_person_leaving_home_observation_has_nothing_due(
    city: TinyCity, clock: Any, disposition: str
) -> None:
    case = _watched(city, Category.FEBRILE)
    clock.shift(D(hours=2))
    case_disposition_set(
        actor=act(city, "community_admin"), case=case, disposition=disposition, reason="转出"
    )
    assert not FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE).exists()
    # Nothing of theirs climbs later, and their own reports fill nothing.
    clock.move_to(beijing(DAY + D(days=2), 9, 0))
    follow_ups_escalate()
    assert not FollowUp.objects.filter(case=case).exclude(level="").exists()
    refused(
        lambda: follow_up_record(
            actor=act(city, "grid_worker"), follow_up=_slot(case), temperature="36.5"
        ),
        "status",
        "not_due",
    )


def test_back_home_after_isolation_the_slots_are_due_again(city: TinyCity, clock: Any) -> None:
    case = _watched(city, Category.FEBRILE)
    office = act(city, "community_admin")
    clock.move_to(beijing(DAY + D(days=2), 9, 0))
    case_disposition_set(
        actor=office, case=case, disposition=Disposition.ISOLATION, reason="家中无隔离条件"
    )
    clock.move_to(beijing(DAY + D(days=4), 15, 0))
    case_disposition_set(
        actor=office, case=case, disposition=Disposition.HOME_OBSERVATION, reason="条件具备"
    )
    row = TriageCase.objects.get(pk=case.pk)
    start = DAY + D(days=4)
    assert row.observation_start == start and row.observation_end == start + D(days=13)
    due = FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE)
    # From this afternoon to the end: 13 full days and this afternoon.
    assert due.count() == 27
    assert set(due.values_list("day", flat=True)) == {start + D(days=i) for i in range(14)}
    assert not due.filter(day=start, slot=Slot.MORNING).exists()
    assert not due.exclude(level="").exists()
