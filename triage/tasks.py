"""Timed triage work: overdue follow-ups climb, transfer-queue alarms, day-14 releases, cases
of residents who moved out or died, and the people who must act are told (triage.notifying).
Each is idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from people.models import Resident
from triage.cases import GONE, cases_close_for_resident, event_add
from triage.follow_ups import follow_ups_escalate, observation_release_due
from triage.models import CaseStatus, EventKind, TriageCase
from triage.notifying import triage_tell
from triage.rules import TRANSFER_ALARM_AFTER

log = logging.getLogger(__name__)


def transfer_alarms_raise(now: datetime.datetime | None = None) -> int:
    """Everyone waiting for a bed longer than TRANSFER_ALARM_AFTER gets one alarm (on the case's
    timeline and the street's queue); a second run finds them already alarmed."""
    now = now or timezone.now()
    raised = 0
    with transaction.atomic():
        waiting = TriageCase.objects.select_for_update().filter(
            status=CaseStatus.OPEN,
            bed_wanted_since__lte=now - TRANSFER_ALARM_AFTER,
            queue_alarm_at__isnull=True,
        )
        for case in waiting:
            case.queue_alarm_at = now
            case.save(update_fields=["queue_alarm_at"])
            assert case.bed_wanted_since is not None
            minutes = int((now - case.bed_wanted_since).total_seconds() // 60)
            event_add(
                case,
                EventKind.QUEUE_ALARM,
                None,
                at=now,
                reason=_("Waiting %(minutes)s minutes for a bed.") % {"minutes": minutes},
            )
            raised += 1
    return raised


def cases_of_gone_residents_close() -> int:
    """Safety net for the registry hook: open cases of residents registered as moved out or
    deceased close with that reason."""
    closed = 0
    for resident in Resident.objects.filter(
        pk__in=TriageCase.objects.filter(status=CaseStatus.OPEN).values("resident_id"),
        status__in=list(GONE),
    ):
        closed += cases_close_for_resident(actor=None, resident=resident)
    return closed


def triage_tick(now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "follow_ups": follow_ups_escalate(now),
        "alarms": transfer_alarms_raise(now),
        "released": observation_release_due(now),
        "closed": cases_of_gone_residents_close(),
        "told": triage_tell(now),
    }


@db_periodic_task(crontab(minute="*/5"))
def triage_periodic() -> None:
    result = triage_tick()
    log.info("triage tick: %s", result)
