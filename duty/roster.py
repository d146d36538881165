"""The duty roster (战时值班备勤), M7 and M13: shifts of posts, who is on them, check-in and
check-out. Every write is here.

Rules: a person on a shift works in the community; one person never holds two overlapping
shifts (checked under a lock on the person's user row); an unwell worker (today's own health
report, health.worker_selectors.worker_fit_for_duty) cannot be put on a shift; a check-in is
accepted from CHECK_IN_EARLY before the start until the end; check-out sets the hours.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from core.actor import Actor
from duty.models import Post, Shift, ShiftAssignment

CHECK_IN_EARLY = datetime.timedelta(minutes=30)


def shift_create(
    *,
    actor: Actor,
    post: Post,
    starts_at: object,
    ends_at: object,
    needed: object = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Shift:
    raise NotImplementedError


def shifts_plan(
    *,
    actor: Actor,
    post: Post,
    first_day: object,
    days: object,
    pattern: Iterable[tuple[str, str]],
    now: datetime.datetime | None = None,
) -> list[Shift]:
    """Shifts for `days` days from `first_day` by a pattern of (start, end) local times such as
    [("08:00", "14:00"), ("14:00", "20:00"), ("20:00", "08:00")] (an end not after the start
    is the next day). A shift that already exists (same post and times) is not made twice."""
    raise NotImplementedError


def shift_cancel(
    *, actor: Actor, shift: Shift, note: str = "", now: datetime.datetime | None = None
) -> Shift:
    raise NotImplementedError


def shift_assign(
    *, actor: Actor, shift: Shift, user_id: object, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """Put a worker of the community on the shift. Refused (field "user"): not a worker here,
    unwell today, already on an overlapping shift. The same assignment twice returns the first."""
    raise NotImplementedError


def shift_unassign(
    *,
    actor: Actor,
    assignment: ShiftAssignment,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ShiftAssignment:
    raise NotImplementedError


def shift_check_in(
    *, actor: Actor, assignment: ShiftAssignment, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """The person checks in (own assignment only), within the window; twice returns the first."""
    raise NotImplementedError


def shift_check_out(
    *, actor: Actor, assignment: ShiftAssignment, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """Check out after checking in; hours = checked-in time, capped at the shift's end + 2 h."""
    raise NotImplementedError
