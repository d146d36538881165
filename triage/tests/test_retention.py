"""Retention of closed cases (docs/retention.md): past RETENTION_CLOSED_CASE_DAYS a closed case
loses its links to the person and its free text, keeps its statistics, and leaves the pages."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.selectors import actor_for_user
from core.retention_runs import retention_run
from testkit import TinyCity
from triage.cases import case_close
from triage.models import CaseEvent, CaseStatus, CloseReason, FollowUp, TriageCase
from triage.selectors import access_case, case_list

MINUTE = timedelta(minutes=1)
STATISTICS = (
    "city_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "origin",
    "category",
    "disposition",
    "first_flagged_at",
    "triaged_at",
    "opened_at",
    "closed_at",
    "close_reason",
    "observation_start",
    "observation_end",
)


def closed(case: TriageCase, at: datetime.datetime) -> TriageCase:
    with transaction.atomic():
        TriageCase.objects.filter(pk=case.pk).update(test_result="CT 阴性")
        case.refresh_from_db()
        return case_close(case, actor=None, reason=CloseReason.RELEASED, note="解除观察", now=at)


@pytest.mark.django_db
def test_a_closed_case_past_its_days_is_anonymised_and_keeps_its_statistics(
    tiny_city: TinyCity,
) -> None:
    t0 = timezone.now()
    days = timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS)
    old_case, recent_case, open_case = TriageCase.objects.order_by("pk")[:3]
    old = closed(old_case, t0)
    recent = closed(recent_case, t0 + 2 * MINUTE)
    kept = {f: getattr(old, f) for f in STATISTICS}
    assert FollowUp.objects.filter(case=old).exists()

    with time_machine.travel(t0 + days + MINUTE, tick=False):
        assert retention_run().counts["closed_cases"] == 1
        assert retention_run().counts["closed_cases"] == 0  # twice changes nothing more

    old.refresh_from_db()
    assert {f: getattr(old, f) for f in STATISTICS} == kept
    assert old.status == CaseStatus.CLOSED and old.anonymised_at is not None
    assert (old.resident_id, old.household_id, old.flag_id) == (None, None, None)
    assert (old.note, old.test_result) == ("", "")
    assert not FollowUp.objects.filter(case=old).exists()
    events = CaseEvent.objects.filter(case=old)
    assert events.exists()  # the timeline's kinds and times stay, for durations
    assert set(events.values_list("reason", flat=True)) == {""}
    assert all(data == {} for data in events.values_list("data", flat=True))

    recent.refresh_from_db()
    assert recent.resident_id is not None and recent.anonymised_at is None
    assert CaseEvent.objects.filter(case=recent, reason="解除观察").exists()
    open_case.refresh_from_db()
    assert open_case.resident_id is not None and open_case.note

    # Statistics only: no page shows it (404 like a case outside one's area), counts still do.
    admin = actor_for_user(tiny_city.users["city_admin"])
    with pytest.raises(Http404):
        access_case(admin, old.pk)
    assert old.pk not in {c.pk for c in case_list(admin, status=CaseStatus.CLOSED)}
    assert TriageCase.objects.for_actor(admin).filter(pk=old.pk).exists()
