"""Chasing the reports a slot is missing, in three levels at the times the city sets
(`ReminderSchedule`): 1 the household (its members' accounts in the app, and by text where they
switched it on; a household with no account, by text to its contact number), 2 the grid worker
(one line per grid with the count, pointing at the call list), 3 the community admin.

Run every few minutes by `health.tasks.report_reminders`; idempotent: `ReportReminder` keeps
each household once per level and slot, and the inbox's dedupe keys keep each person once.
Nothing goes out in quiet hours. At city scale the households are selected from the coverage
counters (grids already complete are skipped) and the report rows, in one INSERT … SELECT; raw
SQL lives in this module only, for that reason.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant
from core.roles import Role
from health.models import (
    CoverageCount,
    HealthReport,
    ReminderSchedule,
    ReportReminder,
    Slot,
)
from health.rules import slot_closes_at, slot_opens_at
from notifications.bulk import notify_select, text_select
from notifications.kinds import Kind
from notifications.services import notify
from notifications.texts import TextTemplate
from people.models import Resident, ResidentStatus
from places.models import Household, Place, PlaceKind

LEVEL_RESIDENT, LEVEL_GRID, LEVEL_COMMUNITY = 1, 2, 3
_LEVEL_FIELD = {
    LEVEL_RESIDENT: "resident_at",
    LEVEL_GRID: "grid_at",
    LEVEL_COMMUNITY: "community_at",
}
SLOT_WORDS_ZH = {Slot.MORNING: "上午", Slot.AFTERNOON: "下午"}


def schedule_for(city_id: int) -> ReminderSchedule:
    """The city's schedule, or the defaults (unsaved) when it has none."""
    found = ReminderSchedule.objects.filter(city_id=city_id).first()
    return found if found is not None else ReminderSchedule(city_id=city_id)


def in_quiet_hours(at: datetime.time, s: ReminderSchedule) -> bool:
    start, end = _time(s.quiet_from), _time(s.quiet_until)
    if start == end:
        return False
    return start <= at or at < end if start > end else start <= at < end


def _time(value: object) -> datetime.time:
    return value if isinstance(value, datetime.time) else datetime.time.fromisoformat(str(value))


def level_due_at(
    s: ReminderSchedule, day: datetime.date, slot: str, level: int
) -> datetime.datetime:
    at = _time(getattr(s, f"{slot}_{_LEVEL_FIELD[level]}"))
    return datetime.datetime.combine(day, at, timezone.get_current_timezone())


def reminders_run(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every level whose time has come in every open slot of every city; a count per level
    of what was new."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    sent: dict[str, int] = defaultdict(int)
    for city_id in Place.objects.filter(kind=PlaceKind.CITY).values_list("pk", flat=True):
        s = schedule_for(city_id)
        if in_quiet_hours(local.time(), s):
            continue
        for slot in (Slot.MORNING, Slot.AFTERNOON):
            day = local.date()
            if not (slot_opens_at(day, slot) <= now < slot_closes_at(day, slot)):
                continue
            for level in (LEVEL_RESIDENT, LEVEL_GRID, LEVEL_COMMUNITY):
                if now >= level_due_at(s, day, slot, level):
                    for k, v in level_send(city_id, day, slot, level, s, now).items():
                        sent[k] += v
    return dict(sent)


def _missing_households_sql() -> str:
    """Households of a city with someone living there and no report of theirs in the slot;
    grids whose counters say complete are not looked into."""
    r, c, h = (
        Resident._meta.db_table,
        CoverageCount._meta.db_table,
        HealthReport._meta.db_table,
    )
    return (
        f"SELECT r.household_id, r.grid_id, r.community_id, r.city_id FROM {r} r "  # nosec B608: names from the models, enum constants; values are parameters
        f"WHERE r.city_id = %s AND r.status = '{ResidentStatus.PRESENT}' "
        f"AND r.grid_id NOT IN (SELECT c.grid_id FROM {c} c WHERE c.city_id = %s AND c.day = %s "
        "AND c.slot = %s AND c.expected IS NOT NULL AND c.reported >= c.expected) "
        f"AND NOT EXISTS (SELECT 1 FROM {h} x WHERE x.resident_id = r.id AND x.day = %s "
        "AND x.slot = %s) "
        "GROUP BY r.household_id, r.grid_id, r.community_id, r.city_id"
    )


def households_remember(
    city_id: int, day: datetime.date, slot: str, level: int, now: datetime.datetime
) -> int:
    """Record the households this level reaches now (those already reached at this level are
    left as they were); returns how many are new."""
    rr = ReportReminder._meta.db_table
    params: list[Any]
    if level == LEVEL_RESIDENT:
        source, params = _missing_households_sql(), [city_id, city_id, day, slot, day, slot]
    else:
        # Later levels chase the households level 1 reached that are still missing someone:
        # no second scan of the whole city.
        source, params = _still_missing_sql(), [city_id, day, slot, LEVEL_RESIDENT, day, slot]
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {rr} (household_id, grid_id, community_id, city_id, day, slot, level, "  # nosec B608: names from the models, enum constants; values are parameters
            f"sent_at) SELECT m.household_id, m.grid_id, m.community_id, m.city_id, %s, %s, %s, %s "
            f"FROM ({source}) m WHERE TRUE ON CONFLICT DO NOTHING",
            [day, slot, level, now, *params],
        )
        return cur.rowcount


def _still_missing_sql() -> str:
    """The households of level 1 of a city's round with someone living there still unreported."""
    r, h = Resident._meta.db_table, HealthReport._meta.db_table
    return (
        f"SELECT rr.household_id, rr.grid_id, rr.community_id, rr.city_id "  # nosec B608: names from the models, enum constants; values are parameters
        f"FROM {ReportReminder._meta.db_table} rr WHERE rr.city_id = %s AND rr.day = %s "
        "AND rr.slot = %s AND rr.level = %s "
        f"AND EXISTS (SELECT 1 FROM {r} r WHERE r.household_id = rr.household_id "
        f"AND r.status = '{ResidentStatus.PRESENT}' AND NOT EXISTS (SELECT 1 FROM {h} x "
        "WHERE x.resident_id = r.id AND x.day = %s AND x.slot = %s))"
    )


def round_done(city_id: int, day: datetime.date, slot: str, level: int) -> bool:
    """Whether this level of this round has gone out: each level goes out once, at its time
    (a household found missing later waits for the next level), so the runs every five
    minutes after it cost one indexed lookup instead of a scan of the city."""
    return ReportReminder.objects.filter(city_id=city_id, day=day, slot=slot, level=level).exists()


@transaction.atomic
def level_send(
    city_id: int,
    day: datetime.date,
    slot: str,
    level: int,
    s: ReminderSchedule,
    now: datetime.datetime,
) -> dict[str, int]:
    """One level of one round: the households it reaches and the people told, in one
    transaction (a run that fails half-way leaves nothing, and the next run does it whole)."""
    if round_done(city_id, day, slot, level):
        return {}
    new = households_remember(city_id, day, slot, level, now)
    if not new:
        return {}
    if level == LEVEL_RESIDENT:
        return _residents_remind(city_id, day, slot, s, now) | {"households": new}
    return {f"level{level}": _offices_tell(city_id, day, slot, level, now)}


_NEW_ROWS = "rr.city_id = %s AND rr.day = %s AND rr.slot = %s AND rr.level = %s AND rr.sent_at = %s"


def _new_rows_sql() -> str:
    return f"FROM {ReportReminder._meta.db_table} rr WHERE {_NEW_ROWS}"


def _residents_remind(
    city_id: int, day: datetime.date, slot: str, s: ReminderSchedule, now: datetime.datetime
) -> dict[str, int]:
    g, hh, rr = Grant._meta.db_table, Household._meta.db_table, ReportReminder._meta.db_table
    rows = [city_id, day, slot, LEVEL_RESIDENT, now]
    # The members' own accounts: in the app, and by text where they switched it on.
    lines, texts = notify_select(
        Kind.REPORT_REMINDER,
        f"SELECT gr.user_id AS user_id, rr.household_id AS key FROM {rr} rr "  # nosec B608: names from the models, enum constants; values are parameters
        f"JOIN {g} gr ON gr.household_id = rr.household_id AND gr.role = '{Role.RESIDENT}' "
        f"WHERE {_NEW_ROWS}",
        rows,
        {"slot": slot},
        dedupe_prefix=f"report-reminder:{day}:{slot}:",
        link=reverse("health:report"),
    )
    if s.text_household_phones:
        # A household where nobody has an account (the elderly without a smartphone): its
        # contact number, by text.
        texts += text_select(
            TextTemplate.REPORT_REMINDER,
            f"SELECT h.phone AS phone, rr.household_id AS key FROM {rr} rr "  # nosec B608: names from the models, enum constants; values are parameters
            f"JOIN {hh} h ON h.id = rr.household_id WHERE {_NEW_ROWS} "
            f"AND NOT EXISTS (SELECT 1 FROM {g} gr WHERE gr.household_id = rr.household_id "
            f"AND gr.role = '{Role.RESIDENT}')",
            rows,
            {"slot": SLOT_WORDS_ZH[Slot(slot)]},
            dedupe_prefix=f"report-reminder:{day}:{slot}:hh",
        )
    return {"lines": lines, "texts": texts}


@dataclass(frozen=True)
class _Missing:
    place_id: int
    count: int


def _offices_tell(
    city_id: int, day: datetime.date, slot: str, level: int, now: datetime.datetime
) -> int:
    """One line per grid (level 2) or community (level 3) still missing reports, to the grid's
    workers or the community's admins: how many residents, and the call list."""
    column = "grid_id" if level == LEVEL_GRID else "community_id"
    role = Role.GRID_WORKER if level == LEVEL_GRID else Role.COMMUNITY_ADMIN
    kind = Kind.REPORT_MISSING if level == LEVEL_GRID else Kind.REPORT_MISSING_ESCALATED
    r, h = Resident._meta.db_table, HealthReport._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT r.{column}, COUNT(*) FROM {r} r WHERE r.city_id = %s "  # nosec B608: names from the models, enum constants; values are parameters
            f"AND r.status = '{ResidentStatus.PRESENT}' AND r.household_id IN "
            f"(SELECT rr.household_id {_new_rows_sql()}) "
            f"AND NOT EXISTS (SELECT 1 FROM {h} x WHERE x.resident_id = r.id AND x.day = %s "
            f"AND x.slot = %s) GROUP BY r.{column}",
            [city_id, city_id, day, slot, level, now, day, slot],
        )
        missing = [_Missing(pk, n) for pk, n in cur.fetchall() if n]
    if not missing:
        return 0
    ids = [m.place_id for m in missing]
    names = dict(Place.objects.filter(pk__in=ids).values_list("pk", "name"))
    holders: dict[int, list[int]] = defaultdict(list)
    for place_id, user_id in Grant.objects.filter(
        role=role, place_id__in=ids, user__is_active=True
    ).values_list("place_id", "user_id"):
        holders[place_id].append(user_id)
    told = 0
    for m in missing:
        if not holders.get(m.place_id):
            continue
        told += notify(
            kind,
            holders[m.place_id],
            {"count": m.count, "place": names.get(m.place_id, ""), "slot": slot},
            dedupe_key=f"report-missing:{day}:{slot}:L{level}:{m.place_id}",
            link=_call_list_link(level, m.place_id),
        )
    return told


def _call_list_link(level: int, place_id: int) -> str:
    name = "health:not_reported" if level == LEVEL_GRID else "health:coverage"
    return reverse(name, kwargs={"place_id": place_id})
