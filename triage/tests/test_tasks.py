"""The timed steps are idempotent: run twice at the same moment, the second run changes nothing
(every triage table compared in full). Transfer-queue alarms, day-14 releases, the safety net
for residents registered gone, and the whole periodic tick."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from people.models import Resident, ResidentStatus
from testkit import TinyCity
from triage.decisions import bed_assign, case_disposition_set
from triage.follow_ups import follow_ups_escalate, observation_release_due
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpStatus,
    TriageCase,
)
from triage.tasks import cases_of_gone_residents_close, transfer_alarms_raise, triage_tick
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    DAY,
    START,
    act,
    beijing,
    disposed,
    isolation_site,
    snapshot,
    triaged,
)

city, clock = shared.city, shared.clock
D = datetime.timedelta


def _second_run_changes_nothing(step: Any) -> Any:
    first = step()
    before = snapshot()
    second = step()
    assert snapshot() == before
    return first, second


def test_transfer_alarms_are_raised_once(city: TinyCity, clock: Any) -> None:
    case = disposed(city, Category.SUSPECTED, Disposition.ISOLATION)
    clock.shift(D(hours=1, minutes=59))
    assert _second_run_changes_nothing(transfer_alarms_raise) == (0, 0)
    clock.shift(D(minutes=1))
    assert _second_run_changes_nothing(transfer_alarms_raise) == (1, 0)
    row = TriageCase.objects.get(pk=case.pk)
    assert row.queue_alarm_at == START + D(hours=2)
    alarm = CaseEvent.objects.get(case=case, kind=EventKind.QUEUE_ALARM)
    assert alarm.by_id is None and alarm.at == START + D(hours=2) and "120" in alarm.reason
    # Later runs find it alarmed; a bed ends the wait, and a new wait may alarm again.
    clock.shift(D(hours=5))
    assert transfer_alarms_raise() == 0
    office = act(city, "street_admin")
    bed_assign(actor=office, case=row, site=isolation_site(city))
    assert TriageCase.objects.get(pk=case.pk).queue_alarm_at is None
    case_disposition_set(actor=office, case=row, disposition=Disposition.HOSPITAL, reason="转院")
    clock.shift(D(hours=2))
    assert _second_run_changes_nothing(transfer_alarms_raise) == (1, 0)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.QUEUE_ALARM).count() == 2


def _all_done(case: TriageCase, *, abnormal_last: bool = False) -> None:
    FollowUp.objects.filter(case=case).update(
        status=FollowUpStatus.DONE, temperature=Decimal("36.5")
    )
    if abnormal_last:
        assert case.observation_end is not None
        FollowUp.objects.filter(case=case, day=case.observation_end, slot="pm").update(
            abnormal=True, temperature=Decimal("38.0")
        )


@pytest.mark.parametrize("category", [Category.FEBRILE, Category.CLOSE_CONTACT])
def test_day_14_without_symptoms_releases_once(city: TinyCity, clock: Any, category: str) -> None:
    case = disposed(city, category, Disposition.HOME_OBSERVATION)
    end = DAY + D(days=13)
    assert TriageCase.objects.get(pk=case.pk).observation_end == end
    _all_done(TriageCase.objects.get(pk=case.pk))
    # Not before the last day; on the last day once both its checks are in.
    clock.move_to(beijing(end - D(days=1), 22, 0))
    assert observation_release_due() == 0
    clock.move_to(beijing(end, 21, 0))
    assert _second_run_changes_nothing(observation_release_due) == (1, 0)
    row = TriageCase.objects.get(pk=case.pk)
    assert row.status == CaseStatus.CLOSED and row.close_reason == CloseReason.RELEASED
    assert row.disposition == Disposition.RELEASED and row.closed_at == beijing(end, 21, 0)
    release = CaseEvent.objects.get(case=case, kind=EventKind.DISPOSITION, to_value="released")
    assert release.by_id is None and release.from_value == Disposition.HOME_OBSERVATION
    assert release.reason
    assert CaseEvent.objects.get(case=case, kind=EventKind.CLOSED).reason == release.reason


def test_no_release_with_a_check_missing_or_abnormal_or_back_in_triage(
    city: TinyCity, clock: Any
) -> None:
    missing = disposed(city, Category.FEBRILE, Disposition.HOME_OBSERVATION)
    abnormal = disposed(city, Category.FEBRILE, Disposition.HOME_OBSERVATION)
    queued = disposed(city, Category.FEBRILE, Disposition.HOME_OBSERVATION)
    end = DAY + D(days=13)
    for case in (missing, abnormal, queued):
        _all_done(TriageCase.objects.get(pk=case.pk), abnormal_last=case is abnormal)
    FollowUp.objects.filter(case=missing, day=end, slot="pm").update(status=FollowUpStatus.DUE)
    TriageCase.objects.filter(pk=queued.pk).update(triage_due_since=START + D(days=12))
    clock.move_to(beijing(end + D(days=1), 9, 0))
    before = snapshot()
    assert observation_release_due() == 0
    assert snapshot() == before


def test_the_safety_net_closes_cases_of_residents_registered_gone(
    city: TinyCity, clock: Any
) -> None:
    isolated = disposed(city, Category.CLOSE_CONTACT, Disposition.ISOLATION)
    bed_assign(actor=act(city, "street_admin"), case=isolated, site=isolation_site(city))
    watched = triaged(city, Category.FEBRILE)
    # As a bulk import would leave them: the registry changed without the service.
    Resident.objects.filter(pk=isolated.resident.pk).update(status=ResidentStatus.DECEASED)
    Resident.objects.filter(pk=watched.resident.pk).update(status=ResidentStatus.MOVED_OUT)
    clock.shift(D(minutes=5))
    assert _second_run_changes_nothing(cases_of_gone_residents_close) == (2, 0)
    for case, reason in (
        (isolated, CloseReason.DECEASED),
        (watched, CloseReason.MOVED_OUT),
    ):
        row = TriageCase.objects.get(pk=case.pk)
        assert row.status == CaseStatus.CLOSED and row.close_reason == reason
        closed = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
        assert closed.by_id is None and closed.to_value == reason
    assert isolation_site(city).occupied == 0


def test_the_tick_twice_changes_nothing_the_second_time(city: TinyCity, clock: Any) -> None:
    """Every step has work: overdue slots, a long wait for a bed, a release, a gone resident."""
    overdue = disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    waiting = disposed(city, Category.SUSPECTED, Disposition.HOSPITAL)
    releasable = disposed(city, Category.FEBRILE, Disposition.HOME_OBSERVATION)
    gone = triaged(city, Category.FEBRILE)
    _all_done(TriageCase.objects.get(pk=releasable.pk))
    Resident.objects.filter(pk=gone.resident.pk).update(status=ResidentStatus.DECEASED)
    # Day 14 of the releasable one, 21:00: the others' slots are long overdue.
    clock.move_to(beijing(DAY + D(days=13), 21, 0))
    first, second = _second_run_changes_nothing(triage_tick)
    assert first["released"] == 1 and first["closed"] == 1 and first["alarms"] == 1
    assert first["follow_ups"]["grid_worker"] > 0 and first["follow_ups"]["health_centre"] > 0
    assert second == {
        "follow_ups": {"grid_worker": 0, "health_centre": 0},
        "alarms": 0,
        "released": 0,
        "closed": 0,
        "told": {"due": 0, "overdue": 0, "waiting": 0},
    }
    assert FollowUp.objects.filter(case=overdue, level="health_centre").exists()
    assert TriageCase.objects.get(pk=waiting.pk).queue_alarm_at is not None
    # And again a little later: only what newly fell due moves.
    clock.shift(D(minutes=5))
    _second_run_changes_nothing(triage_tick)
    clock.shift(D(hours=3))  # past midnight: the afternoon slot of day 14 closes
    result, _ = _second_run_changes_nothing(triage_tick)
    assert result["follow_ups"]["grid_worker"] > 0


def test_escalation_run_twice_at_the_same_moment(city: TinyCity, clock: Any) -> None:
    disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    clock.move_to(beijing(DAY + D(days=2), 20, 0))
    first, second = _second_run_changes_nothing(follow_ups_escalate)
    assert first["grid_worker"] > 0 and first["health_centre"] > 0
    assert second == {"grid_worker": 0, "health_centre": 0}
