"""What health keeps past its purpose (core.retention; docs/retention.md): residents' daily
reports with their earlier versions and the call list's outcomes, and workers' own health days,
all RETENTION_HEALTH_REPORT_DAYS after their day. What the figures need stays: the coverage
counters, flags and the daily reports to the street.

On PostgreSQL the report table is partitioned by day: whole days go by detaching and dropping
their partitions (no row-by-row delete of millions); old rows in the DEFAULT partition, and every
row on SQLite, are deleted in batches."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.partitioning import day_partitions_drop_before
from core.retention import Window, delete_in_batches, register
from health.models import CallResult, HealthReport, HealthReportRevision, WorkerHealth

SETTING = "RETENTION_HEALTH_REPORT_DAYS"


def first_kept_day(window: Window) -> datetime.date:
    """The oldest day kept, in Beijing time (reports are filed by the local day)."""
    return timezone.localdate(window.before)


def purge_reports(window: Window) -> int:
    day = first_kept_day(window)
    rows = HealthReport.objects.filter(day__lt=day)
    if window.dry_run:
        return rows.count()
    dropped = day_partitions_drop_before(HealthReport._meta.db_table, day)
    return sum(dropped.values()) + delete_in_batches(rows, window, "health_reports")


def _by_day(model: type[models.Model], kind: str, label: str | Promise) -> None:
    def purge(window: Window) -> int:
        rows = model._base_manager.filter(day__lt=first_kept_day(window))
        return delete_in_batches(rows, window, kind)

    register(kind, label, SETTING, purge)


register("health_reports", _("Health reports"), SETTING, purge_reports)
_by_day(HealthReportRevision, "health_report_versions", _("Earlier versions of health reports"))
_by_day(CallResult, "call_results", _("Results of calls for missing reports"))
_by_day(WorkerHealth, "worker_health", _("Workers' own health reports"))
