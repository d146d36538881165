"""The per-(grid, day, slot) counters, recounted from the report rows.

Reports move the counters as they arrive (health.reporting). `coverage_recount` rebuilds them for
a day from the rows themselves: the nightly check, and the figure the benchmark times for the
whole city. Running it twice changes nothing; `expected` is left as it was.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction

from health.models import CoverageCount, HealthReport


def coverage_recount_rows(day: datetime.date) -> dict[tuple[int, str], tuple[int, int]]:
    """{(grid, slot): (reported, abnormal)} counted from the rows of `day`."""
    table = HealthReport._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT grid_id, slot, COUNT(*), "  # nosec B608: the table's name from its model; the day is a parameter
            f"SUM(CASE WHEN abnormal THEN 1 ELSE 0 END) FROM {table} "
            f"WHERE day = %s GROUP BY grid_id, slot",
            [connection.ops.adapt_datefield_value(day)],
        )
        return {(g, s): (int(n), int(a or 0)) for g, s, n, a in cur.fetchall()}


def coverage_recount(day: datetime.date) -> dict[str, int]:
    """Set every counter of `day` to its recount; returns how many were changed or created."""
    recount = coverage_recount_rows(day)
    changed = created = 0
    with transaction.atomic():
        current = {
            (g, s): (r, a, pk)
            for pk, g, s, r, a in CoverageCount.objects.select_for_update()
            .filter(day=day)
            .values_list("pk", "grid_id", "slot", "reported", "abnormal")
        }
        updates: list[CoverageCount] = []
        for key, (r, a, pk) in current.items():
            want = recount.get(key, (0, 0))
            if (r, a) != want:
                updates.append(CoverageCount(pk=pk, reported=want[0], abnormal=want[1]))
        CoverageCount.objects.bulk_update(updates, ["reported", "abnormal"], batch_size=2000)
        changed = len(updates)
        missing = [k for k in recount if k not in current]
        if missing:
            created = _create_missing(day, missing, recount)
    return {"changed": changed, "created": created}


def _create_missing(
    day: datetime.date, keys: list[tuple[int, str]], recount: dict[tuple[int, str], Any]
) -> int:
    from places.models import Place, path_ids

    paths = dict(Place.objects.filter(pk__in={g for g, _s in keys}).values_list("pk", "path"))
    rows = []
    for grid, slot in keys:
        city, district, street, community = path_ids(paths[grid])[:4]
        reported, abnormal = recount[(grid, slot)]
        rows.append(
            CoverageCount(
                grid_id=grid,
                community_id=community,
                street_id=street,
                district_id=district,
                city_id=city,
                day=day,
                slot=slot,
                reported=reported,
                abnormal=abnormal,
            )
        )
    CoverageCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
