"""Periodic upkeep of core. Each job is idempotent: running it twice does nothing new."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.audit_archive import archive_due
from core.retention_runs import retention_run


# Huey schedules in UTC: 19:30 UTC is 03:30 in Beijing, when the city sleeps.
@db_periodic_task(crontab(minute="30", hour="19"))
def retention_daily() -> dict[str, int]:
    """Daily: personal data past its retention goes (core.retention_runs)."""
    return retention_run().counts


@db_periodic_task(crontab(minute="41", hour="19"))
def audit_archive() -> int:
    """Daily, 03:41 Beijing: audit months past retention to their files (core.audit_archive)."""
    return len(archive_due())
