"""Timed roster work: the admins are told of an unwell worker on today's roster. Idempotent:
a second run tells nobody twice."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from mobilisation.notifying import unwell_on_roster_tell

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))
def roster_health_periodic() -> None:
    log.info("unwell on roster told: %s", unwell_on_roster_tell())
