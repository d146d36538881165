"""Every read the roster pages need (M7, M13), actor first; scoping starts at for_actor. Each
function keeps to a fixed number of queries whatever the number of shifts and people."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from health.models import WorkerHealth
from mobilisation.models import Post, Shift, ShiftAssignment
from mobilisation.workers import community_worker_options
from places.models import Place

FIT = "fit"
UNWELL = "unwell"
NOT_REPORTED = "not_reported"


def day_bounds(day: datetime.date, days: int = 1) -> tuple[datetime.datetime, datetime.datetime]:
    """The local day(s) as aware start and end."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time()), tz
    )
    return start, end


def access_shift(actor: Actor, shift_id: int) -> Shift:
    row = (
        Shift.objects.for_actor(actor)
        .select_related("post", "community")
        .filter(pk=shift_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_shift_assignment(actor: Actor, shift_assignment_id: int) -> ShiftAssignment:
    row = (
        ShiftAssignment.objects.for_actor(actor)
        .select_related("shift__post", "user")
        .filter(pk=shift_assignment_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def health_today(user_ids: list[int], day: datetime.date) -> dict[int, str]:
    """fit / unwell / not_reported for each user on `day` (one query)."""
    fit = dict(
        WorkerHealth.objects.filter(user_id__in=user_ids, day=day).values_list("user_id", "fit")
    )
    return {
        uid: (NOT_REPORTED if uid not in fit else FIT if fit[uid] else UNWELL) for uid in user_ids
    }


@dataclass
class OnShift:
    assignment: ShiftAssignment
    health: str

    @property
    def unwell(self) -> bool:
        return self.health == UNWELL


@dataclass
class RosterShift:
    shift: Shift
    people: list[OnShift] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        return len(self.people)

    @property
    def gap(self) -> int:
        return max(self.shift.needed - self.assigned, 0)

    @property
    def flagged(self) -> int:
        return sum(1 for p in self.people if p.health != FIT)


def _people(shifts: list[Shift], today: datetime.date) -> dict[int, list[OnShift]]:
    """The active assignments of the shifts, each with the person's health today (2 queries)."""
    out: dict[int, list[OnShift]] = {s.pk: [] for s in shifts}
    rows = list(
        ShiftAssignment.objects.active()
        .filter(shift_id__in=list(out))
        .select_related("user")
        .order_by("assigned_at", "pk")
    )
    health = health_today(sorted({a.user_id for a in rows}), today)
    for a in rows:
        out[a.shift_id].append(OnShift(assignment=a, health=health[a.user_id]))
    return out


def roster(
    actor: Actor,
    community_id: int,
    day: datetime.date,
    *,
    days: int = 1,
    post_id: int | None = None,
) -> list[RosterShift]:
    """The community's live shifts starting on the day(s), by start and post, each with its
    people (flagged unwell / not reported by today's worker health report) and its gap."""
    start, end = day_bounds(day, days)
    shifts = (
        Shift.objects.for_actor(actor)
        .live()
        .filter(community_id=community_id, starts_at__gte=start, starts_at__lt=end)
        .select_related("post")
        .order_by("starts_at", "post__name", "pk")
    )
    if post_id is not None:
        shifts = shifts.filter(post_id=post_id)
    rows = list(shifts)
    people = _people(rows, timezone.localdate())
    return [RosterShift(shift=s, people=people[s.pk]) for s in rows]


def on_duty_now(
    actor: Actor, community_id: int, now: datetime.datetime | None = None
) -> list[RosterShift]:
    """Shifts covering now, with who has checked in and who not yet."""
    now = now or timezone.now()
    rows = list(
        Shift.objects.for_actor(actor)
        .live()
        .filter(community_id=community_id, starts_at__lte=now, ends_at__gt=now)
        .select_related("post")
        .order_by("post__name", "starts_at", "pk")
    )
    people = _people(rows, timezone.localdate(now))
    return [RosterShift(shift=s, people=people[s.pk]) for s in rows]


def shift_people(shift: Shift) -> list[OnShift]:
    return _people([shift], timezone.localdate())[shift.pk]


def post_shifts(
    actor: Actor, post: Post, *, days: int = 3, now: datetime.datetime | None = None
) -> list[RosterShift]:
    """The post's live shifts not yet over, up to `days` days ahead (the post's page)."""
    now = now or timezone.now()
    _start, end = day_bounds(timezone.localdate(now), days)
    rows = list(
        Shift.objects.for_actor(actor)
        .live()
        .filter(post_id=post.pk, ends_at__gt=now, starts_at__lt=end)
        .order_by("starts_at", "pk")
    )
    for s in rows:
        s.post = post
    people = _people(rows, timezone.localdate(now))
    return [RosterShift(shift=s, people=people[s.pk]) for s in rows]


def my_shifts(
    actor: Actor, now: datetime.datetime | None = None, limit: int = 10
) -> list[ShiftAssignment]:
    """The actor's own assignments from today on (not over more than the check-out grace ago),
    soonest first, with check-in/out state."""
    from mobilisation.roster import CHECK_OUT_GRACE

    now = now or timezone.now()
    start, _end = day_bounds(timezone.localdate(now))
    return list(
        ShiftAssignment.objects.for_actor(actor)
        .active()
        .filter(user_id=actor.user_id, shift__cancelled_at__isnull=True)
        .filter(Q(ends_at__gt=now - CHECK_OUT_GRACE) | Q(starts_at__gte=start))
        .filter(Q(checked_out_at__isnull=True) | Q(starts_at__gte=start))
        .select_related("shift__post")
        .order_by("starts_at", "pk")[:limit]
    )


@dataclass
class DutyCounts:
    gaps_today: int = 0
    unwell_on_duty: int = 0
    not_reported_on_duty: int = 0
    my_next: ShiftAssignment | None = None


def duty_counts(actor: Actor, now: datetime.datetime | None = None) -> DutyCounts:
    """For a home page: shifts with gaps today, people on today's shifts who reported unwell
    (or not at all), and the actor's next shift (four queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = day_bounds(today)
    counts = DutyCounts()
    counts.gaps_today = (
        Shift.objects.for_actor(actor)
        .live()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(n=Count("assignments", filter=Q(assignments__removed_at__isnull=True)))
        .filter(n__lt=F("needed"))
        .count()
    )
    users = set(
        ShiftAssignment.objects.for_actor(actor)
        .active()
        .filter(starts_at__lt=end, ends_at__gt=max(start, now), shift__cancelled_at__isnull=True)
        .values_list("user_id", flat=True)
    )
    health = health_today(sorted(users), today)
    counts.unwell_on_duty = sum(1 for h in health.values() if h == UNWELL)
    counts.not_reported_on_duty = sum(1 for h in health.values() if h == NOT_REPORTED)
    if actor.user_id:
        counts.my_next = (
            ShiftAssignment.objects.for_actor(actor)
            .active()
            .filter(user_id=actor.user_id, ends_at__gt=now, checked_out_at__isnull=True)
            .filter(shift__cancelled_at__isnull=True)
            .select_related("shift__post")
            .order_by("starts_at", "pk")
            .first()
        )
    return counts


@dataclass
class AssignOption:
    user_id: int
    label: str
    health: str
    blocked: bool


def assign_options(
    community: Place, days: list[datetime.date]
) -> dict[datetime.date, list[AssignOption]]:
    """The community's workers for shifts starting on each of `days`: each with today's health
    and whether the roster's health rule blocks them (mobilisation.roster.unwell_for), in two
    queries."""
    options = community_worker_options(community)
    ids = [o.user.pk for o in options]
    today = timezone.localdate()
    by_user: dict[int, dict[datetime.date, bool]] = {}
    for uid, d, fit in WorkerHealth.objects.filter(
        user_id__in=ids, day__in={today, *days}
    ).values_list("user_id", "day", "fit"):
        by_user.setdefault(uid, {})[d] = fit
    out: dict[datetime.date, list[AssignOption]] = {}
    for day in days:
        out[day] = []
        for o in options:
            reports = by_user.get(o.user.pk, {})
            deciding = reports.get(day, reports.get(today) if day > today else None)
            health = NOT_REPORTED if today not in reports else FIT if reports[today] else UNWELL
            out[day].append(
                AssignOption(
                    user_id=o.user.pk, label=o.label, health=health, blocked=deciding is False
                )
            )
    return out
