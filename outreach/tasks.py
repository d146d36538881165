"""Timed study work: members are reminded of a themed study they have not completed.
Idempotent: a second run tells nobody twice."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from outreach.notifying import study_reminders_tell

log = logging.getLogger(__name__)


# Huey schedules in UTC: 02:00 UTC is 10:00 in Beijing.
@db_periodic_task(crontab(minute="0", hour="2"))
def study_reminders_periodic() -> None:
    log.info("study reminders told: %s", study_reminders_tell())
