"""Reads of the screening pages: the buildings of a screener's area with today's progress, one
building walked floor by floor, one household's members for the visit form. Counts are grouped
queries over the page's buildings only; nothing walks a whole community row by row."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.actor import Actor
from core.scoping import any_of
from core.sorting import natural_key
from health.models import (
    HealthReport,
    ScreeningVisit,
    SweepCampaign,
    SweepStatus,
    VisitOutcome,
)
from health.policies import SCREEN_ROLES
from health.rules import symptom_labels
from health.screening import LIVING, check_may_screen, floor_of, screening_households
from people.models import Resident
from people.selectors import RELATION_RANK
from places.models import PLACE_ORDER, Household, Place, PlaceKind


def living_households(qs: QuerySet[Household] | None = None) -> QuerySet[Household]:
    """Households with someone living here or temporarily away: the ones to screen."""
    qs = Household.objects.all() if qs is None else qs
    return qs.filter(
        Exists(Resident.objects.filter(household_id=OuterRef("pk"), status__in=LIVING))
    )


# ---- the buildings of the area ---------------------------------------------------------------


def screening_buildings(actor: Actor, q: str = "") -> QuerySet[Place]:
    """The buildings the actor screens, in walking order, narrowed by a search on the building's
    or its grid's name."""
    check_may_screen(actor)
    qs = Place.objects.filter(kind=PlaceKind.BUILDING)
    if not actor.is_superuser:
        area = any_of(Q(path__startswith=g.place_path) for g in actor.place_grants(SCREEN_ROLES))
        if area is None:
            return qs.none()
        qs = qs.filter(area)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(parent__name__icontains=q))
    return qs.select_related("parent").order_by(*PLACE_ORDER)


@dataclass
class Progress:
    households: int = 0
    screened: int = 0
    revisit: int = 0

    @property
    def left(self) -> int:
        return max(self.households - self.screened, 0)

    @property
    def percent(self) -> int:
        if not self.households:
            return 0
        return min(100, round(100 * self.screened / self.households))


def buildings_progress(building_ids: list[int], day: datetime.date) -> dict[int, Progress]:
    """Households to screen, screened today and waiting for a revisit, per building."""
    out = {pk: Progress() for pk in building_ids}
    if not building_ids:
        return out
    for pk, n in (
        living_households()
        .filter(building_id__in=building_ids)
        .values_list("building_id")
        .annotate(n=Count("pk"))
        .values_list("building_id", "n")
    ):
        out[pk].households = n
    visits = ScreeningVisit.objects.filter(building_id__in=building_ids, day=day)
    screened = visits.filter(outcome=VisitOutcome.SCREENED).values("household_id")
    for pk, s in (
        visits.filter(outcome=VisitOutcome.SCREENED)
        .values_list("building_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("building_id", "n")
    ):
        out[pk].screened = s
    for pk, r in (
        visits.filter(outcome=VisitOutcome.NOBODY_HOME)
        .exclude(household_id__in=screened)
        .values_list("building_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("building_id", "n")
    ):
        out[pk].revisit = r
    return out


def open_sweeps_here(actor: Actor, day: datetime.date) -> list[SweepCampaign]:
    """Open sweeps covering (part of) the actor's screening area today."""
    return list(
        SweepCampaign.objects.for_actor(actor)
        .filter(status=SweepStatus.OPEN, start_date__lte=day, end_date__gte=day)
        .select_related("scope")[:5]
    )


# ---- one building, floor by floor ------------------------------------------------------------


def access_screening_building(actor: Actor, place_id: int) -> Place:
    check_may_screen(actor)
    building = screening_buildings(actor).filter(pk=place_id).first()
    if building is None:
        raise Http404
    return building


TODO = "todo"
SCREENED = "screened"
REVISIT = "revisit"
PARTLY = "partly"
REPORTED = "reported"


@dataclass
class HouseholdState:
    household_id: int
    room: str
    members: int
    reported: int
    state: str
    visit_at: datetime.datetime | None = None
    visit_by: str = ""
    refused: int = 0
    sweep_done: bool = False


@dataclass
class Floor:
    number: int | None
    households: list[HouseholdState] = field(default_factory=list)

    @property
    def left(self) -> int:
        return sum(1 for h in self.households if h.state not in (SCREENED,))


@dataclass
class BuildingWalk:
    building: Place
    day: datetime.date
    slot: str
    floors: list[Floor]
    campaign: SweepCampaign | None = None

    def _count(self, *states: str) -> int:
        return sum(1 for f in self.floors for h in f.households if h.state in states)

    @property
    def total(self) -> int:
        return sum(len(f.households) for f in self.floors)

    @property
    def screened(self) -> int:
        return self._count(SCREENED)

    @property
    def revisit(self) -> int:
        return self._count(REVISIT)

    @property
    def todo(self) -> int:
        return self._count(TODO, PARTLY, REPORTED)

    @property
    def partly(self) -> int:
        return self._count(PARTLY, REPORTED)

    @property
    def left(self) -> int:
        return self.total - self.screened


def building_walk(actor: Actor, building: Place, day: datetime.date, slot: str) -> BuildingWalk:
    """Each household of the building with today's state, grouped by floor (lowest first,
    rooms without a number last)."""
    households = list(
        living_households(screening_households(actor).filter(building_id=building.pk))
        .annotate(n=Count("residents", filter=Q(residents__status__in=LIVING), distinct=True))
        .values_list("pk", "room", "n")
    )
    ids = [pk for pk, _room, _n in households]
    reported = dict(
        HealthReport.objects.filter(
            grid_id=building.parent_id, day=day, slot=slot, household_id__in=ids
        )
        .values_list("household_id")
        .annotate(n=Count("pk"))
        .values_list("household_id", "n")
    )
    visits: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for v in (
        ScreeningVisit.objects.filter(building_id=building.pk, day=day)
        .order_by("recorded_at")
        .values(
            "household_id",
            "outcome",
            "recorded_at",
            "refused_count",
            "recorded_by__display_name",
            "recorded_by__username",
        )
    ):
        visits[v["household_id"]].append(v)
    campaign = open_campaign_for_building(building, day)
    swept: set[int] = set()
    if campaign is not None:
        swept = set(
            ScreeningVisit.objects.filter(
                campaign=campaign,
                building_id=building.pk,
                outcome=VisitOutcome.SCREENED,
                refused_count=0,
            ).values_list("household_id", flat=True)
        )
    floors: dict[int | None, Floor] = {}
    for pk, room, n in households:
        done = [v for v in visits.get(pk, []) if v["outcome"] == VisitOutcome.SCREENED]
        last = visits.get(pk, [])[-1] if visits.get(pk) else None
        got = reported.get(pk, 0)
        h = HouseholdState(pk, room, n, got, TODO, sweep_done=pk in swept)
        if done:
            v = done[-1]
            h.state = SCREENED
            h.visit_at = v["recorded_at"]
            h.visit_by = v["recorded_by__display_name"] or v["recorded_by__username"]
            h.refused = v["refused_count"]
        elif last is not None:
            h.state = REVISIT
            h.visit_at = last["recorded_at"]
            h.visit_by = last["recorded_by__display_name"] or last["recorded_by__username"]
        elif got:
            h.state = REPORTED if got >= n else PARTLY
        number = floor_of(room)
        floors.setdefault(number, Floor(number)).households.append(h)
    ordered = sorted(floors.values(), key=lambda f: (f.number is None, f.number or 0))
    for f in ordered:
        f.households.sort(key=lambda h: natural_key(h.room))
    return BuildingWalk(building, day, slot, ordered, campaign)


def open_campaign_for_building(building: Place, day: datetime.date) -> SweepCampaign | None:
    from health.screening import open_campaign_for

    return open_campaign_for(building.path, day)


# ---- one household's form --------------------------------------------------------------------


@dataclass
class MemberRow:
    resident_id: int
    name: str
    relation: str
    status: str
    report: dict[str, Any] | None = None  # the report already made in this slot
    # The screener chose to correct the report already made (its history is kept).
    correcting: bool = False

    @property
    def asked(self) -> bool:
        return self.report is None or self.correcting


def household_members(
    actor: Actor, household: Household, day: datetime.date, slot: str
) -> list[MemberRow]:
    """The household's living members, each with the report already made in this slot."""
    check_may_screen(actor)
    reports = {
        r["resident_id"]: r
        for r in HealthReport.objects.filter(household_id=household.pk, day=day, slot=slot).values(
            "resident_id",
            "presence",
            "temperature",
            "symptoms",
            "contact",
            "declared",
            "abnormal",
            "source",
            "created_at",
        )
    }
    rows = []
    for r in (
        Resident.objects.filter(household_id=household.pk, status__in=LIVING)
        .select_related("person")
        .order_by(RELATION_RANK, "pk")
    ):
        report = reports.get(r.pk)
        if report is not None:
            report = {**report, "symptom_labels": symptom_labels(report["symptoms"])}
        rows.append(MemberRow(r.pk, r.person.name, r.get_relation_display(), r.status, report))
    return rows


def household_visits_today(
    actor: Actor, household: Household, day: datetime.date
) -> list[ScreeningVisit]:
    return list(
        ScreeningVisit.objects.for_actor(actor)
        .filter(household_id=household.pk, day=day)
        .select_related("recorded_by")
        .order_by("-recorded_at")
    )


def access_visit(actor: Actor, visit_id: int) -> ScreeningVisit:
    visit = (
        ScreeningVisit.objects.for_actor(actor)
        .select_related("household", "building", "recorded_by")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise Http404
    return visit
