"""The duty roster (战时值班备勤), M7 and M13: shifts of posts, who is on them, check-in and
check-out. Every write is here.

Rules: a person on a shift works in the community; one person never holds two overlapping
shifts (checked under a lock on the person's user row); an unwell worker (today's own health
report, health.worker_selectors.worker_fit_for_duty) cannot be put on a shift; a check-in is
accepted from CHECK_IN_EARLY before the start until the end; check-out sets the hours.

Which health report decides (防止带病上岗): the worker's report of the day the shift starts
(local time); for a later day that has no report yet, today's report. So a worker unwell today
cannot be put on any shift until they report fit on that shift's day. No report at all does
not block (the roster flags "not reported"); an unwell worker cannot check in either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line
from health.worker_selectors import worker_fit_for_duty
from mobilisation.cancellation import cancel_shifts
from mobilisation.error_codes import MobilisationError
from mobilisation.models import Post, Shift, ShiftAssignment
from mobilisation.policies import require_manager
from mobilisation.posts import check_worker

CHECK_IN_EARLY = datetime.timedelta(minutes=30)
# Hours stop counting this long after the shift's end (a forgotten check-out).
CHECK_OUT_GRACE = datetime.timedelta(hours=2)
SHIFT_MAX = datetime.timedelta(hours=24)
PLAN_DAYS_MAX = 31
NEEDED_MAX = 50

# The roster's usual day: morning, afternoon, night (08–14, 14–20, 20–08).
DEFAULT_PATTERN = [("08:00", "14:00"), ("14:00", "20:00"), ("20:00", "08:00")]


def local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value)


def _when(value: datetime.datetime) -> str:
    return f"{local(value):%m-%d %H:%M}"


def shift_label(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """ "02-03 08:00–14:00" in local time (the end's day shown when it is another day)."""
    s, e = local(starts_at), local(ends_at)
    end = f"{e:%H:%M}" if s.date() == e.date() else f"{e:%m-%d %H:%M}"
    return f"{s:%m-%d %H:%M}–{end}"


def _aware(value: object, field: str) -> datetime.datetime:
    """A datetime from the API or a form: aware, naive (local time) or ISO text."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise field_error(field, _("Enter a date and time."), CoreError.INVALID) from None
    if not isinstance(value, datetime.datetime):
        raise field_error(field, _("Enter a date and time."), CoreError.REQUIRED)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


def _day(value: object, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return local(value).date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise field_error(field, _("Enter a date."), CoreError.INVALID) from None


def _clock(value: str, field: str = "pattern") -> datetime.time:
    try:
        return datetime.time.fromisoformat(str(value).strip())
    except ValueError:
        raise field_error(
            field, _("Write times as HH:MM, e.g. 08:00-14:00."), CoreError.INVALID
        ) from None


def _by(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


def _needed(value: object, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        raise field_error("needed", _("Enter a number."), CoreError.INVALID) from None
    if not 1 <= n <= NEEDED_MAX:
        raise field_error(
            "needed", _("From 1 to %(max)s people.") % {"max": NEEDED_MAX}, CoreError.OUT_OF_RANGE
        )
    return n


def _open_post(post: Post) -> Post:
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.closed_at is not None:
        raise field_error("post", _("This post is closed."), CoreError.CLOSED)
    return locked


# --- shifts ---------------------------------------------------------------------------------


@transaction.atomic
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
    """One shift of the post. Refused: ends before it starts, longer than a day, already over,
    or the same post already has a shift at these times."""
    now = now or timezone.now()
    require_manager(actor, post.community_id)
    post = _open_post(post)
    start = _aware(starts_at, "starts_at")
    end = _aware(ends_at, "ends_at")
    if end <= start:
        raise field_error("ends_at", _("The shift must end after it starts."), CoreError.ORDER)
    if end - start > SHIFT_MAX:
        raise field_error("ends_at", _("A shift lasts at most 24 hours."), CoreError.TOO_LONG)
    if end <= now:
        raise field_error("ends_at", _("This time is already over."), CoreError.PAST)
    n = _needed(needed, post.needed_per_shift)
    if Shift.objects.live().filter(post_id=post.pk, starts_at=start, ends_at=end).exists():
        raise field_error(
            "starts_at", _("This post already has a shift at these times."), CoreError.DUPLICATE
        )
    return Shift.objects.create(
        community_id=post.community_id,
        community_path=post.community_path,
        post=post,
        starts_at=start,
        ends_at=end,
        needed=n,
        note=normalize_line(note)[:200],
        created_by_id=_by(actor),
        created_at=now,
    )


def parse_pattern(pattern: Iterable[tuple[str, str]]) -> list[tuple[datetime.time, datetime.time]]:
    out = [(_clock(a), _clock(b)) for a, b in pattern]
    if not out:
        raise field_error("pattern", _("Give at least one shift time."), CoreError.REQUIRED)
    return out


@transaction.atomic
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
    is the next day). A shift that already exists (same post and times) is not made twice;
    one already over is not made. Returns the shifts made."""
    now = now or timezone.now()
    require_manager(actor, post.community_id)
    post = _open_post(post)
    day0 = _day(first_day, "first_day")
    try:
        n_days = int(str(days))
    except (TypeError, ValueError):
        raise field_error("days", _("Enter a number of days."), CoreError.INVALID) from None
    if not 1 <= n_days <= PLAN_DAYS_MAX:
        raise field_error(
            "days", _("From 1 to %(max)s days.") % {"max": PLAN_DAYS_MAX}, CoreError.OUT_OF_RANGE
        )
    times = parse_pattern(pattern)
    tz = timezone.get_current_timezone()
    wanted: list[tuple[datetime.datetime, datetime.datetime]] = []
    for i in range(n_days):
        day = day0 + datetime.timedelta(days=i)
        for a, b in times:
            start = timezone.make_aware(datetime.datetime.combine(day, a), tz)
            end_day = day if b > a else day + datetime.timedelta(days=1)
            end = timezone.make_aware(datetime.datetime.combine(end_day, b), tz)
            if end > now and (start, end) not in wanted:
                wanted.append((start, end))
    if not wanted:
        raise field_error("first_day", _("These shifts are already over."), CoreError.PAST)
    have = set(
        Shift.objects.live()
        .filter(
            post_id=post.pk,
            starts_at__gte=min(s for s, _e in wanted),
            starts_at__lte=max(s for s, _e in wanted),
        )
        .values_list("starts_at", "ends_at")
    )
    by = _by(actor)
    return Shift.objects.bulk_create(
        [
            Shift(
                community_id=post.community_id,
                community_path=post.community_path,
                post=post,
                starts_at=s,
                ends_at=e,
                needed=post.needed_per_shift,
                created_by_id=by,
                created_at=now,
            )
            for s, e in wanted
            if (s, e) not in have
        ]
    )


@transaction.atomic
def shift_cancel(
    *, actor: Actor, shift: Shift, note: str = "", now: datetime.datetime | None = None
) -> Shift:
    """Cancel a shift that is not over; the people on it are taken off. Twice is once."""
    now = now or timezone.now()
    require_manager(actor, shift.community_id)
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.cancelled_at is not None:
        return shift
    if shift.ends_at <= now:
        raise field_error("shift", _("This shift is over."), MobilisationError.OVER)
    cancel_shifts(
        Shift.objects.filter(pk=shift.pk),
        now=now,
        note=normalize_line(note)[:200] or _("The shift was cancelled."),
    )
    shift.refresh_from_db()
    return shift


# --- people on shifts -----------------------------------------------------------------------


def unwell_for(user_id: int, day: datetime.date, today: datetime.date) -> bool:
    """The health report that decides for a shift starting on `day` says unwell (see above)."""
    fit = worker_fit_for_duty(user_id, day)
    if fit is None and day > today:
        fit = worker_fit_for_duty(user_id, today)
    return fit is False


def _deployed_unit(user_id: int, community_id: int) -> int | None:
    from mobilisation.models import Deployment, DeploymentStatus

    return (
        Deployment.objects.filter(
            user_id=user_id, community_id=community_id, status=DeploymentStatus.ACTIVE
        )
        .values_list("unit_id", flat=True)
        .first()
    )


@transaction.atomic
def shift_assign(
    *, actor: Actor, shift: Shift, user_id: object, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """Put a worker of the community on the shift. Refused (field "user"): not a worker here,
    unwell today, already on an overlapping shift. The same assignment twice returns the first."""
    now = now or timezone.now()
    require_manager(actor, shift.community_id)
    shift = Shift.objects.select_related("post", "community").get(pk=shift.pk)
    if shift.cancelled_at is not None:
        raise field_error("shift", _("This shift was cancelled."), MobilisationError.CANCELLED)
    if shift.ends_at <= now:
        raise field_error("shift", _("This shift is over."), MobilisationError.OVER)
    uid = check_worker(user_id, shift.community)
    # One booking of a person at a time: a second admin waits here, then sees the first's.
    User.objects.select_for_update().filter(pk=uid).first()
    same = ShiftAssignment.objects.filter(shift_id=shift.pk, user_id=uid, removed_at__isnull=True)
    found = same.first()
    if found is not None:
        return found
    if unwell_for(uid, local(shift.starts_at).date(), timezone.localdate(now)):
        raise field_error(
            "user",
            _("This worker reported unwell and may not go on duty."),
            MobilisationError.UNWELL,
        )
    clash = (
        ShiftAssignment.objects.active()
        .filter(user_id=uid, starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at)
        .select_related("shift__post")
        .first()
    )
    if clash is not None:
        raise field_error(
            "user",
            _("Already on duty then: %(post)s, %(time)s.")
            % {"post": clash.shift.post.name, "time": shift_label(clash.starts_at, clash.ends_at)},
            MobilisationError.OVERLAP,
        )
    return ShiftAssignment.objects.create(
        community_id=shift.community_id,
        community_path=shift.community_path,
        shift=shift,
        user_id=uid,
        unit_id=_deployed_unit(uid, shift.community_id),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        assigned_by_id=_by(actor),
        assigned_at=now,
    )


@transaction.atomic
def shift_unassign(
    *,
    actor: Actor,
    assignment: ShiftAssignment,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ShiftAssignment:
    """Take a person off a shift (before they check in). Twice is once."""
    now = now or timezone.now()
    require_manager(actor, assignment.community_id)
    assignment = ShiftAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.removed_at is not None:
        return assignment
    if assignment.checked_in_at is not None:
        raise field_error(
            "assignment",
            _("This person has checked in; they check out instead."),
            MobilisationError.CHECKED_IN,
        )
    assignment.removed_at = now
    assignment.removed_note = normalize_line(note)[:200]
    assignment.save(update_fields=["removed_at", "removed_note"])
    return assignment


def _own(actor: Actor, assignment: ShiftAssignment) -> ShiftAssignment:
    if actor.user_id is None or actor.user_id != assignment.user_id:
        raise NotAllowed(_("Only the person on the shift checks in and out."))
    locked = ShiftAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.removed_at is not None:
        raise field_error("shift", _("You are no longer on this shift."), MobilisationError.REMOVED)
    return locked


@transaction.atomic
def shift_check_in(
    *, actor: Actor, assignment: ShiftAssignment, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """The person checks in (own assignment only), within the window; twice returns the first."""
    now = now or timezone.now()
    assignment = _own(actor, assignment)
    if assignment.checked_in_at is not None:
        return assignment
    opens = assignment.starts_at - CHECK_IN_EARLY
    if not opens <= now < assignment.ends_at:
        raise field_error(
            "time",
            _("Check-in is open from %(opens)s to %(closes)s (Beijing time).")
            % {"opens": _when(opens), "closes": _when(assignment.ends_at)},
            MobilisationError.OUTSIDE_WINDOW,
        )
    if worker_fit_for_duty(assignment.user_id, timezone.localdate(now)) is False:
        raise field_error(
            "time",
            _("You reported unwell today: do not go on duty; tell the community admin."),
            MobilisationError.UNWELL,
        )
    assignment.checked_in_at = now
    assignment.save(update_fields=["checked_in_at"])
    return assignment


def hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def shift_check_out(
    *, actor: Actor, assignment: ShiftAssignment, now: datetime.datetime | None = None
) -> ShiftAssignment:
    """Check out after checking in; hours = checked-in time, capped at the shift's end + 2 h."""
    now = now or timezone.now()
    assignment = _own(actor, assignment)
    if assignment.checked_out_at is not None:
        return assignment
    if assignment.checked_in_at is None:
        raise field_error("time", _("Check in first."), MobilisationError.NOT_CHECKED_IN)
    assignment.checked_out_at = now
    assignment.hours = hours_between(
        assignment.checked_in_at, min(now, assignment.ends_at + CHECK_OUT_GRACE)
    )
    assignment.save(update_fields=["checked_out_at", "hours"])
    return assignment
