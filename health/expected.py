"""Who should report in a grid's slot today ("应报"), kept in step with the registry.

`expected` of a (grid, day, slot) counter is everyone living in the grid (status present) plus
anyone who already reported there that slot and no longer counts as living there (moved out,
moved to another grid, marked away or deceased later that day): so reported ≤ expected always,
and the percentage never passes 100 %. It is set when the counter is first needed and set again,
in the same transaction, whenever the registry says who lives in a grid has changed
(people.signals.residents_placed: register, move, status, import) — issue 15 item 2.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from health.models import CoverageCount, HealthReport, Slot
from people.models import Resident, ResidentStatus

CHUNK = 5000


def expected_by_grid_slot(
    grid_ids: Iterable[int], day: datetime.date
) -> dict[tuple[int, str], int]:
    """{(grid, slot): expected} for the grids on `day` (every slot of each grid is present)."""
    grids = sorted(set(grid_ids))
    out: dict[tuple[int, str], int] = {(g, s): 0 for g in grids for s in Slot.values}
    for start in range(0, len(grids), CHUNK):
        chunk = grids[start : start + CHUNK]
        living = (
            Resident.objects.filter(grid_id__in=chunk, status=ResidentStatus.PRESENT)
            .values_list("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        )
        for grid, n in living:
            for slot in Slot.values:
                out[(grid, slot)] += n
        # Reported here but not (or no longer) living here: they were expected too.
        gone = (
            HealthReport.objects.filter(day=day, grid_id__in=chunk)
            .exclude(Q(resident__status=ResidentStatus.PRESENT) & Q(resident__grid_id=F("grid_id")))
            .values_list("grid_id", "slot")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "slot", "n")
        )
        for grid, slot, n in gone:
            out[(grid, slot)] += n
    return out


def coverage_expected_follow(grid_ids: Iterable[int], day: datetime.date | None = None) -> int:
    """Set `expected` of the grids' counters of `day` (today) to what the registry says now.
    Counters not made yet are left to coverage_counts_ensure; returns the rows changed."""
    day = day or timezone.localdate()
    grids = sorted(set(grid_ids))
    if not grids:
        return 0
    figures = expected_by_grid_slot(grids, day)
    changed = 0
    rows = CoverageCount.objects.filter(grid_id__in=grids, day=day).values_list(
        "pk", "grid_id", "slot", "expected"
    )
    for pk, grid, slot, expected in rows:
        wanted = figures.get((grid, slot), 0)
        if expected != wanted:
            CoverageCount.objects.filter(pk=pk).update(expected=wanted)
            changed += 1
    return changed


def on_residents_placed(sender: Any, grid_ids: set[int], **kwargs: Any) -> None:
    coverage_expected_follow(grid_ids)
