"""Hours served (服务时长), M6: activity participants' hours plus shift hours (set at check-out),
per person, per work unit and per community, within an optional date range.

Each side is read from its own model's access rule (`for_actor`), so a unit's party admin sees
their members' hours, an office its area and a worker their own; each is one grouped query in
the database and the two are merged here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from core.actor import Actor
from core.roles import Role
from mobilisation.duty_querysets import OFFICE_ROLES
from mobilisation.models import ActivityParticipant, ShiftAssignment

LOCAL = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0")
# What the table groups by: the column on both models.
GROUPS = {"person": "user_id", "unit": "unit_id", "community": "community_id"}


@dataclass
class HoursRow:
    key: int | None
    activity: Decimal = ZERO
    shift: Decimal = ZERO
    label: str = ""

    @property
    def total(self) -> Decimal:
        return self.activity + self.shift


def _bounds(
    since: datetime.date | None, until: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Local days (Asia/Shanghai) as instants: [start of since, start of the day after until)."""
    start = datetime.datetime.combine(since, datetime.time(), LOCAL) if since else None
    end = (
        datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(), LOCAL)
        if until
        else None
    )
    return start, end


def _sees_others(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(OFFICE_ROLES | {Role.UNIT_ADMIN})


def _sides(
    actor: Actor | None,
    since: datetime.date | None,
    until: datetime.date | None,
    q: str = "",
) -> tuple[QuerySet[ActivityParticipant], QuerySet[ShiftAssignment]]:
    """The activity parts and checked-out shift assignments counted (removed ones never)."""
    parts: QuerySet[ActivityParticipant] = ActivityParticipant.objects.all()
    shifts: QuerySet[ShiftAssignment] = ShiftAssignment.objects.filter(
        removed_at__isnull=True, hours__isnull=False
    )
    if actor is not None:
        parts = ActivityParticipant.objects.for_actor(actor)
        shifts = ShiftAssignment.objects.for_actor(actor).filter(
            removed_at__isnull=True, hours__isnull=False
        )
        if not _sees_others(actor):
            # A worker's hours page is their own (not their post colleagues').
            parts = parts.filter(user_id=actor.user_id)
            shifts = shifts.filter(user_id=actor.user_id)
    start, end = _bounds(since, until)
    if start is not None:
        parts = parts.filter(activity__started_at__gte=start)
        shifts = shifts.filter(starts_at__gte=start)
    if end is not None:
        parts = parts.filter(activity__started_at__lt=end)
        shifts = shifts.filter(starts_at__lt=end)
    if q:
        who = Q(user__display_name__icontains=q) | Q(user__username__icontains=q)
        parts = parts.filter(who)
        shifts = shifts.filter(who)
    return parts, shifts


def hours_rows(
    actor: Actor,
    *,
    by: str = "person",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    q: str = "",
) -> list[HoursRow]:
    """Hours per person, unit or community the actor may see, most hours first (two grouped
    queries). Labels are added by `hours_label` for the rows shown."""
    column = GROUPS.get(by, "user_id")
    parts, shifts = _sides(actor, since, until, q)
    rows: dict[int | None, HoursRow] = {}
    for r in parts.order_by().values(column).annotate(h=Sum("hours")):
        rows.setdefault(r[column], HoursRow(r[column])).activity += r["h"] or ZERO
    for r in shifts.order_by().values(column).annotate(h=Sum("hours")):
        rows.setdefault(r[column], HoursRow(r[column])).shift += r["h"] or ZERO
    return sorted(rows.values(), key=lambda row: (-row.total, row.key is None, row.key or 0))


def hours_label(by: str, rows: list[HoursRow]) -> list[HoursRow]:
    """Name the rows (one query): the person, the work unit or the community."""
    ids = [r.key for r in rows if r.key is not None]
    names: dict[int, str] = {}
    if ids and by == "unit":
        from party.models import Unit

        names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif ids and by == "community":
        from places.models import Place

        names = dict(Place.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif ids:
        from accounts.models import User

        names = {
            pk: display or username
            for pk, display, username in User.objects.filter(pk__in=ids).values_list(
                "pk", "display_name", "username"
            )
        }
    for r in rows:
        if r.key is None:
            r.label = _("No work unit") if by == "unit" else "—"
        else:
            r.label = names.get(r.key, "—")
    return rows


def hours_totals(rows: list[HoursRow]) -> dict[str, Any]:
    activity = sum((r.activity for r in rows), ZERO)
    shift = sum((r.shift for r in rows), ZERO)
    return {"activity": activity, "shift": shift, "total": activity + shift}


def person_hours(
    user_id: int,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    actor: Actor | None = None,
) -> HoursRow:
    """One person's hours served (activities + shifts) in the range: for the frontline record
    and recognition. With `actor`, only what the actor may see is counted; without, all of it
    (a system read)."""
    parts, shifts = _sides(actor, since, until)
    activity = parts.filter(user_id=user_id).aggregate(h=Sum("hours"))["h"] or ZERO
    shift = shifts.filter(user_id=user_id).aggregate(h=Sum("hours"))["h"] or ZERO
    return HoursRow(user_id, activity=activity, shift=shift)
