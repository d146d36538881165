"""The counts that feed every report (issue 5, item 6): open cases per category and disposition
for a place and each place one level down, and the time from the first flag to triage, to an
isolation room and to a hospital bed (median and 90th percentile, in minutes).

Every read starts from `TriageCase.objects.for_actor(actor)`. Counts are one grouped query on
the place columns each case carries (no joins). Percentiles are computed by PostgreSQL
(`percentile_cont … WITHIN GROUP`, an aggregate over the same scoped queryset) and in Python on
SQLite; both interpolate the same way, so both give the same figures on the same data.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import field_error
from core.scoping import any_of
from core.time_format import minutes_text
from places.models import PLACE_ORDER, Place, PlaceKind, path_ids
from triage.models import CaseStatus, Category, Disposition, TriageCase
from triage.policies import may_open_stats, stats_grant_paths
from triage.querysets import CASE_ROLES

# The case column that groups each kind's children (one level down).
CHILD_COLUMN: dict[str, str] = {
    PlaceKind.CITY: "district_id",
    PlaceKind.DISTRICT: "street_id",
    PlaceKind.STREET: "community_id",
    PlaceKind.COMMUNITY: "grid_id",
    PlaceKind.GRID: "building_id",
}
# The key of "no category (not triaged yet)" and "no disposition yet": the case list's value.
NONE = "none"
CATEGORY_KEYS: tuple[str, ...] = (NONE, *Category.values)
DISPOSITION_KEYS: tuple[str, ...] = (NONE, *Disposition.values)
# Released closes the case: an open case never has it, so the tables leave it out.
OPEN_DISPOSITION_KEYS: tuple[str, ...] = tuple(k for k in DISPOSITION_KEYS if k != "released")
NONE_CATEGORY_LABEL = gettext_lazy("Not triaged yet")
NONE_DISPOSITION_LABEL = gettext_lazy("No disposition yet")
# Durations are over the cases first flagged in this window unless told otherwise.
DEFAULT_WINDOW = datetime.timedelta(days=14)
# The windows the dashboard offers (days).
WINDOW_DAYS = (1, 7, 14, 30)

# Colours of the category chart (legend and title say the same in words).
CATEGORY_COLOURS = {
    NONE: "#8a94a6",
    Category.CONFIRMED: "#a40e26",
    Category.SUSPECTED: "#e07b00",
    Category.FEBRILE: "#c9a100",
    Category.CLOSE_CONTACT: "#2f6fb3",
    Category.CLEARED: "#2e8b57",
}


def category_columns() -> list[tuple[str, str]]:
    return [(k, category_label(k)) for k in CATEGORY_KEYS]


def disposition_columns() -> list[tuple[str, str]]:
    return [(k, disposition_label(k)) for k in OPEN_DISPOSITION_KEYS]


def category_label(key: str) -> str:
    return str(NONE_CATEGORY_LABEL if key == NONE else Category(key).label)


def disposition_label(key: str) -> str:
    return str(NONE_DISPOSITION_LABEL if key == NONE else Disposition(key).label)


# ---- places the actor may open -------------------------------------------------------------


def access_stats_place(actor: Actor, place_id: int) -> Place:
    """A place whose case counts the actor may read: inside one of their case-role grants (a
    building head, a helper or a unit sees no cases); buildings have no dashboard. 404
    otherwise, missing or forbidden alike."""
    qs = Place.objects.filter(pk=place_id)
    if not actor.is_superuser:
        q = any_of(Q(path__startswith=p) for p in stats_grant_paths(actor))
        if q is None:
            raise Http404
        qs = qs.filter(q)
    place = qs.first()
    if place is None or place.kind not in CHILD_COLUMN:
        raise Http404
    return place


def stats_roots(actor: Actor) -> list[Place]:
    """The top places of the actor's case-role grants (a grant inside another is no root)."""
    ids = [g.place_id for g in actor.place_grants(CASE_ROLES)]
    qs = Place.objects.filter(pk__in=ids, kind__in=list(CHILD_COLUMN)).order_by(*PLACE_ORDER)
    if actor.is_superuser and not ids:
        qs = Place.objects.filter(parent__isnull=True).order_by(*PLACE_ORDER)
    roots: list[Place] = []
    for p in qs:
        if not any(p.path.startswith(r.path) for r in roots):
            roots.append(p)
    return roots


@dataclass(frozen=True)
class Crumb:
    id: int
    name: str
    linked: bool


def stats_crumbs(actor: Actor, place: Place) -> list[Crumb]:
    """The levels above `place`; those whose dashboard the actor may open are links."""
    ids = path_ids(place.path)[:-1]
    rows = Place.objects.filter(pk__in=ids).values_list("pk", "name", "path")
    found = {pk: (name, path) for pk, name, path in rows}
    return [Crumb(i, found[i][0], may_open_stats(actor, found[i][1])) for i in ids if i in found]


# ---- counts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int
    url: str


@dataclass
class CountRow:
    """Open cases of one place: by category (NONE: not triaged yet), by disposition (NONE: none
    yet), and the three queues."""

    place_id: int
    name: str
    kind: str
    open: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORY_KEYS, 0))
    by_disposition: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(DISPOSITION_KEYS, 0)
    )
    awaiting_triage: int = 0
    waiting_for_bed: int = 0

    @property
    def home_observation(self) -> int:
        return self.by_disposition[Disposition.HOME_OBSERVATION]

    def add(self, category: str, disposition: str, n: int, triage: int, bed: int) -> None:
        self.open += n
        self.by_category[category or NONE] += n
        self.by_disposition[disposition or NONE] += n
        self.awaiting_triage += triage
        self.waiting_for_bed += bed

    @property
    def categories(self) -> list[tuple[str, int]]:
        return [(k, self.by_category[k]) for k in CATEGORY_KEYS]

    @property
    def category_cells(self) -> list[Cell]:
        """Per category: its count and the link to those cases, for the tables."""
        return [
            Cell(k, category_label(k), n, case_list_url(self.place_id, category=k))
            for k, n in self.categories
        ]

    @property
    def disposition_cells(self) -> list[Cell]:
        return [
            Cell(
                k,
                disposition_label(k),
                self.by_disposition[k],
                case_list_url(self.place_id, disposition=k),
            )
            for k in OPEN_DISPOSITION_KEYS
        ]

    @property
    def open_url(self) -> str:
        return case_list_url(self.place_id)

    @property
    def home_observation_url(self) -> str:
        return case_list_url(self.place_id, disposition=Disposition.HOME_OBSERVATION)


@dataclass
class CaseCounts:
    place: Place
    total: CountRow
    children: list[CountRow]
    child_kind: str


def case_counts(actor: Actor, place: Place) -> CaseCounts:
    """Open cases of `place` and of each place one level down (two queries whatever the size:
    the children's names and one grouped count over the scoped cases)."""
    kind = PlaceKind(place.kind)
    child_column = CHILD_COLUMN[kind]
    groups = (
        TriageCase.objects.for_actor(actor)
        .filter(status=CaseStatus.OPEN, **{f"{kind}_id": place.pk})
        .values_list(child_column, "category", "disposition")
        .annotate(
            n=Count("pk"),
            triage=Count("pk", filter=Q(triage_due_since__isnull=False)),
            bed=Count("pk", filter=Q(bed_wanted_since__isnull=False)),
        )
        .order_by()
    )
    children = {
        pk: CountRow(pk, name, child_kind)
        for pk, name, child_kind in Place.objects.for_actor(actor)
        .filter(parent_id=place.pk)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind")
    }
    total = CountRow(place.pk, place.name, place.kind)
    for child_id, category, disposition, n, triage, bed in groups:
        total.add(category, disposition, n, triage, bed)
        row = children.get(child_id)
        if row is not None:
            row.add(category, disposition, n, triage, bed)
    child_kind = next(iter(children.values())).kind if children else ""
    return CaseCounts(place, total, list(children.values()), child_kind)


# ---- durations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    column: str
    label: Any  # lazy text


MEASURES: tuple[Measure, ...] = (
    Measure("triage", "triaged_at", gettext_lazy("First flag to triage")),
    Measure("isolation", "isolated_at", gettext_lazy("First flag to an isolation site")),
    Measure("hospital", "hospitalised_at", gettext_lazy("First flag to a designated hospital")),
)
MEASURES_BY_KEY = {m.key: m for m in MEASURES}


@dataclass(frozen=True)
class Duration:
    key: str
    label: str
    count: int  # cases that reached the step
    median: float | None  # minutes, one decimal
    p90: float | None

    @property
    def median_text(self) -> str:
        return minutes_text(self.median)

    @property
    def p90_text(self) -> str:
        return minutes_text(self.p90)


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over sorted values: linear interpolation between the two
    nearest ranks (position fraction × (n − 1))."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): PostgreSQL only."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class MinutesSince(Func):
    """(later − first_flagged_at) in minutes, as double precision (PostgreSQL); NULL when the
    step was never reached, so percentile_cont leaves the case out."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 60.0"
    output_field = FloatField()

    def __init__(self, column: str) -> None:
        super().__init__(F(column) - F("first_flagged_at"))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def durations_of(
    cases: QuerySet[TriageCase],
    measures: Iterable[Measure] = MEASURES,
    *,
    in_database: bool | None = None,
) -> list[Duration]:
    """Median and 90th percentile (minutes) of each step over `cases` (a scoped queryset): in
    the database on PostgreSQL, in Python elsewhere (`in_database` forces one way; the tests
    compare both on PostgreSQL)."""
    measures = list(measures)
    if in_database is None:
        in_database = connections[cases.db].vendor == "postgresql"
    if in_database:
        aggregates: dict[str, Any] = {}
        for m in measures:
            minutes = MinutesSince(m.column)
            aggregates[f"{m.key}_n"] = Count(m.column)
            aggregates[f"{m.key}_p50"] = PercentileCont(minutes, 0.5)
            aggregates[f"{m.key}_p90"] = PercentileCont(minutes, 0.9)
        got = cases.order_by().aggregate(**aggregates)
        return [
            Duration(
                m.key,
                str(m.label),
                got[f"{m.key}_n"],
                _round(got[f"{m.key}_p50"]),
                _round(got[f"{m.key}_p90"]),
            )
            for m in measures
        ]
    values: dict[str, list[float]] = {m.key: [] for m in measures}
    columns = [m.column for m in measures]
    for first, *moments in cases.order_by().values_list("first_flagged_at", *columns):
        for m, at in zip(measures, moments, strict=True):
            if at is not None:
                values[m.key].append((at - first).total_seconds() / 60)
    out = []
    for m in measures:
        found = sorted(values[m.key])
        out.append(
            Duration(
                m.key,
                str(m.label),
                len(found),
                _round(percentile_cont(found, 0.5)),
                _round(percentile_cont(found, 0.9)),
            )
        )
    return out


def case_durations(
    actor: Actor, place: Place, since: datetime.datetime | None = None
) -> list[Duration]:
    """Time from the first flag to triage, isolation and hospital over the cases of `place`
    first flagged since `since` (default: the last 14 days), open or closed."""
    if since is None:
        since = timezone.now() - DEFAULT_WINDOW
    cases = TriageCase.objects.for_actor(actor).filter(
        **{f"{place.kind}_id": place.pk}, first_flagged_at__gte=since
    )
    return durations_of(cases)


# ---- the chart and the links -----------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    count: int
    percent: float  # of the chart's width
    colour: str


@dataclass(frozen=True)
class ChartRow:
    place_id: int
    name: str
    total: int
    segments: list[Segment]
    summary: str  # the bar in words, for screen readers and the tooltip


def category_chart(rows: Iterable[CountRow]) -> list[ChartRow]:
    """One stacked bar per place, open cases by category, scaled to the longest bar."""
    rows = list(rows)
    longest = max((r.open for r in rows), default=0) or 1
    out = []
    for r in rows:
        segments = [
            Segment(k, category_label(k), n, round(100 * n / longest, 2), CATEGORY_COLOURS[k])
            for k, n in r.categories
            if n
        ]
        summary = ", ".join(f"{s.label} {s.count}" for s in segments) or _("no open cases")
        out.append(ChartRow(r.place_id, r.name, r.open, segments, f"{r.name}: {summary}"))
    return out


def chart_legend() -> list[tuple[str, str]]:
    return [(category_label(k), CATEGORY_COLOURS[k]) for k in CATEGORY_KEYS]


def case_list_url(place_id: int, *, category: str = "", disposition: str = "") -> str:
    """The case list filtered to the open cases of a place (and a category or disposition)."""
    params: dict[str, Any] = {"status": CaseStatus.OPEN}
    if category:
        params["category"] = category
    if disposition:
        params["disposition"] = disposition
    params["place"] = place_id
    return f"{reverse('triage:cases')}?{urlencode(params)}"


# ---- the health home's card -------------------------------------------------------------------


def root_totals(actor: Actor) -> list[CountRow]:
    """The open-case totals of each top place of the actor (for the health home's card)."""
    return [case_counts(actor, place).total for place in stats_roots(actor)]


# ---- the dashboard of one place ----------------------------------------------------------------


def parse_days(value: str | None) -> int:
    """?days= of the dashboard (default 14): one of WINDOW_DAYS, else a field error on `days`."""
    if value is None or value.strip() == "":
        return DEFAULT_WINDOW.days
    text = value.strip()
    if not text.isdigit() or int(text) not in WINDOW_DAYS:
        raise field_error(
            "days",
            _("Choose %(choices)s days.") % {"choices": ", ".join(str(d) for d in WINDOW_DAYS)},
            code=CoreError.INVALID,
        )
    return int(text)


@dataclass
class Dashboard:
    place: Place
    counts: CaseCounts
    durations: list[Duration]
    days: int
    since: datetime.datetime
    crumbs: list[Crumb]
    chart: list[ChartRow]
    # The children's dashboards are links only where the actor may open them (all of them,
    # since the place is inside the actor's grants; a grid's buildings have none).
    drill_down: bool


def dashboard(actor: Actor, place: Place, *, days: int = DEFAULT_WINDOW.days) -> Dashboard:
    """Everything the dashboard of `place` shows (a handful of queries, whatever its size)."""
    since = timezone.now() - datetime.timedelta(days=days)
    counts = case_counts(actor, place)
    rows = counts.children or [counts.total]
    return Dashboard(
        place=place,
        counts=counts,
        durations=case_durations(actor, place, since),
        days=days,
        since=since,
        crumbs=stats_crumbs(actor, place),
        chart=category_chart(rows),
        drill_down=counts.child_kind in CHILD_COLUMN,
    )
