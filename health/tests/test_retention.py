"""Retention of health reports and the rows kept with them (docs/retention.md): a day just inside
RETENTION_HEALTH_REPORT_DAYS stays, the day before goes; on PostgreSQL whole day partitions are
detached and dropped."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.partitioning import day_partitions_ensure, partition_name
from core.retention_runs import retention_run
from health.models import (
    CallOutcome,
    CallResult,
    HealthReport,
    HealthReportRevision,
    Source,
    WorkerHealth,
)
from people.models import Resident
from places.services import ancestor_columns
from testkit import TinyCity

TABLE = HealthReport._meta.db_table
# 03:30 in Beijing, when the job runs.
RUN_AT = datetime.datetime(2026, 3, 2, 19, 30, tzinfo=datetime.UTC)


def first_kept_day() -> datetime.date:
    return timezone.localdate(RUN_AT) - timedelta(days=settings.RETENTION_HEALTH_REPORT_DAYS)


def report(resident: Resident, day: datetime.date) -> HealthReport:
    return HealthReport.objects.create(
        **ancestor_columns(resident.building),
        household=resident.household,
        resident=resident,
        day=day,
        slot="am",
        temperature="36.6",
        source=Source.SELF,
        created_at=timezone.now(),
    )


def reports_and_versions(resident: Resident, days: list[datetime.date]) -> None:
    for day in days:
        r = report(resident, day)
        HealthReportRevision.objects.create(
            report_id=r.pk,
            resident=resident,
            day=day,
            slot="am",
            source=Source.SELF,
            created_at=timezone.now(),
        )
        CallResult.objects.create(
            grid_id=resident.grid_id,
            resident=resident,
            day=day,
            slot="am",
            outcome=CallOutcome.NO_ANSWER,
            recorded_at=timezone.now(),
        )


def run() -> dict[str, int]:
    with time_machine.travel(RUN_AT, tick=False):
        return retention_run().counts


@pytest.mark.django_db
def test_a_report_day_past_its_days_goes_with_its_versions_and_calls(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    kept, gone = first_kept_day(), first_kept_day() - timedelta(days=1)
    reports_and_versions(resident, [gone, kept])
    community = tiny_city.inside.community
    for day in (gone, kept):
        WorkerHealth.objects.create(
            user=tiny_city.users["grid_worker"],
            community=community,
            community_path=community.path,
            day=day,
            temperature="36.5",
            fit=True,
            created_at=timezone.now(),
        )

    counts = run()
    assert (counts["health_reports"], counts["health_report_versions"]) == (1, 1)
    assert (counts["call_results"], counts["worker_health"]) == (1, 1)
    for model in (HealthReport, HealthReportRevision, CallResult, WorkerHealth):
        assert set(model.objects.values_list("day", flat=True)) == {kept}
    assert run()["health_reports"] == 0


def partitions() -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        return {r[0] for r in cur.fetchall()}


def tables_named(name: str) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [name])
        return int(cur.fetchone()[0])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_old_report_partition_is_detached_and_dropped(tiny_city: TinyCity) -> None:
    resident = tiny_city.inside.residents[0]
    kept, gone = first_kept_day(), first_kept_day() - timedelta(days=1)
    day_partitions_ensure(TABLE, gone, 2)
    old, recent = partition_name(TABLE, gone), partition_name(TABLE, kept)
    assert {old, recent} <= partitions()
    report(resident, gone)
    report(tiny_city.inside.residents[1], gone)
    report(resident, kept)

    with time_machine.travel(RUN_AT - timedelta(hours=1), tick=False):
        assert retention_run(dry_run=True).counts["health_reports"] == 2
    assert old in partitions()  # a dry run drops nothing

    assert run()["health_reports"] == 2
    assert old not in partitions() and tables_named(old) == 0  # detached, then dropped
    assert recent in partitions()
    assert list(HealthReport.objects.values_list("day", flat=True)) == [kept]
    assert run()["health_reports"] == 0
