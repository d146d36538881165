"""The daily job that closes sweeps past their last day (their report is then frozen)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from health.sweeps import sweeps_close_due

log = logging.getLogger(__name__)


# Huey schedules in UTC: 16:10 UTC is 00:10 in Beijing, the first minutes of the day after.
@db_periodic_task(crontab(minute="10", hour="16"))
def sweeps_close_past() -> int:
    """Close every open sweep whose last day has passed. Running it twice closes nothing new."""
    closed = sweeps_close_due()
    if closed:
        log.info("closed %s sweep campaigns past their last day", closed)
    return closed
