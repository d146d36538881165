"""Cancelling shifts in bulk (the people on them are taken off too). Shared by the roster
(mobilisation.roster.shift_cancel) and by closing a post (mobilisation.posts.post_close), so
neither of those modules imports the other for it."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from mobilisation.models import Shift, ShiftAssignment


def cancel_shifts(shifts: QuerySet[Shift], *, now: datetime.datetime, note: str) -> int:
    """Cancel the shifts and take the people off them (no permission check: the callers'
    services check it). Returns how many shifts."""
    ids = list(shifts.select_for_update().values_list("pk", flat=True))
    ShiftAssignment.objects.filter(shift_id__in=ids, removed_at__isnull=True).update(
        removed_at=now, removed_note=note[:200]
    )
    return Shift.objects.filter(pk__in=ids).update(cancelled_at=now, note=note[:200])
