"""On PostgreSQL, health reports are partitioned by day (core.partitioning)."""

import datetime

from django.db import migrations

from core.partitioning import day_partitions_ensure, partition_by_day

TABLE = "health_healthreport"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    partition_by_day(schema_editor, TABLE, "day")
    today = datetime.date.today()
    day_partitions_ensure(TABLE, today - datetime.timedelta(days=7), 45)


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]
    # The table is rebuilt empty; reversing drops it with 0001.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
