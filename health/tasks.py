"""Timed work for health reports: partitions made ahead, the day's counters, the nightly recount."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.partitioning import day_partitions_ensure
from health.counters import coverage_recount
from health.models import HealthReport

log = logging.getLogger(__name__)


# Huey schedules in UTC: 16:05 UTC is 00:05 in Beijing.
@db_periodic_task(crontab(minute="5", hour="16"))
def health_day_start() -> None:
    """Just after midnight (Beijing time): the coming days' partitions, and a recount of
    yesterday's counters (both idempotent)."""
    today = timezone.localdate()
    day_partitions_ensure(HealthReport._meta.db_table, today, 30)
    result = coverage_recount(today - datetime.timedelta(days=1))
    if result["changed"] or result["created"]:
        log.warning("coverage counters corrected by the recount: %s", result)


# Huey registers the periodic tasks of modules named `tasks`; the sweep's close job lives in its
# own file.
from health import sweep_tasks  # noqa: E402, F401


@db_periodic_task(crontab(minute="*/5"))
def report_reminders() -> dict[str, int]:
    """Chase the open slots' missing reports, level by level (health.reminders; idempotent)."""
    from health.reminders import reminders_run

    return reminders_run()
