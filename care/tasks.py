"""Timed care work: the no-contact alarm, the safety net for carers who lost their grant, and
the carers told of their overdue contacts (care.notifying).
Each is idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts.models import Grant
from care.models import CareAssignment, EndReason
from care.notifying import care_overdue_tell
from care.policies import COMMUNITY_CARER_ROLES
from care.rules import NO_CONTACT_ALARM_AFTER
from core.roles import Role

log = logging.getLogger(__name__)


def care_alarms_raise(now: datetime.datetime | None = None) -> int:
    """Active assignments with no successful contact for NO_CONTACT_ALARM_AFTER since the later
    of their start and their last success get the alarm once; a second run finds them alarmed."""
    now = now or timezone.now()
    cutoff = now - NO_CONTACT_ALARM_AFTER
    with transaction.atomic():
        silent = CareAssignment.objects.select_for_update().filter(
            Q(last_success_at__isnull=True) | Q(last_success_at__lte=cutoff),
            ended_at__isnull=True,
            alarm_at__isnull=True,
            started_at__lte=cutoff,
        )
        ids = list(silent.values_list("pk", flat=True))
        if ids:
            CareAssignment.objects.filter(pk__in=ids, alarm_at__isnull=True).update(alarm_at=now)
    return len(ids)


def care_orphans_release(now: datetime.datetime | None = None) -> int:
    """Safety net: an active assignment whose carer no longer holds a carer grant there (a cadre
    removed from the community, a grid worker moved, an account switched off) ends as "carer
    left", so its household shows on the handover list instead of being silently left."""
    now = now or timezone.now()
    at_community = Grant.objects.filter(
        user_id=OuterRef("carer_id"),
        role__in=COMMUNITY_CARER_ROLES,
        place_id=OuterRef("community_id"),
    )
    at_grid = Grant.objects.filter(
        user_id=OuterRef("carer_id"), role=Role.GRID_WORKER, place_id=OuterRef("grid_id")
    )
    released = 0
    with transaction.atomic():
        orphans = (
            CareAssignment.objects.select_for_update()
            .filter(ended_at__isnull=True)
            .filter(~Exists(at_community) & ~Exists(at_grid) | Q(carer__is_active=False))
        )
        for row in orphans:
            row.ended_at = now
            row.end_reason = EndReason.CARER_LEFT
            row.end_note = _("The carer no longer holds a carer role here.")
            row.ended_by_id = None
            row.save(update_fields=["ended_at", "end_reason", "end_note", "ended_by"])
            released += 1
    return released


def care_tick(now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "released": care_orphans_release(now),
        "alarms": care_alarms_raise(now),
        "told": care_overdue_tell(now),
    }


@db_periodic_task(crontab(minute="*/10"))
def care_periodic() -> None:
    result = care_tick()
    log.info("care tick: %s", result)
