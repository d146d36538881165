"""Every read the care pages and the API need, actor first; scoping starts at for_actor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Least
from django.http import Http404
from django.utils import timezone

from accounts.models import Grant, User
from care import rules
from care.assignments import LIVING_STATUSES, carer_grant_q, in_home_observation_q, vulnerable_q
from care.models import CareAssignment, CareContact, EndReason
from core.actor import Actor
from people.models import VULNERABILITY_FIELDS, Resident
from people.search import resident_search_q
from places.models import Household

FILTERS = ("all", "uncovered", "overdue", "alarm", "handover")
FAR = datetime.date(9999, 12, 31)


def _active(household_ref: str = "pk") -> QuerySet[CareAssignment]:
    return CareAssignment.objects.filter(
        household_id=OuterRef(household_ref), ended_at__isnull=True
    )


def _overdue_q(today: datetime.date) -> Q:
    return Q(phone_due_on__lt=today) | Q(visit_due_on__lt=today)


def vulnerable_households(actor: Actor, *, q: str = "", show: str = "all") -> QuerySet[Household]:
    """Households of the actor's area with a living vulnerable resident or one in home
    observation, annotated with whether they have a carer, are overdue or alarmed, and whether
    their last carer left (the handover list)."""
    today = timezone.localdate()
    flagged = Resident.objects.filter(vulnerable_q()).values("household_id")
    observed = (
        Resident.objects.filter(status__in=LIVING_STATUSES)
        .filter(in_home_observation_q())
        .values("household_id")
    )
    last_end = CareAssignment.objects.filter(
        household_id=OuterRef("pk"), ended_at__isnull=False
    ).order_by("-ended_at", "-pk")
    rows = (
        Household.objects.for_actor(actor)
        .filter(Q(pk__in=flagged) | Q(pk__in=observed))
        .annotate(
            covered=Exists(_active()),
            overdue=Exists(_active().filter(_overdue_q(today))),
            alarm=Exists(_active().filter(alarm_at__isnull=False)),
            last_end_reason=Subquery(last_end.values("end_reason")[:1]),
        )
    )
    if q:
        rows = rows.filter(
            Q(room__contains=q)
            | Q(pk__in=Resident.objects.filter(resident_search_q(q)).values("household_id"))
        )
    if show == "uncovered":
        rows = rows.filter(covered=False)
    elif show == "overdue":
        rows = rows.filter(overdue=True)
    elif show == "alarm":
        rows = rows.filter(alarm=True)
    elif show == "handover":
        rows = rows.filter(covered=False, last_end_reason=EndReason.CARER_LEFT)
    return rows.select_related("building").order_by("-alarm", "-overdue", "covered", "pk")


def handover_households(actor: Actor) -> QuerySet[Household]:
    return vulnerable_households(actor, show="handover")


def household_counts(actor: Actor, q: str = "") -> dict[str, int]:
    """How many vulnerable households, covered, uncovered, overdue, alarmed, to hand over."""
    rows = vulnerable_households(actor, q=q).order_by()
    out = {
        "vulnerable": rows.count(),
        "covered": rows.filter(Q(covered=True)).count(),
        "overdue": rows.filter(Q(overdue=True)).count(),
        "alarms": rows.filter(Q(alarm=True)).count(),
        "handover": rows.filter(Q(covered=False, last_end_reason=EndReason.CARER_LEFT)).count(),
    }
    out["uncovered"] = out["vulnerable"] - out["covered"]
    return out


@dataclass
class HouseholdRow:
    household: Household
    assignment: CareAssignment | None
    residents: list[Resident] = field(default_factory=list)
    overdue: bool = False
    alarm: bool = False

    @property
    def next_due(self) -> datetime.date | None:
        a = self.assignment
        if a is None:
            return None
        days = [d for d in (a.phone_due_on, a.visit_due_on) if d is not None]
        return min(days) if days else None


def household_rows(actor: Actor, households: list[Household]) -> list[HouseholdRow]:
    """A page of households with their active assignment and vulnerable residents (two queries)."""
    ids = [h.pk for h in households]
    today = timezone.localdate()
    active = {
        a.household_id: a
        for a in CareAssignment.objects.for_actor(actor)
        .active()
        .filter(household_id__in=ids)
        .select_related("carer")
    }
    residents: dict[int, list[Resident]] = {}
    for r in (
        Resident.objects.filter(household_id__in=ids, status__in=LIVING_STATUSES)
        .select_related("person")
        .order_by("pk")
    ):
        residents.setdefault(r.household_id, []).append(r)
    rows = []
    for h in households:
        a = active.get(h.pk)
        rows.append(
            HouseholdRow(
                household=h,
                assignment=a,
                residents=residents.get(h.pk, []),
                overdue=a is not None and rules.is_overdue(a.phone_due_on, a.visit_due_on, today),
                alarm=a is not None and a.alarm_at is not None,
            )
        )
    return rows


def vulnerability_labels(resident: Resident) -> list[str]:
    return [
        str(getattr(Resident._meta.get_field(name), "verbose_name", name))
        for name in VULNERABILITY_FIELDS
        if getattr(resident, name)
    ]


# The carer's list filters; a home count links the list with the filter it counted.
MINE_FILTERS = ("", "due", "overdue")


def my_assignments(actor: Actor, q: str = "", show: str = "") -> QuerySet[CareAssignment]:
    """The carer's own active assignments, the earliest due first (overdue, then due today);
    `show`: "due" (today or overdue) or "overdue" only."""
    if not actor.user_id:
        return CareAssignment.objects.none()
    rows = (
        CareAssignment.objects.for_actor(actor)
        .active()
        .filter(carer_id=actor.user_id)
        .annotate(next_due=Least(Coalesce("phone_due_on", FAR), Coalesce("visit_due_on", FAR)))
        .select_related("household", "building")
    )
    if q:
        rows = rows.filter(
            Q(household__room__contains=q)
            | Q(
                household_id__in=Resident.objects.filter(resident_search_q(q)).values(
                    "household_id"
                )
            )
        )
    today = timezone.localdate()
    if show == "overdue":
        rows = rows.filter(_overdue_q(today))
    elif show == "due":
        rows = rows.filter(Q(phone_due_on__lte=today) | Q(visit_due_on__lte=today))
    return rows.order_by(F("alarm_at").desc(nulls_last=True), "next_due", "pk")


def residents_of(household_ids: list[int]) -> dict[int, list[Resident]]:
    out: dict[int, list[Resident]] = {}
    for r in (
        Resident.objects.filter(household_id__in=household_ids, status__in=LIVING_STATUSES)
        .select_related("person")
        .order_by("pk")
    ):
        out.setdefault(r.household_id, []).append(r)
    return out


@dataclass
class CarerOption:
    user: User
    load: int
    roles: list[str]


def available_carers(
    actor: Actor, community_id: int, grid_id: int | None = None
) -> list[CarerOption]:
    """Users who may care for households of the community (of `grid_id` when given; grid
    workers of any grid of the community otherwise), with how many households each has there."""
    grants = (
        Grant.objects.filter(carer_grant_q(community_id, grid_id))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__username", "pk")
    )
    by_user: dict[int, CarerOption] = {}
    for g in grants:
        option = by_user.setdefault(g.user_id, CarerOption(user=g.user, load=0, roles=[]))
        label = str(g.get_role_display())
        if label not in option.roles:
            option.roles.append(label)
    loads = dict(
        CareAssignment.objects.filter(
            community_id=community_id, ended_at__isnull=True, carer_id__in=list(by_user)
        )
        .values_list("carer_id")
        .annotate(n=Count("pk"))
        .values_list("carer_id", "n")
    )
    for user_id, option in by_user.items():
        option.load = loads.get(user_id, 0)
    return list(by_user.values())


def carers_with_households(actor: Actor, community_id: int) -> list[CarerOption]:
    """Carers who have active households in the community (the "carer leaves" form), any role
    they hold now (a carer whose grant was removed still shows, to hand over)."""
    rows = (
        CareAssignment.objects.for_actor(actor)
        .active()
        .filter(community_id=community_id)
        .values_list("carer_id")
        .annotate(n=Count("pk"))
        .values_list("carer_id", "n")
    )
    loads = dict(rows)
    users = User.objects.filter(pk__in=list(loads)).order_by("display_name", "username")
    return [CarerOption(user=u, load=loads[u.pk], roles=[]) for u in users]


def access_assignment(actor: Actor, assignment_id: int) -> CareAssignment:
    row = (
        CareAssignment.objects.for_actor(actor)
        .select_related("household", "building", "carer", "assigned_by")
        .filter(pk=assignment_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_household(actor: Actor, household_id: int) -> Household:
    row = (
        Household.objects.for_actor(actor)
        .select_related("building")
        .filter(pk=household_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def active_assignment(actor: Actor, household_id: int) -> CareAssignment | None:
    return (
        CareAssignment.objects.for_actor(actor)
        .active()
        .filter(household_id=household_id)
        .select_related("carer")
        .first()
    )


def assignment_contacts(actor: Actor, assignment: CareAssignment) -> QuerySet[CareContact]:
    """The household's contacts the actor may read (a new carer reads the earlier ones)."""
    return (
        CareContact.objects.for_actor(actor)
        .filter(household_id=assignment.household_id)
        .select_related("carer", "request")
        .order_by("-at", "-pk")
    )


def household_history(actor: Actor, household_id: int) -> QuerySet[CareAssignment]:
    return (
        CareAssignment.objects.for_actor(actor)
        .filter(household_id=household_id)
        .select_related("carer")
        .order_by("-started_at", "-pk")
    )
