"""Every read the triage pages and endpoints need; each starts from `for_actor`."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from core.roles import Role
from health.models import HealthReport
from people.models import Resident
from people.search import resident_search_q
from people.selectors import LIVING, resident_list
from triage.models import (
    FOUR_CATEGORIES,
    CaseEvent,
    CaseStatus,
    Disposition,
    FollowUp,
    FollowUpLevel,
    FollowUpStatus,
    Site,
    TriageCase,
)

CASE_RELATED = ("resident__person", "household", "building", "grid", "community", "site")
# Lists join only what a row shows most; the rest comes in one small query each. Eight joined
# tables cost PostgreSQL ~30 ms of planning per query (bench/README.md, triage queues).
LIST_JOINED = ("resident__person", "household", "building")
LIST_PREFETCHED = ("grid", "community", "site")


def _listed(cases: QuerySet[TriageCase]) -> QuerySet[TriageCase]:
    return cases.select_related(*LIST_JOINED).prefetch_related(*LIST_PREFETCHED)


def shown_cases(actor: Actor) -> QuerySet[TriageCase]:
    """The cases the actor sees on pages and endpoints: an anonymised one is statistics only
    (triage.retention), counted but shown nowhere."""
    return TriageCase.objects.for_actor(actor).filter(anonymised_at__isnull=True)


def access_case(actor: Actor, case_id: int) -> TriageCase:
    case = shown_cases(actor).select_related(*CASE_RELATED).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


def access_site(actor: Actor, site_id: int) -> Site:
    site = Site.objects.for_actor(actor).select_related("place").filter(pk=site_id).first()
    if site is None:
        raise Http404
    return site


def access_follow_up(actor: Actor, follow_up_id: int) -> FollowUp:
    follow_up = (
        FollowUp.objects.for_actor(actor)
        .select_related("case", "resident__person")
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None:
        raise Http404
    return follow_up


def _search(cases: QuerySet[TriageCase], q: str) -> QuerySet[TriageCase]:
    q = q.strip()
    if not q:
        return cases
    if q.startswith("#") and q[1:].isdigit():  # a case number; four digits are a phone's
        return cases.filter(pk=int(q[1:]))
    return cases.filter(resident_search_q(q, prefix="resident__person__"))


def triage_queue(
    actor: Actor, *, q: str = "", community_id: int | None = None
) -> QuerySet[TriageCase]:
    """The health centre's queue: open cases waiting for triage in the communities it serves,
    oldest first (opened, or sent back by a follow-up with fever)."""
    cases = TriageCase.objects.for_actor(actor).awaiting_triage()
    if community_id:
        cases = cases.filter(community_id=community_id)
    return _listed(_search(cases, q)).order_by("triage_due_since", "pk")


def case_list(
    actor: Actor,
    *,
    q: str = "",
    status: str = CaseStatus.OPEN,
    category: str = "",
    disposition: str = "",
    place_id: int | None = None,
) -> QuerySet[TriageCase]:
    cases = shown_cases(actor)
    if status:
        cases = cases.filter(status=status)
    if category == "none":
        cases = cases.filter(category="")
    elif category:
        cases = cases.filter(category=category)
    if disposition == "none":
        cases = cases.filter(disposition="")
    elif disposition:
        cases = cases.filter(disposition=disposition)
    if place_id:
        cases = cases.filter(
            Q(district_id=place_id)
            | Q(street_id=place_id)
            | Q(community_id=place_id)
            | Q(grid_id=place_id)
            | Q(building_id=place_id)
        )
    return _listed(_search(cases, q)).order_by("-opened_at", "-pk")


def case_category_counts(
    actor: Actor,
    *,
    q: str = "",
    status: str = CaseStatus.OPEN,
    disposition: str = "",
    place_id: int | None = None,
) -> dict[str, int]:
    """How many of each category the case list's other filters find (one grouped count;
    "" for the cases not triaged yet)."""
    return dict(
        case_list(actor, q=q, status=status, disposition=disposition, place_id=place_id)
        .prefetch_related(None)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )


def release_check(actor: Actor) -> QuerySet[TriageCase]:
    """Home observations whose last day has come and that the periodic release did not close
    (a follow-up missing or abnormal, a category that may not go home, or today is day 14 and
    the afternoon check is still to come)."""
    return (
        TriageCase.objects.for_actor(actor)
        .filter(
            status=CaseStatus.OPEN,
            disposition=Disposition.HOME_OBSERVATION,
            observation_end__lte=timezone.localdate(),
        )
        .select_related(*CASE_RELATED)
        .order_by("observation_end", "pk")
    )


def transfer_queue(actor: Actor, *, street_id: int | None = None) -> QuerySet[TriageCase]:
    """People waiting for a bed at a designated hospital or isolation site (应收尽收), longest
    wait first."""
    cases = TriageCase.objects.for_actor(actor).waiting_for_bed()
    if street_id:
        cases = cases.filter(street_id=street_id)
    return _listed(cases).order_by("bed_wanted_since", "pk")


def awaiting_disposition(actor: Actor, *, street_id: int | None = None) -> QuerySet[TriageCase]:
    """People in the four categories with no disposition yet, or one their category no longer
    allows (a close contact at home now suspected): nobody waits at home."""
    cases = (
        TriageCase.objects.for_actor(actor)
        .needs_disposition()
        .filter(status=CaseStatus.OPEN, category__in=FOUR_CATEGORIES)
    )
    if street_id:
        cases = cases.filter(street_id=street_id)
    return _listed(cases).order_by("triaged_at", "pk")


def sites_for(actor: Actor, *, kind: str = "") -> QuerySet[Site]:
    sites = Site.objects.for_actor(actor).select_related("place")
    if kind:
        sites = sites.filter(kind=kind)
    return sites.order_by("kind", "name")


def sites_with_room(actor: Actor, kind: str) -> list[Site]:
    return [s for s in sites_for(actor, kind=kind).filter(is_active=True) if s.free > 0]


def follow_ups_overdue(
    actor: Actor, *, level: str = FollowUpLevel.GRID_WORKER, q: str = ""
) -> QuerySet[FollowUp]:
    """Empty follow-up slots past their deadline: the grid worker's list (level grid_worker and
    above), the health centre's (level health_centre)."""
    levels = (
        [FollowUpLevel.HEALTH_CENTRE]
        if level == FollowUpLevel.HEALTH_CENTRE
        else [FollowUpLevel.GRID_WORKER, FollowUpLevel.HEALTH_CENTRE]
    )
    rows = FollowUp.objects.for_actor(actor).filter(status=FollowUpStatus.DUE, level__in=levels)
    if q.strip():
        rows = rows.filter(
            resident_id__in=Resident.objects.filter(resident_search_q(q.strip())).values("pk")
        )
    return rows.select_related("case", "resident__person", "case__building").order_by(
        "due_at", "pk"
    )


def follow_ups_today(actor: Actor, *, day: datetime.date | None = None) -> QuerySet[FollowUp]:
    day = day or timezone.localdate()
    return (
        FollowUp.objects.for_actor(actor)
        .filter(day=day)
        .exclude(status=FollowUpStatus.CANCELLED)
        .select_related("case", "resident__person", "case__building")
        .order_by("status", "due_at", "pk")
    )


def case_follow_ups(case: TriageCase) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case_id=case.pk).exclude(status=FollowUpStatus.CANCELLED)


def case_timeline(actor: Actor, case: TriageCase) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.for_actor(actor).filter(case_id=case.pk).select_related("by")


def case_reports(actor: Actor, case: TriageCase, *, days: int = 14) -> QuerySet[HealthReport]:
    """The health reports that raised the case: the person's abnormal reports from a day before
    the first flag (the reports table is read by resident and day, its unique index)."""
    start = timezone.localdate(case.first_flagged_at) - datetime.timedelta(days=1)
    end = start + datetime.timedelta(days=days + 1)
    if case.closed_at is None:
        end = max(end, timezone.localdate())
    return (
        HealthReport.objects.for_actor(actor)
        .filter(resident_id=case.resident_id, day__gte=start, day__lte=end, abnormal=True)
        .order_by("-day", "-slot")
    )


def case_contacts(actor: Actor, case: TriageCase) -> QuerySet[TriageCase]:
    return (
        shown_cases(actor)
        .filter(index_case_id=case.pk)
        .select_related("resident__person")
        .order_by("pk")
    )


def open_case_for(actor: Actor, resident_id: int) -> TriageCase | None:
    return (
        TriageCase.objects.for_actor(actor)
        .filter(resident_id=resident_id, status=CaseStatus.OPEN)
        .first()
    )


def residents_to_open(actor: Actor, *, q: str) -> list[Resident]:
    """Living residents the actor may open a case for, found by a search (the first 20)."""
    return list(
        resident_list(actor, q=q, status=LIVING).select_related("building", "household")[:20]
    )


def contact_candidates(actor: Actor, case: TriageCase, *, q: str) -> list[Resident]:
    """Living residents found by a search to link as the case's close contacts (the person
    themself left out; the first 10)."""
    return list(
        resident_list(actor, q=q, status=LIVING)
        .exclude(pk=case.resident_id)  # type: ignore[misc]  # set on every shown case
        .select_related("building", "household")[:10]
    )


def is_health_centre(actor: Actor) -> bool:
    return actor.has_role(Role.HEALTH_WORKER)
