"""Every read the health pages and endpoints need; the actor always comes first."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from core.scoping import any_of
from health.expected import expected_by_grid_slot
from health.models import CoverageCount, HealthFlag, HealthReport, Slot
from health.querysets import HEALTH_ROLES
from people.models import Resident, ResidentStatus
from places.models import CHILD_KIND, PLACE_ORDER, Place, PlaceKind, address_order, path_ids

# The counter column that groups each kind's children.
CHILD_COLUMN = {
    PlaceKind.CITY: "district_id",
    PlaceKind.DISTRICT: "street_id",
    PlaceKind.STREET: "community_id",
    PlaceKind.COMMUNITY: "grid_id",
}
LEVEL_COLUMN = {
    PlaceKind.CITY: "city_id",
    PlaceKind.DISTRICT: "district_id",
    PlaceKind.STREET: "street_id",
    PlaceKind.COMMUNITY: "community_id",
    PlaceKind.GRID: "grid_id",
}


def access_health_place(actor: Actor, place_id: int) -> Place:
    """A place whose health figures the actor may read: inside one of their health grants
    (not merely visible: a grid worker sees their community's name but not its figures)."""
    q = any_of(Q(path__startswith=g.place_path) for g in actor.place_grants(HEALTH_ROLES))
    qs = Place.objects.filter(pk=place_id)
    if not actor.is_superuser:
        if q is None:
            raise Http404
        qs = qs.filter(q)
    place = qs.first()
    if place is None or place.kind == PlaceKind.BUILDING:
        raise Http404
    return place


def health_roots(actor: Actor) -> list[Place]:
    """The places the actor's health pages start from (their grants' places, top ones only)."""
    ids = [g.place_id for g in actor.place_grants(HEALTH_ROLES)]
    qs = Place.objects.filter(pk__in=ids).exclude(kind=PlaceKind.BUILDING).order_by(*PLACE_ORDER)
    if actor.is_superuser and not ids:
        qs = Place.objects.filter(parent__isnull=True)
    roots: list[Place] = []
    for p in qs:
        if not any(p.path.startswith(r.path) for r in roots):
            roots.append(p)
    return roots


# ---- counters -------------------------------------------------------------------------------


def coverage_counts_ensure(place: Place, day: datetime.date) -> int:
    """Make sure every grid under `place` has its counters for `day`, with `expected` taken from
    the registry. Cheap when they exist (two indexed counts); returns the rows it created."""
    level = LEVEL_COLUMN[PlaceKind(place.kind)]
    rows = CoverageCount.objects.filter(**{level: place.pk}, day=day)
    grids = Place.objects.filter(kind=PlaceKind.GRID, path__startswith=place.path)
    created = 0
    if rows.filter(expected__isnull=False).count() < 2 * grids.count():
        have = set(rows.values_list("grid_id", "slot"))
        missing_grids = {
            pk: path
            for pk, path in grids.values_list("pk", "path")
            if (pk, Slot.MORNING) not in have or (pk, Slot.AFTERNOON) not in have
        }
        expected = expected_by_grid_slot(missing_grids, day)
        new = []
        for pk, path in missing_grids.items():
            city, district, street, community, _grid = path_ids(path)[:5]
            for slot in Slot.values:
                if (pk, slot) in have:
                    continue
                new.append(
                    CoverageCount(
                        grid_id=pk,
                        community_id=community,
                        street_id=street,
                        district_id=district,
                        city_id=city,
                        day=day,
                        slot=slot,
                        expected=expected.get((pk, slot), 0),
                    )
                )
        CoverageCount.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
        created = len(new)
        # Counters a report created first (expected still unknown) get their figure now: one
        # count for all of them, one update per grid.
        unknown = set(rows.filter(expected__isnull=True).values_list("grid_id", flat=True))
        expected |= expected_by_grid_slot([pk for pk in unknown if pk not in missing_grids], day)
        for pk in unknown:
            for slot in Slot.values:
                rows.filter(grid_id=pk, slot=slot, expected__isnull=True).update(
                    expected=expected.get((pk, slot), 0)
                )
    return created


@dataclass
class SlotFigures:
    expected: int = 0
    reported: int = 0
    abnormal: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)

    @property
    def percent(self) -> int:
        if not self.expected:
            return 0
        return min(100, round(100 * self.reported / self.expected))


@dataclass
class CoverageRow:
    place_id: int
    name: str
    kind: str
    slots: dict[str, SlotFigures] = field(default_factory=dict)


@dataclass
class Coverage:
    place: Place
    day: datetime.date
    total: CoverageRow
    children: list[CoverageRow]


def coverage(actor: Actor, place: Place, day: datetime.date) -> Coverage:
    """Expected / reported / abnormal / missing per slot for `place` and each of its children.

    Reads only counters (scoped by for_actor): a few thousand rows even for the whole city."""
    coverage_counts_ensure(place, day)
    level = LEVEL_COLUMN[PlaceKind(place.kind)]
    child_column = CHILD_COLUMN.get(PlaceKind(place.kind), "grid_id")
    sums = (
        CoverageCount.objects.for_actor(actor)
        .filter(**{level: place.pk}, day=day)
        .values_list(child_column, "slot")
        .annotate(e=Sum("expected"), r=Sum("reported"), a=Sum("abnormal"))
        .values_list(child_column, "slot", "e", "r", "a")
    )
    by_child: dict[int, dict[str, SlotFigures]] = defaultdict(dict)
    total = CoverageRow(place.pk, place.name, place.kind, {s: SlotFigures() for s in Slot.values})
    for child, slot, e, r, a in sums:
        by_child[child][slot] = SlotFigures(e or 0, r or 0, a or 0)
        t = total.slots[slot]
        t.expected += e or 0
        t.reported += r or 0
        t.abnormal += a or 0
    children: list[CoverageRow] = []
    if CHILD_KIND.get(place.kind) and place.kind != PlaceKind.GRID:
        for pk, name, kind in (
            Place.objects.filter(parent=place)
            .order_by(*PLACE_ORDER)
            .values_list("pk", "name", "kind")
        ):
            slots = {s: by_child.get(pk, {}).get(s, SlotFigures()) for s in Slot.values}
            children.append(CoverageRow(pk, name, kind, slots))
    return Coverage(place=place, day=day, total=total, children=children)


# ---- who has not reported -------------------------------------------------------------------


@dataclass
class MissingMember:
    resident_id: int
    name: str
    phone: str
    age: int | None
    flags: list[str]
    call: Any = None  # the slot's latest CallResult, set by the call list page


@dataclass
class MissingHousehold:
    household_id: int
    building: str
    room: str
    phone: str
    members: list[MissingMember] = field(default_factory=list)


def _missing(actor: Actor, grid: Place, day: datetime.date, slot: str) -> Any:
    """The grid's residents living here with no report in the slot (the call list)."""
    reported = HealthReport.objects.filter(grid_id=grid.pk, day=day, slot=slot).values(
        "resident_id"
    )
    return (
        Resident.objects.for_actor(actor)
        .filter(grid_id=grid.pk, status=ResidentStatus.PRESENT)
        .exclude(pk__in=reported)
    )


def not_reported(
    actor: Actor,
    grid: Place,
    day: datetime.date,
    slot: str,
    *,
    building_id: int | None = None,
) -> list[MissingHousehold]:
    """Residents of one grid living here with no report in the slot, grouped by household in
    walking order (building, room), of one building if asked. Phones in full only to those who
    call them (health.policies.calls_residents); masked for the offices above."""
    from core.disclosure import shown_phone
    from health.policies import calls_residents

    full = calls_residents(actor, grid.path)
    missing = _missing(actor, grid, day, slot)
    if building_id:
        missing = missing.filter(building_id=building_id)
    rows = missing.order_by(*address_order(), "pk").values_list(
        "pk",
        "person__name",
        "person__phone",
        "person__birth_date",
        "household_id",
        "building__name",
        "household__room",
        "household__phone",
        "is_elderly_alone",
        "is_disabled",
    )
    today = day
    households: dict[int, MissingHousehold] = {}
    for pk, name, phone, birth, hh, building, room, hh_phone, alone, disabled in rows:
        h = households.get(hh)
        if h is None:
            h = households[hh] = MissingHousehold(
                hh, building, room, shown_phone(hh_phone, full=full)
            )
        age = None
        if birth:
            age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        flags = [f for f, on in (("is_elderly_alone", alone), ("is_disabled", disabled)) if on]
        h.members.append(MissingMember(pk, name, shown_phone(phone, full=full), age, flags))
    return list(households.values())


def not_reported_buildings(
    actor: Actor, grid: Place, day: datetime.date, slot: str
) -> list[tuple[int, str, int]]:
    """(building id, name, people not reported) of the grid, in natural order: the call
    list's building filter."""
    rows = (
        _missing(actor, grid, day, slot)
        .values_list("building_id", "building__name", "building__sort_path")
        .annotate(n=Count("pk"))
        .order_by("building__sort_path", "building_id")
    )
    return [(pk, name, n) for pk, name, _sort, n in rows]


# ---- flags ----------------------------------------------------------------------------------


def default_slot(day: datetime.date) -> str:
    """The slot a page opens on: now's slot today, the afternoon for an earlier day."""
    from health.rules import current_slot

    today, slot = current_slot()
    return slot if day == today else Slot.AFTERNOON


def flags(actor: Actor, place: Place | None = None, status: str = "open") -> Any:
    qs = HealthFlag.objects.for_actor(actor)
    if status in {"open", "handed_over", "dismissed"}:
        qs = qs.filter(status=status)
    if place is not None:
        qs = qs.filter(**{LEVEL_COLUMN[PlaceKind(place.kind)]: place.pk})
    return qs.select_related("resident__person", "household", "building").order_by("raised_at")


def access_flag(actor: Actor, flag_id: int) -> HealthFlag:
    flag = (
        HealthFlag.objects.for_actor(actor)
        .select_related("resident__person", "household", "building", "grid", "closed_by")
        .filter(pk=flag_id)
        .first()
    )
    if flag is None:
        raise Http404
    return flag


def flag_reports(actor: Actor, flag: HealthFlag) -> list[HealthReport]:
    """The reports that raised or joined a flag (first to last)."""
    return list(
        HealthReport.objects.for_actor(actor)
        .filter(
            resident_id=flag.resident_id,
            abnormal=True,
            id__gte=flag.first_report_id,
            id__lte=flag.last_report_id,
        )
        .order_by("day", "slot")
    )


# ---- the resident's own report page ---------------------------------------------------------


@dataclass
class MemberToday:
    resident: Resident
    report: HealthReport | None


def own_households(actor: Actor) -> list[int]:
    from core.roles import Role

    return [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]


def household_members_today(
    actor: Actor, household_id: int, day: datetime.date, slot: str
) -> list[MemberToday]:
    """The living members of one of the actor's own households, each with their report in the
    slot if there is one (the page asks only for the others)."""
    if household_id not in own_households(actor):
        raise Http404
    members = list(
        Resident.objects.for_actor(actor)
        .filter(household_id=household_id, status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY])
        .select_related("person")
        .order_by("pk")
    )
    reports = {
        r.resident_id: r
        for r in HealthReport.objects.for_actor(actor).filter(
            household_id=household_id, day=day, slot=slot
        )
    }
    return [MemberToday(m, reports.get(m.pk)) for m in members]


def open_flag_count(actor: Actor) -> int:
    return HealthFlag.objects.for_actor(actor).filter(status="open").count()


# ---- a resident's home: is today's report done? ----------------------------------------------


@dataclass
class SlotStatus:
    slot: str
    label: str
    reported: int
    members: int
    last_at: datetime.datetime | None
    opens: str  # "12:00"
    open_now: bool
    closed: bool

    @property
    def done(self) -> bool:
        return self.members > 0 and self.reported >= self.members


def household_report_status(household_id: int, day: datetime.date) -> list[SlotStatus]:
    """Per slot of `day`: how many living members reported, when the last one did, and whether
    the slot is open yet (issue 15 item 18: the resident's home says whether it is done)."""
    from django.conf import settings
    from django.db.models import Max

    from health.rules import slot_closes_at, slot_opens_at

    members = Resident.objects.filter(
        household_id=household_id,
        status__in=(ResidentStatus.PRESENT, ResidentStatus.AWAY),
    ).count()
    figures = {
        slot: (n, last)
        for slot, n, last in HealthReport.objects.filter(household_id=household_id, day=day)
        .values_list("slot")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .values_list("slot", "n", "last")
    }
    now = timezone.now()
    out = []
    for slot, label in Slot.choices:
        n, last = figures.get(slot, (0, None))
        out.append(
            SlotStatus(
                slot=slot,
                label=str(label),
                reported=n,
                members=members,
                last_at=last,
                opens=settings.HEALTH_SLOT_OPENS[slot],
                open_now=slot_opens_at(day, slot) <= now < slot_closes_at(day, slot),
                closed=now >= slot_closes_at(day, slot),
            )
        )
    return out
