"""Timed request work: clocks that ran out move requests up to the street, requests done but
never confirmed close, and the holders of overdue requests are told.
Each is idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from service_requests.escalation import done_requests_autoclose, escalations_due_run
from service_requests.notifying import requests_overdue_tell

log = logging.getLogger(__name__)


def requests_tick(now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "escalated": escalations_due_run(now),
        "autoclosed": done_requests_autoclose(now),
        "overdue_told": requests_overdue_tell(now),
    }


@db_periodic_task(crontab(minute="*"))
def requests_periodic() -> None:
    result = requests_tick()
    log.info("requests tick: %s", result)
