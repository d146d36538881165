"""The main way through triage, end to end in services: a flag handed over opens a case, the
health centre triages it, the community sends the person home for observation, their own
reports fill the follow-ups, and day 14 without symptoms releases them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import time_machine

from accounts.selectors import actor_for_user
from health.models import FlagStatus, HealthFlag, Slot
from health.reporting import ReportInput, health_reports_submit
from testkit import TinyCity
from triage.cases import case_open_from_flag
from triage.decisions import case_assess, case_disposition_set
from triage.follow_ups import observation_release_due
from triage.models import (
    CaseStatus,
    Category,
    CloseReason,
    Disposition,
    FollowUp,
    FollowUpSource,
    FollowUpStatus,
)

START = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing


def test_flag_to_release_through_home_observation(tiny_city: TinyCity) -> None:
    grid = actor_for_user(tiny_city.users["grid_worker"])
    clinician = actor_for_user(tiny_city.users["health_worker"])
    community = actor_for_user(tiny_city.users["community_admin"])
    resident_user = actor_for_user(tiny_city.users["resident"])
    flag = HealthFlag.objects.get(resident=tiny_city.inside.residents[1])
    with time_machine.travel(START, tick=False):
        case, created = case_open_from_flag(actor=grid, flag=flag, note="打电话给卫生服务中心")
        assert created and case.triage_due_since is not None
        flag.refresh_from_db()
        assert flag.status == FlagStatus.HANDED_OVER
        case = case_assess(
            actor=clinician, case=case, category=Category.FEBRILE, temperature="37.9"
        )
        assert case.triage_due_since is None and case.triaged_at is not None
        case = case_disposition_set(
            actor=community, case=case, disposition=Disposition.HOME_OBSERVATION
        )
        assert case.observation_end == datetime.date(2026, 12, 7)
        assert FollowUp.objects.filter(case=case).count() == 28
        health_reports_submit(
            actor=resident_user,
            items=[
                ReportInput(
                    resident_id=case.resident.pk,
                    day=datetime.date(2026, 11, 24),
                    slot=Slot.MORNING,
                    temperature=Decimal("36.6"),
                )
            ],
        )
    first = FollowUp.objects.get(case=case, day=datetime.date(2026, 11, 24), slot="am")
    assert first.status == FollowUpStatus.DONE and first.source == FollowUpSource.SELF_REPORT
    # Every follow-up filled normal but the last: day 14 is not over until its afternoon check.
    last = FollowUp.objects.get(case=case, day=datetime.date(2026, 12, 7), slot="pm")
    FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE).exclude(pk=last.pk).update(
        status=FollowUpStatus.DONE, temperature=Decimal("36.5")
    )
    with time_machine.travel(datetime.datetime(2026, 12, 7, 5, 0, tzinfo=datetime.UTC)):
        assert observation_release_due() == 0
        FollowUp.objects.filter(pk=last.pk).update(status=FollowUpStatus.DONE)
        assert observation_release_due() == 1
        assert observation_release_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.close_reason == CloseReason.RELEASED
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CASE_CLOSED
