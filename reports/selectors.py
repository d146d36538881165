"""Every read of the community daily report (日报): the figures of one community's day, one
report, and the overview a street, district or city office opens every evening — who has
submitted, who is late, who has not yet, and the sum of what was submitted.

The fever-triage figures (new cases per category, cases opened, people in home observation or
waiting for a bed, the median time from the first flag to triage) are computed from the triage
cases (triage.stats); the residents' request figures (filed, open, overdue, escalated, done)
from the request records (issue 6). No figure is entered by hand any more, but the mechanism
stays for a later one. Reports stored before the triage or request figures were computed keep
what was entered by hand: the keys listed under HAND_MARK say so, and they render as they were.

The overview reads at most three light lists (communities under the place, their report rows of
the day, the streets' deadlines) and one aggregate over the submitted reports' figures, so a
city of ~3,400 communities is one page of a few queries. Reading never creates a report: a
community with no row for the day is "not yet" (or "late" once the deadline has passed).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import field_error
from core.scoping import any_of
from core.sorting import natural_key
from health.models import (
    DailyReport,
    DailyReportStatus,
    Declared,
    HealthFlag,
    HealthReport,
    ReportDeadline,
    ScreeningVisit,
    Slot,
    VisitOutcome,
)
from health.querysets import REPORT_OFFICE_ROLES
from places.models import PLACE_ORDER, Place, PlaceKind, path_ids
from reports.policies import DAILY_SUBMIT_ROLES, may_open_overview

# When a street has set no deadline of its own, its communities report by this time (Beijing).
DEFAULT_DEADLINE = datetime.time(18, 0)

# The offices whose overview lists the level below; a community's own page is its report.
OVERVIEW_KINDS = (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET)
# Position of each kind's id in a materialised path ("/city/district/street/community/...").
PATH_INDEX = {
    PlaceKind.CITY: 0,
    PlaceKind.DISTRICT: 1,
    PlaceKind.STREET: 2,
    PlaceKind.COMMUNITY: 3,
    PlaceKind.GRID: 4,
    PlaceKind.BUILDING: 5,
}


# ---- the figures of a report ---------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any  # lazy text
    section: str
    hand_kept: bool = False
    # A count adds up over communities; a median does not (the roll-up leaves it out).
    summed: bool = True


SECTIONS: dict[str, Any] = {
    "coverage": _("Residents' daily health reports"),
    "abnormal": _("Abnormal reports"),
    "screening": _("Door-to-door screening"),
    "declared": _("Four categories found in reports today"),
    "workers": _("Community workers' health"),
    "triage": _("Fever triage (from the case records)"),
    "requests": _("Residents' requests (from the request records)"),
    # Figures no capability computes (none now): a section only shows when it has figures.
    "hand_kept": _("Entered by the community"),
}

FIGURES: tuple[Figure, ...] = (
    Figure("am_expected", _("Morning: residents expected"), "coverage"),
    Figure("am_reported", _("Morning: reported"), "coverage"),
    Figure("am_abnormal", _("Morning: abnormal"), "coverage"),
    Figure("am_missing", _("Morning: not reported"), "coverage"),
    Figure("pm_expected", _("Afternoon: residents expected"), "coverage"),
    Figure("pm_reported", _("Afternoon: reported"), "coverage"),
    Figure("pm_abnormal", _("Afternoon: abnormal"), "coverage"),
    Figure("pm_missing", _("Afternoon: not reported"), "coverage"),
    Figure("abnormal_residents", _("Residents with an abnormal report today"), "abnormal"),
    Figure("flags_new", _("New abnormal flags today"), "abnormal"),
    Figure("flags_handed_over", _("Flags handed over to triage today"), "abnormal"),
    Figure("households_screened", _("Households screened"), "screening"),
    Figure("households_nobody_home", _("Households with nobody home (to revisit)"), "screening"),
    Figure("declared_confirmed", _("Confirmed cases"), "declared"),
    Figure("declared_suspected", _("Suspected cases"), "declared"),
    Figure("declared_febrile", _("Febrile patients"), "declared"),
    Figure("declared_close_contact", _("Close contacts"), "declared"),
    Figure("workers_total", _("Community workers"), "workers"),
    Figure("workers_reported", _("Workers who reported today"), "workers"),
    Figure("workers_unwell", _("Workers unwell (not fit for duty)"), "workers"),
    Figure("new_confirmed", _("New confirmed cases"), "triage"),
    Figure("new_suspected", _("New suspected cases"), "triage"),
    Figure("new_febrile", _("New febrile patients"), "triage"),
    Figure("new_close_contact", _("New close contacts"), "triage"),
    Figure("cases_opened", _("Cases opened today"), "triage"),
    Figure("home_observation", _("People in home observation"), "triage"),
    Figure("beds_waiting", _("People waiting for a hospital bed or isolation room"), "triage"),
    Figure(
        "triage_minutes_median",
        _("Median minutes from first flag to triage (cases triaged today)"),
        "triage",
        summed=False,
    ),
    Figure("requests_new", _("Requests filed today"), "requests"),
    Figure("requests_open", _("Residents' requests still open"), "requests"),
    Figure("requests_overdue", _("Open requests past a time limit"), "requests"),
    Figure("requests_escalated", _("Requests escalated today"), "requests"),
    Figure("requests_done", _("Requests done today"), "requests"),
)
FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
# The figures the roll-up adds up over the submitted reports.
SUMMED_KEYS = tuple(f.key for f in FIGURES if f.summed)
# Figures no capability computes: the community admin enters them on review. None now (the
# open requests were the last, until issue 6), but the mechanism stays for a later figure.
# The keys entered by hand are listed under HAND_MARK in the report's figures, so a figure
# computed later (the triage ones were hand-kept until issue 5, the open requests until issue 6)
# stays marked as entered by hand in the reports stored before.
HAND_KEPT = tuple(f.key for f in FIGURES if f.hand_kept)
HAND_MARK = "by_hand"
# The triage figures a report generated before they were computed lacks: such a draft is
# regenerated before it is submitted.
TRIAGE_KEYS = tuple(f.key for f in FIGURES if f.section == "triage" and f.summed)
# The same for the request figures (computed since issue 6).
REQUEST_KEYS = tuple(f.key for f in FIGURES if f.section == "requests")
# Every computed figure a draft must carry to be submitted.
GENERATED_KEYS = TRIAGE_KEYS + REQUEST_KEYS
# The few figures the overview tables show per row (the roll-up card and the .xlsx show all):
# both rounds of reports, then what needs acting on.
SUMMARY_KEYS = (
    "am_reported",
    "pm_reported",
    "abnormal_residents",
    "flags_new",
    "new_confirmed",
    "new_suspected",
    "home_observation",
    "beds_waiting",
    "requests_open",
    "workers_unwell",
)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day in Beijing time as an aware [start, end) range."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time(), tz)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)


def daily_figures(actor: Actor, community: Place, day: datetime.date) -> dict[str, int]:
    """The computed figures of one community's day (the hand-kept ones are not here; nor is
    the median time to triage on a day nobody was triaged)."""
    from health.selectors import coverage
    from health.worker_selectors import community_worker_counts

    out: dict[str, int] = {}
    total = coverage(actor, community, day).total
    for slot in Slot.values:
        f = total.slots[slot]
        out[f"{slot}_expected"] = f.expected
        out[f"{slot}_reported"] = f.reported
        out[f"{slot}_abnormal"] = f.abnormal
        out[f"{slot}_missing"] = f.missing
    reports = HealthReport.objects.for_actor(actor).filter(community_id=community.pk, day=day)
    out["abnormal_residents"] = (
        reports.filter(abnormal=True).values("resident_id").distinct().count()
    )
    declared = dict(
        reports.exclude(declared="")
        .values_list("declared")
        .annotate(n=Count("resident_id", distinct=True))
        .values_list("declared", "n")
    )
    for value in (Declared.CONFIRMED, Declared.SUSPECTED, Declared.FEBRILE, Declared.CLOSE_CONTACT):
        out[f"declared_{value}"] = declared.get(value, 0)
    start, end = day_bounds(day)
    flags = HealthFlag.objects.for_actor(actor).filter(community_id=community.pk)
    out["flags_new"] = flags.filter(raised_at__gte=start, raised_at__lt=end).count()
    out["flags_handed_over"] = flags.filter(
        status="handed_over", closed_at__gte=start, closed_at__lt=end
    ).count()
    visits = ScreeningVisit.objects.for_actor(actor).filter(community_id=community.pk, day=day)
    screened = visits.filter(outcome=VisitOutcome.SCREENED).values("household_id")
    out["households_screened"] = screened.distinct().count()
    out["households_nobody_home"] = (
        visits.filter(outcome=VisitOutcome.NOBODY_HOME)
        .exclude(household_id__in=screened)
        .values("household_id")
        .distinct()
        .count()
    )
    workers = community_worker_counts(community, day)
    out["workers_total"] = workers.total
    out["workers_reported"] = workers.reported
    out["workers_unwell"] = workers.unwell
    out.update(triage_figures(actor, community, day))
    out.update(request_figures(actor, community, day))
    return out


def triage_figures(actor: Actor, community: Place, day: datetime.date) -> dict[str, int]:
    """The fever-triage figures of one community's day, from the cases (three queries):

    - new_<category>: cases whose category was set to it for the first time that day (a case
      going suspected → confirmed counts once in each; back to a category it had before, not
      again);
    - cases_opened: cases opened that day;
    - home_observation, beds_waiting: open cases at home under observation, and waiting for a
      hospital bed or an isolation room, as of the report's generation;
    - triage_minutes_median: median minutes from the first flag to triage of the cases
      triaged that day (left out when nobody was).
    """
    from django.db.models import Exists, OuterRef

    from triage.models import FOUR_CATEGORIES, CaseEvent, CaseStatus, EventKind, TriageCase
    from triage.stats import MEASURES_BY_KEY, durations_of

    start, end = day_bounds(day)
    events = CaseEvent.objects.for_actor(actor).filter(
        kind=EventKind.CATEGORY, case__community_id=community.pk
    )
    earlier = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"),
        kind=EventKind.CATEGORY,
        to_value=OuterRef("to_value"),
        at__lt=start,
    )
    new = dict(
        events.filter(at__gte=start, at__lt=end, to_value__in=FOUR_CATEGORIES)
        .exclude(Exists(earlier))
        .values_list("to_value")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("to_value", "n")
        .order_by()
    )
    out = {f"new_{category}": new.get(category, 0) for category in FOUR_CATEGORIES}
    cases = TriageCase.objects.for_actor(actor).filter(community_id=community.pk)
    is_open = Q(status=CaseStatus.OPEN)
    counts = cases.filter(is_open | Q(opened_at__gte=start, opened_at__lt=end)).aggregate(
        opened=Count("pk", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        home=Count("pk", filter=is_open & Q(disposition="home_observation")),
        beds=Count("pk", filter=is_open & Q(bed_wanted_since__isnull=False)),
    )
    out["cases_opened"] = counts["opened"]
    out["home_observation"] = counts["home"]
    out["beds_waiting"] = counts["beds"]
    (triage,) = durations_of(
        cases.filter(triaged_at__gte=start, triaged_at__lt=end), [MEASURES_BY_KEY["triage"]]
    )
    if triage.median is not None:
        out["triage_minutes_median"] = round(triage.median)
    return out


def request_figures(
    actor: Actor,
    community: Place,
    day: datetime.date,
    now: datetime.datetime | None = None,
) -> dict[str, int]:
    """The residents' request figures of one community's day, from the requests (one query).
    "By then" is the end of the day, or now for today:

    - requests_new: filed that day;
    - requests_open: filed before then and neither done nor closed by then;
    - requests_overdue: of those open, a clock had run out by then (not responded to by the
      respond-by time, or not done by the done-by time);
    - requests_escalated: escalated that day (to the street or further);
    - requests_done: marked done that day.

    A request escalated to the street or the district still counts here: the resident lives in
    the community. A cancelled request that carries no closing time is taken as closed when it
    was last changed.
    """
    from service_requests.models import RequestStatus, ServiceRequest

    start, end = day_bounds(day)
    # Today's figures are as of now, this very moment included.
    end = min(end, (now or timezone.now()) + datetime.timedelta(microseconds=1))
    within = {"gte": start, "lt": end}

    def during(column: str) -> Q:
        return Q(**{f"{column}__{op}": at for op, at in within.items()})

    def not_by_then(column: str) -> Q:
        return Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__gte": end})

    cancelled_untimed = Q(
        status=RequestStatus.CANCELLED, closed_at__isnull=True, updated_at__lt=end
    )
    is_open = not_by_then("done_at") & not_by_then("closed_at") & ~cancelled_untimed
    late = (Q(respond_due_at__lt=end) & not_by_then("responded_at")) | Q(done_due_at__lt=end)
    counts = (
        ServiceRequest.objects.for_actor(actor)
        .filter(community_id=community.pk, created_at__lt=end)
        # A request closed before the day began counts in none of the figures.
        .exclude(closed_at__lt=start)
        .aggregate(
            new=Count("pk", filter=during("created_at")),
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=is_open & late),
            escalated=Count("pk", filter=during("escalated_at")),
            done=Count("pk", filter=during("done_at")),
        )
    )
    return {f"requests_{k}": v for k, v in counts.items()}


@dataclass
class FigureRow:
    key: str
    label: str
    value: int | None
    hand_kept: bool


@dataclass
class FigureSection:
    key: str
    title: str
    rows: list[FigureRow]
    # The coverage section as a small table: per slot, (key, value) of expected, reported,
    # abnormal and missing.
    table: list[tuple[str, list[tuple[str, int | None]]]] = field(default_factory=list)


def figure_sections(figures: dict[str, Any]) -> list[FigureSection]:
    """The figures as the report shows them, section by section (a missing figure is None). A
    figure is marked hand-kept when it still is, or when this report's value was entered by
    hand (reports stored before the figure was computed)."""
    sections: dict[str, FigureSection] = {}
    by_hand = set(figures.get(HAND_MARK) or [])
    for f in FIGURES:
        s = sections.setdefault(f.section, FigureSection(f.section, str(SECTIONS[f.section]), []))
        value = figures.get(f.key)
        s.rows.append(
            FigureRow(
                f.key,
                str(f.label),
                value if isinstance(value, int) and not isinstance(value, bool) else None,
                f.hand_kept or f.key in by_hand,
            )
        )
    coverage = sections["coverage"]
    for slot, label in Slot.choices:
        cells = []
        for k in ("expected", "reported", "abnormal", "missing"):
            value = figures.get(f"{slot}_{k}")
            cells.append((f"{slot}_{k}", value if isinstance(value, int) else None))
        coverage.table.append((str(label), cells))
    return list(sections.values())


# ---- deadlines -----------------------------------------------------------------------------


def street_deadline_time(street_id: int) -> datetime.time:
    found = ReportDeadline.objects.filter(street_id=street_id).values_list("deadline", flat=True)
    return next(iter(found), None) or DEFAULT_DEADLINE


def deadline_at(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """The deadline of `day` at Beijing time `at`, as an aware datetime (stored in UTC)."""
    return datetime.datetime.combine(day, at, timezone.get_default_timezone())


def community_deadline(community: Place, day: datetime.date) -> datetime.datetime:
    street_id = path_ids(community.path)[PATH_INDEX[PlaceKind.STREET]]
    return deadline_at(day, street_deadline_time(street_id))


def access_deadline_street(actor: Actor, place_id: int) -> tuple[Place, datetime.time, bool]:
    """A street whose deadline the actor may read: (street, its time, whether it is the
    default). Offices above the street see it; the street admin sets it."""
    place = _office_place(actor, place_id, REPORT_OFFICE_ROLES - DAILY_SUBMIT_ROLES)
    if place.kind != PlaceKind.STREET:
        raise Http404
    found = ReportDeadline.objects.for_actor(actor).filter(street_id=place.pk).first()
    return place, (found.deadline if found else DEFAULT_DEADLINE), found is None


# ---- places and reports the actor may open --------------------------------------------------


def _office_place(actor: Actor, place_id: int, roles: frozenset[str]) -> Place:
    qs = Place.objects.filter(pk=place_id)
    if not actor.is_superuser:
        q = any_of(Q(path__startswith=g.place_path) for g in actor.place_grants(roles))
        if q is None:
            raise Http404
        qs = qs.filter(q)
    place = qs.first()
    if place is None:
        raise Http404
    return place


def access_daily_place(actor: Actor, place_id: int) -> Place:
    """A street, district or city inside the actor's office grants (404 otherwise)."""
    place = _office_place(actor, place_id, REPORT_OFFICE_ROLES - DAILY_SUBMIT_ROLES)
    if place.kind not in OVERVIEW_KINDS:
        raise Http404
    return place


def access_daily_report(actor: Actor, daily_report_id: int) -> DailyReport:
    report = (
        DailyReport.objects.for_actor(actor)
        .select_related("community", "submitted_by")
        .filter(pk=daily_report_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def daily_report_of(actor: Actor, community: Place, day: datetime.date) -> DailyReport | None:
    return (
        DailyReport.objects.for_actor(actor)
        .select_related("community", "submitted_by")
        .filter(community_id=community.pk, day=day)
        .first()
    )


def submit_communities(actor: Actor) -> list[Place]:
    """The communities whose daily report the actor reviews and submits."""
    ids = [
        g.place_id
        for g in actor.place_grants(DAILY_SUBMIT_ROLES)
        if g.scope_kind == PlaceKind.COMMUNITY
    ]
    found = {p.pk: p for p in Place.objects.filter(pk__in=ids, kind=PlaceKind.COMMUNITY)}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def office_places(actor: Actor) -> list[Place]:
    """The streets, districts and cities whose overview the actor opens (top ones only)."""
    ids = [g.place_id for g in actor.place_grants(REPORT_OFFICE_ROLES - DAILY_SUBMIT_ROLES)]
    qs = Place.objects.filter(pk__in=ids, kind__in=OVERVIEW_KINDS).order_by(*PLACE_ORDER)
    if actor.is_superuser and not ids:
        qs = Place.objects.filter(parent__isnull=True)
    roots: list[Place] = []
    for p in qs:
        if not any(p.path.startswith(r.path) for r in roots):
            roots.append(p)
    return roots


def parse_day(value: str | None) -> datetime.date:
    """?day=YYYY-MM-DD (default today); a bad or future day is a field error on `day`."""
    today = timezone.localdate()
    if not value:
        return today
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise field_error("day", _("Enter a date as YYYY-MM-DD."), code=CoreError.INVALID) from None
    if day > today:
        raise field_error("day", _("A report cannot be for a future day."), code=CoreError.FUTURE)
    return day


# ---- the overview of a street, district or city ----------------------------------------------

ON_TIME = "on_time"
SUBMITTED_LATE = "submitted_late"
LATE = "late"
NOT_YET = "not_yet"
STATUS_LABELS = {
    ON_TIME: _("Submitted on time"),
    SUBMITTED_LATE: _("Submitted late"),
    LATE: _("Late (not submitted)"),
    NOT_YET: pgettext_lazy("daily report status", "Not yet"),
}


def report_status(
    submitted_at: datetime.datetime | None, deadline: datetime.datetime, now: datetime.datetime
) -> str:
    if submitted_at is not None:
        return ON_TIME if submitted_at <= deadline else SUBMITTED_LATE
    return LATE if now > deadline else NOT_YET


@dataclass
class OverviewRow:
    """One community (street view), or one street / district (the levels above)."""

    place_id: int
    name: str
    kind: str
    communities: int = 0
    submitted: int = 0  # on time or late
    submitted_late: int = 0
    late: int = 0  # deadline passed, not submitted
    not_yet: int = 0
    sums: dict[str, int] = field(default_factory=dict)
    in_sum: int = 0  # submitted reports the sums are over
    # Street view only: the community's own report.
    status: str = ""
    report_id: int | None = None
    submitted_at: datetime.datetime | None = None
    deadline: datetime.datetime | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, ""))

    @property
    def summary(self) -> list[int | None]:
        return [self.sums.get(k) for k in SUMMARY_KEYS]

    @property
    def summary_cells(self) -> list[tuple[str, int | None]]:
        """(label, value) of each summary figure: a phone shows the row as a card of them."""
        return [(str(FIGURES_BY_KEY[k].label), self.sums.get(k)) for k in SUMMARY_KEYS]


@dataclass
class Overview:
    place: Place
    day: datetime.date
    child_kind: str
    rows: list[OverviewRow]
    total: OverviewRow
    deadline: datetime.time | None  # the street's (street view only)
    deadline_is_default: bool = False

    @property
    def sections(self) -> list[FigureSection]:
        return figure_sections(self.total.sums)


def _sum_expressions() -> dict[str, Any]:
    return {
        f"f_{k}": Sum(Cast(KT(f"figures__{k}"), IntegerField()), default=None) for k in SUMMED_KEYS
    }


def daily_overview(actor: Actor, place: Place, day: datetime.date) -> Overview:
    """Status of every community under `place` for `day`, grouped by the level below, and the
    sum of the submitted reports' figures (per row and in total)."""
    kind = PlaceKind(place.kind)
    child_index = PATH_INDEX[kind] + 1
    now = timezone.now()
    children = {
        pk: OverviewRow(pk, name, child_kind)
        for pk, name, child_kind in Place.objects.for_actor(actor)
        .filter(parent_id=place.pk)
        .order_by(*PLACE_ORDER)
        .values_list("pk", "name", "kind")
    }
    communities = list(
        Place.objects.for_actor(actor)
        .filter(kind=PlaceKind.COMMUNITY, path__startswith=place.path)
        .values_list("pk", "path")
    )
    deadlines = dict(
        ReportDeadline.objects.filter(street_path__startswith=place.path).values_list(
            "street_id", "deadline"
        )
    )
    reports = {
        community_id: (pk, status, submitted_at, deadline)
        for pk, community_id, status, submitted_at, deadline in DailyReport.objects.for_actor(actor)
        .filter(community_path__startswith=place.path, day=day)
        .values_list("pk", "community_id", "status", "submitted_at", "deadline")
    }
    street_deadline: dict[int, datetime.datetime] = {}
    for community_id, path in communities:
        ids = path_ids(path)
        row = children.get(ids[child_index]) if len(ids) > child_index else None
        if row is None:
            continue
        street_id = ids[PATH_INDEX[PlaceKind.STREET]]
        if street_id not in street_deadline:
            street_deadline[street_id] = deadline_at(
                day, deadlines.get(street_id, DEFAULT_DEADLINE)
            )
        report = reports.get(community_id)
        deadline = street_deadline[street_id]
        submitted_at = None
        if report is not None:
            deadline = report[3]
            if report[1] == DailyReportStatus.SUBMITTED:
                submitted_at = report[2]
        status = report_status(submitted_at, deadline, now)
        row.communities += 1
        if status in (ON_TIME, SUBMITTED_LATE):
            row.submitted += 1
        if status == SUBMITTED_LATE:
            row.submitted_late += 1
        elif status == LATE:
            row.late += 1
        elif status == NOT_YET:
            row.not_yet += 1
        if kind == PlaceKind.STREET:
            row.status = status
            row.report_id = report[0] if report else None
            row.submitted_at = submitted_at
            row.deadline = deadline

    # One aggregate over the submitted reports' figures, grouped by the row they belong to.
    submitted = DailyReport.objects.for_actor(actor).filter(
        community_path__startswith=place.path, day=day, status=DailyReportStatus.SUBMITTED
    )
    if kind == PlaceKind.STREET:
        grouped = submitted.values("community_id").annotate(n=Count("pk"), **_sum_expressions())
        child_of = "community_id"
    else:
        child = Case(
            *[
                When(community_path__startswith=f"{place.path}{pk}/", then=Value(pk))
                for pk in children
            ],
            default=Value(0),
            output_field=IntegerField(),
        )
        grouped = (
            submitted.annotate(child=child)
            .values("child")
            .annotate(n=Count("pk"), **_sum_expressions())
        )
        child_of = "child"
    total = OverviewRow(place.pk, place.name, place.kind)
    totals: dict[str, int] = defaultdict(int)
    have: set[str] = set()
    for g in grouped if children else []:
        row = children.get(g[child_of])
        if row is None:
            continue
        row.in_sum = g["n"]
        total.in_sum += g["n"]
        for k in SUMMED_KEYS:
            value = g[f"f_{k}"]
            if value is not None:
                row.sums[k] = value
                totals[k] += value
                have.add(k)
    total.sums = {k: totals[k] for k in SUMMED_KEYS if k in have}
    for row in children.values():
        total.communities += row.communities
        total.submitted += row.submitted
        total.submitted_late += row.submitted_late
        total.late += row.late
        total.not_yet += row.not_yet
    deadline_time = None
    is_default = False
    if kind == PlaceKind.STREET:
        deadline_time = deadlines.get(place.pk, DEFAULT_DEADLINE)
        is_default = place.pk not in deadlines
    rows = list(children.values())
    if kind == PlaceKind.STREET:
        order = {LATE: 0, NOT_YET: 1, SUBMITTED_LATE: 2, ON_TIME: 3}
        rows.sort(key=lambda r: (order.get(r.status, 1), natural_key(r.name)))
    return Overview(
        place=place,
        day=day,
        child_kind=str(next(iter(children.values())).kind) if children else "",
        rows=rows,
        total=total,
        deadline=deadline_time,
        deadline_is_default=is_default,
    )


def daily_report_list(actor: Actor, *, day: datetime.date, place_id: int | None = None) -> Any:
    """The reports of `day` the actor may see, optionally under one place (API list)."""
    qs = DailyReport.objects.for_actor(actor).filter(day=day).select_related("community")
    if place_id is not None:
        place = Place.objects.for_actor(actor).filter(pk=place_id).first()
        if place is None:
            return qs.none()
        qs = qs.filter(community_path__startswith=place.path)
    return qs.order_by("community__sort_path", "pk")


def overview_crumbs(actor: Actor, place: Place) -> list[Place]:
    """The levels above `place` whose overview the actor may open (for the breadcrumbs)."""
    above = Place.objects.filter(pk__in=path_ids(place.path)).exclude(pk=place.pk)
    return [p for p in above.order_by("depth") if may_open_overview(actor, p.path)]


def report_street(actor: Actor, report: DailyReport) -> Place | None:
    """The street a report goes to, when the actor may open its overview."""
    if not may_open_overview(actor, report.community_path):
        return None
    street_id = path_ids(report.community_path)[PATH_INDEX[PlaceKind.STREET]]
    street = Place.objects.filter(pk=street_id).first()
    return street if street is not None and may_open_overview(actor, street.path) else None
