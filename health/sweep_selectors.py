"""Reads of the sweep pages (拉网式排查): which campaigns an actor sees and which part of each,
progress per level, and the households not reached with their reasons.

Progress is a handful of grouped queries per page — households per place column, visits of the
campaign per place column (indexed by campaign) — so a district of 800,000 households is read as
a few hundred grouped rows, never household by household. The four categories come from the
reports linked to the visits that found something (a small share of all visits).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404

from core.actor import Actor
from core.sorting import natural_key
from health.models import (
    Declared,
    HealthReport,
    Presence,
    ScreeningVisit,
    SweepCampaign,
    SweepStatus,
    VisitOutcome,
)
from health.querysets import HEALTH_ROLES
from health.rules import FEVER_FROM
from health.screening_selectors import living_households
from places.models import HOUSEHOLD_ORDER, PLACE_ORDER, Household, Place, PlaceKind, path_ids

# The column of a place kind on rows that carry their places (InGrid + building).
KIND_COLUMN = {
    PlaceKind.CITY: "city_id",
    PlaceKind.DISTRICT: "district_id",
    PlaceKind.STREET: "street_id",
    PlaceKind.COMMUNITY: "community_id",
    PlaceKind.GRID: "grid_id",
    PlaceKind.BUILDING: "building_id",
}
CHILD_COLUMN = {
    PlaceKind.CITY: "district_id",
    PlaceKind.DISTRICT: "street_id",
    PlaceKind.STREET: "community_id",
    PlaceKind.COMMUNITY: "grid_id",
    PlaceKind.GRID: "building_id",
    PlaceKind.BUILDING: "building_id",
}
# Levels whose not-reached households are listed one by one.
LIST_KINDS = (PlaceKind.COMMUNITY, PlaceKind.GRID, PlaceKind.BUILDING)
CATEGORIES = ("confirmed", "suspected", "febrile", "close_contact")

NEVER = "never"
NOBODY_HOME = "nobody_home"
REFUSED = "refused"
REASONS = (NEVER, NOBODY_HOME, REFUSED)


@dataclass
class Figures:
    """One place's figures in one campaign. A household is screened (done) when a visit found
    it with nobody refusing; otherwise it is not reached: never visited, nobody home at every
    visit, or screened with members who refused."""

    households: int = 0
    visited: int = 0
    screened_any: int = 0
    done: int = 0
    residents_present: int = 0
    residents_away: int = 0
    residents_refused: int = 0
    abnormal: int = 0
    confirmed: int = 0
    suspected: int = 0
    febrile: int = 0
    close_contact: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def screened(self) -> int:
        return min(self.done, self.households) if self.households else self.done

    @property
    def not_reached(self) -> int:
        return max(self.households - self.screened, 0)

    @property
    def never_visited(self) -> int:
        return max(self.households - self.visited, 0)

    @property
    def nobody_home(self) -> int:
        return max(self.visited - self.screened_any, 0)

    @property
    def refused(self) -> int:
        return max(self.screened_any - self.done, 0)

    @property
    def residents_screened(self) -> int:
        return self.residents_present + self.residents_away

    @property
    def percent(self) -> int:
        if not self.households:
            return 0
        return min(100, round(100 * self.screened / self.households))

    def as_dict(self) -> dict[str, int]:
        out = asdict(self)
        for name in (
            "screened",
            "not_reached",
            "never_visited",
            "nobody_home",
            "refused",
            "residents_screened",
            "percent",
        ):
            out[name] = getattr(self, name)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        return cls(**{f.name: int(data.get(f.name) or 0) for f in fields(cls)})


def figures_by(campaign: SweepCampaign, root: Place, column: str) -> dict[int, Figures]:
    """The campaign's figures inside `root`, grouped by one place column (e.g. "street_id")."""
    where = {KIND_COLUMN[PlaceKind(root.kind)]: root.pk}
    out: dict[int, Figures] = {}

    def at(key: int) -> Figures:
        return out.setdefault(key, Figures())

    for key, n in (
        living_households()
        .filter(**where)
        .values_list(column)
        .annotate(n=Count("pk"))
        .values_list(column, "n")
    ):
        at(key).households = n
    visits = ScreeningVisit.objects.filter(campaign=campaign, **where)
    screened = Q(outcome=VisitOutcome.SCREENED)
    for key, visited, screened_any, done in (
        visits.values_list(column)
        .annotate(
            v=Count("household_id", distinct=True),
            s=Count("household_id", distinct=True, filter=screened),
            d=Count("household_id", distinct=True, filter=screened & Q(refused_count=0)),
        )
        .values_list(column, "v", "s", "d")
    ):
        f = at(key)
        f.visited, f.screened_any, f.done = visited, screened_any, done
    # Residents: the last screening visit of each household counts (a revisit replaces it).
    last = visits.filter(screened).values("household_id").annotate(last=Max("pk")).values("last")
    for key, p, a, r in (
        ScreeningVisit.objects.filter(pk__in=last)
        .values_list(column)
        .annotate(p=Sum("present_count"), a=Sum("away_count"), r=Sum("refused_count"))
        .values_list(column, "p", "a", "r")
    ):
        f = at(key)
        f.residents_present, f.residents_away, f.residents_refused = p or 0, a or 0, r or 0
    for key, found in _categories(visits, column).items():
        f = at(key)
        for name, residents in found.items():
            setattr(f, name, len(residents))
    return out


def _categories(visits: QuerySet[ScreeningVisit], column: str) -> dict[int, dict[str, set[int]]]:
    """{place: {"abnormal"|category: {resident ids}}} from the reports of the visits that found
    something: febrile = declared febrile or ≥ 37.3 °C; close contact = declared or contact."""
    report_place: dict[int, int] = {}
    days: set[datetime.date] = set()
    for key, members, day in visits.filter(
        outcome=VisitOutcome.SCREENED, abnormal_count__gt=0
    ).values_list(column, "members", "day"):
        days.add(day)
        for m in members or []:
            if m.get("report"):
                report_place[int(m["report"])] = key
    out: dict[int, dict[str, set[int]]] = {}
    ids = sorted(report_place)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for r in HealthReport.objects.filter(id__in=chunk, day__in=days).values(
            "id", "resident_id", "presence", "temperature", "contact", "declared", "abnormal"
        ):
            found = out.setdefault(report_place[r["id"]], {})
            resident = r["resident_id"]
            hits = []
            if r["abnormal"] or r["declared"]:
                hits.append("abnormal")
            if r["declared"] == Declared.CONFIRMED:
                hits.append("confirmed")
            if r["declared"] == Declared.SUSPECTED:
                hits.append("suspected")
            present = r["presence"] == Presence.PRESENT
            if r["declared"] == Declared.FEBRILE or (
                present and r["temperature"] is not None and r["temperature"] >= FEVER_FROM
            ):
                hits.append("febrile")
            if r["declared"] == Declared.CLOSE_CONTACT or r["contact"]:
                hits.append("close_contact")
            for name in hits:
                found.setdefault(name, set()).add(resident)
    return out


# ---- which campaigns, which part -------------------------------------------------------------


def visible_sweeps(actor: Actor, q: str = "", status: str = "") -> QuerySet[SweepCampaign]:
    qs = SweepCampaign.objects.for_actor(actor).select_related("scope", "opened_by")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(scope__name__icontains=q))
    if status in SweepStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-start_date", "-pk")


def access_sweep(actor: Actor, sweep_id: int) -> SweepCampaign:
    sweep = (
        SweepCampaign.objects.for_actor(actor)
        .select_related("scope", "opened_by", "closed_by")
        .filter(pk=sweep_id)
        .first()
    )
    if sweep is None:
        raise Http404
    return sweep


def sweep_roots(actor: Actor, campaign: SweepCampaign) -> list[Place]:
    """The part of the campaign the actor works on: the whole scope for the offices over it,
    their own place for those working inside it (a grid worker sees their grid's part)."""
    if actor.is_superuser:
        return [campaign.scope]
    inside: list[int] = []
    for g in actor.place_grants(HEALTH_ROLES):
        if campaign.scope_path.startswith(g.place_path):
            return [campaign.scope]
        if g.place_path.startswith(campaign.scope_path) and g.place_id is not None:
            inside.append(g.place_id)
    places = list(Place.objects.filter(pk__in=inside).order_by(*PLACE_ORDER))
    roots: list[Place] = []
    for p in places:
        if not any(p.path.startswith(r.path) for r in roots):
            roots.append(p)
    return roots


def sweep_place(actor: Actor, campaign: SweepCampaign, place_id: int | None) -> Place:
    """The place a campaign page looks at: `place_id` when inside the actor's part, else the
    actor's part itself (404 for a place outside it)."""
    roots = sweep_roots(actor, campaign)
    if not roots:
        raise Http404
    if place_id is None:
        return roots[0]
    place = Place.objects.filter(pk=place_id).first()
    if place is None or not any(place.path.startswith(r.path) for r in roots):
        raise Http404
    return place


def sweep_crumbs(actor: Actor, campaign: SweepCampaign, place: Place) -> list[Place]:
    """The way from the actor's part of the campaign down to `place` (both included)."""
    roots = [r for r in sweep_roots(actor, campaign) if place.path.startswith(r.path)]
    if not roots:
        return [place]
    root = roots[0]
    ids = [*place.ancestor_ids, place.pk]
    return list(
        Place.objects.filter(pk__in=ids, path__startswith=root.path).order_by("depth", "path")
    )


@dataclass
class LevelRow:
    place_id: int
    name: str
    kind: str
    figures: Figures
    has_children: bool = True


@dataclass
class SweepProgress:
    campaign: SweepCampaign
    place: Place
    total: Figures
    rows: list[LevelRow]
    frozen: bool = False


def sweep_progress(campaign: SweepCampaign, place: Place) -> SweepProgress:
    """`place` and each of its children: from the frozen report once closed, else live."""
    if campaign.status == SweepStatus.CLOSED:
        frozen = frozen_progress(campaign, place)
        if frozen is not None:
            return frozen
    column = CHILD_COLUMN[PlaceKind(place.kind)]
    by = figures_by(campaign, place, column)
    if place.kind == PlaceKind.BUILDING:
        return SweepProgress(campaign, place, by.get(place.pk, Figures()), [])
    total = Figures()
    for f in by.values():
        total = total + f
    rows = [
        LevelRow(pk, name, kind, by.get(pk, Figures()), kind != PlaceKind.BUILDING)
        for pk, name, kind in Place.objects.filter(parent=place)
        .order_by(*PLACE_ORDER)
        .values_list("pk", "name", "kind")
    ]
    return SweepProgress(campaign, place, total, rows)


def frozen_order(places: dict[str, dict[str, Any]]) -> Any:
    """Sort key of a closed campaign's frozen places (id → {name, path…}): the tree's natural
    order, as Place.sort_path gives for live places."""

    def key(item: tuple[str, dict[str, Any]]) -> tuple[str, ...]:
        ids = path_ids(item[1].get("path", ""))
        return tuple(natural_key(places.get(str(i), {}).get("name", "")) for i in ids)

    return key


def frozen_progress(campaign: SweepCampaign, place: Place) -> SweepProgress | None:
    places = (campaign.report or {}).get("places") or {}
    own = places.get(str(place.pk))
    if own is None:
        return None
    rows = [
        LevelRow(int(pk), p["name"], p["kind"], Figures.from_dict(p), True)
        for pk, p in sorted(places.items(), key=frozen_order(places))
        if p.get("parent") == place.pk
    ]
    if place.kind == PlaceKind.GRID:
        # The frozen report stops at grids; a grid's buildings are read live.
        rows = sweep_progress_live_rows(campaign, place)
    return SweepProgress(campaign, place, Figures.from_dict(own), rows, frozen=True)


def sweep_progress_live_rows(campaign: SweepCampaign, place: Place) -> list[LevelRow]:
    by = figures_by(campaign, place, CHILD_COLUMN[PlaceKind(place.kind)])
    return [
        LevelRow(pk, name, kind, by.get(pk, Figures()), False)
        for pk, name, kind in Place.objects.filter(parent=place)
        .order_by(*PLACE_ORDER)
        .values_list("pk", "name", "kind")
    ]


def sweep_totals(actor: Actor, campaign: SweepCampaign) -> Figures:
    """The actor's part of the campaign in one figure (the list's progress bar)."""
    total = Figures()
    for root in sweep_roots(actor, campaign):
        if campaign.status == SweepStatus.CLOSED:
            frozen = ((campaign.report or {}).get("places") or {}).get(str(root.pk))
            if frozen is not None:
                total = total + Figures.from_dict(frozen)
                continue
        for f in figures_by(campaign, root, KIND_COLUMN[PlaceKind(root.kind)]).values():
            total = total + f
    return total


# ---- households not reached ------------------------------------------------------------------


def not_reached(
    campaign: SweepCampaign, place: Place, q: str = "", reason: str = ""
) -> QuerySet[Household]:
    """Households inside `place` the campaign has not screened, each with its reason:
    `last_at`/`last_outcome` of the last visit (none: never visited) and `refused` members
    at the last screening visit."""
    column = KIND_COLUMN[PlaceKind(place.kind)]
    campaign_visits = ScreeningVisit.objects.filter(campaign=campaign)
    done = campaign_visits.filter(outcome=VisitOutcome.SCREENED, refused_count=0).values(
        "household_id"
    )
    last = campaign_visits.filter(household_id=OuterRef("pk")).order_by("-recorded_at", "-pk")
    last_screened = last.filter(outcome=VisitOutcome.SCREENED)
    qs = (
        living_households()
        .filter(**{column: place.pk})
        .exclude(pk__in=done)
        .annotate(
            last_at=Subquery(last.values("recorded_at")[:1]),
            last_outcome=Subquery(last.values("outcome")[:1]),
            refused=Subquery(last_screened.values("refused_count")[:1]),
            was_screened=Exists(last_screened),
            was_visited=Exists(last),
        )
    )
    if q:
        qs = qs.filter(Q(room__icontains=q) | Q(building__name__icontains=q))
    if reason == NEVER:
        qs = qs.filter(was_visited=False)
    elif reason == NOBODY_HOME:
        qs = qs.filter(was_visited=True, was_screened=False)
    elif reason == REFUSED:
        qs = qs.filter(was_screened=True)
    return qs.select_related("building", "grid").order_by(*HOUSEHOLD_ORDER)


def reason_of(household: Any) -> str:
    if getattr(household, "was_screened", False):
        return REFUSED
    if getattr(household, "was_visited", False):
        return NOBODY_HOME
    return NEVER


# ---- opening ---------------------------------------------------------------------------------


def sweep_scope_choices(actor: Actor) -> list[Place]:
    """Places an actor may open a sweep over: their city or district and the streets below
    (and a district's communities), in tree order."""
    from health.policies import SWEEP_ROLES

    if actor.is_superuser:
        return list(
            Place.objects.filter(
                kind__in=[PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET]
            ).order_by(*PLACE_ORDER)[:500]
        )
    out: list[Place] = []
    for g in actor.place_grants(SWEEP_ROLES):
        if g.place_id is None:
            continue
        grant_place = Place.objects.filter(pk=g.place_id).first()
        if grant_place is None:
            continue
        kinds = [PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET]
        if grant_place.kind == PlaceKind.DISTRICT:
            kinds.append(PlaceKind.COMMUNITY)
        out.extend(
            Place.objects.filter(path__startswith=g.place_path, kind__in=kinds).order_by(
                *PLACE_ORDER
            )[:1000]
        )
    seen: set[int] = set()
    return [p for p in out if not (p.pk in seen or seen.add(p.pk))]  # type: ignore[func-returns-value]
