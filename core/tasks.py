"""The daily retention job (core.retention_runs): personal data past its retention goes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.retention_runs import retention_run


# Huey schedules in UTC: 19:30 UTC is 03:30 in Beijing, when the city sleeps.
@db_periodic_task(crontab(minute="30", hour="19"))
def retention_daily() -> dict[str, int]:
    return retention_run().counts
