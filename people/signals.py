"""What the registry tells other parts of Linli when who lives where changes.

`residents_placed` is sent, inside the writing transaction, with the grids whose living
residents changed (someone registered, moved in or out of a household or building, marked moved
out, deceased, away or back). Health keeps each grid's "should report" count in step with it
(issue 15 item 2); the registry does not need to know who listens.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

residents_placed = Signal()  # sender=None, grid_ids: set[int]


def residents_placed_in(grid_ids: Iterable[int | None]) -> None:
    grids = {g for g in grid_ids if g}
    if grids:
        residents_placed.send(sender=None, grid_ids=grids)
