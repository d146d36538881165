"""A person's frontline record (一线表现, M17): what the system already knows about them — days
deployed to communities, hours served, care contacts made as a carer, requests done, duty
shifts worked — plus what their organisation wrote (entries), nominations, commendations,
accountability records and activist records.

The figures are counted live from their source tables over all of the person's user accounts
(a person may have several), a handful of aggregate queries; the records come through the
recognition access rules. Call `frontline_record` only for a person from
`recognition_selectors.access_person`: the figures are a system read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from care.models import CareContact, ContactKind
from core.actor import Actor
from mobilisation.hours import person_hours
from mobilisation.models import Deployment, DeploymentStatus, ShiftAssignment
from outreach import recognition_selectors as sel
from outreach.models import (
    Accountability,
    Activist,
    Commendation,
    FrontlineEntry,
    Nomination,
    NominationStatus,
)
from people.models import Person
from service_requests.models import Dispatch, DispatchKind, DispatchStatus, RequestStatus

ZERO = Decimal("0")
DONE_STATUSES = (RequestStatus.DONE, RequestStatus.CLOSED)


@dataclass
class DeploymentDays:
    """Days deployed at one community (all of the person's deployments there)."""

    community_id: int
    community: str
    days: int
    active: bool


@dataclass
class FrontlineRecord:
    person_id: int
    name: str
    user_ids: list[int]
    deployments: list[DeploymentDays] = field(default_factory=list)
    activity_hours: Decimal = ZERO
    shift_hours: Decimal = ZERO
    care_contacts: int = 0
    requests_done: int = 0
    shifts_worked: int = 0
    entries: list[FrontlineEntry] = field(default_factory=list)
    nominations: list[Nomination] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)
    accountability: list[Accountability] = field(default_factory=list)
    activist: list[Activist] = field(default_factory=list)

    @property
    def deployment_days(self) -> int:
        return sum(d.days for d in self.deployments)

    @property
    def hours(self) -> Decimal:
        return self.activity_hours + self.shift_hours

    def figures(self) -> dict[str, int | Decimal]:
        return {
            "deployment_days": self.deployment_days,
            "hours": self.hours,
            "care_contacts": self.care_contacts,
            "requests_done": self.requests_done,
            "shifts_worked": self.shifts_worked,
        }


def deployment_span_days(d: Deployment, today: datetime.date | None = None) -> int:
    """Local calendar days of one deployment, both ends counted: from the community's
    acceptance (or the check-in) to its end, or to today while it is active."""
    today = today or timezone.localdate()
    start = timezone.localdate(d.decided_at or d.requested_at)
    end = timezone.localdate(d.ended_at) if d.ended_at else today
    return max(0, (end - start).days + 1)


def _deployments(person: Person, user_ids: list[int]) -> list[DeploymentDays]:
    rows = (
        Deployment.objects.filter(Q(person=person) | Q(user_id__in=user_ids))
        .filter(status__in=[DeploymentStatus.ACTIVE, DeploymentStatus.ENDED])
        .select_related("community")
        .order_by("requested_at", "pk")
    )
    today = timezone.localdate()
    per: dict[int, DeploymentDays] = {}
    for d in rows:
        row = per.setdefault(
            d.community_id, DeploymentDays(d.community_id, d.community.name, 0, False)
        )
        row.days += deployment_span_days(d, today)
        row.active = row.active or d.status == DeploymentStatus.ACTIVE
    return sorted(per.values(), key=lambda r: (-r.days, r.community))


def frontline_figures(person: Person, user_ids: list[int], record: FrontlineRecord) -> None:
    record.deployments = _deployments(person, user_ids)
    for uid in user_ids:
        h = person_hours(uid)
        record.activity_hours += h.activity
        record.shift_hours += h.shift
    if not user_ids:
        return
    record.care_contacts = (
        CareContact.objects.filter(carer_id__in=user_ids).exclude(kind=ContactKind.FAILED).count()
    )
    record.requests_done = (
        Dispatch.objects.filter(
            person_id__in=user_ids,
            kind=DispatchKind.PEOPLE,
            status=DispatchStatus.ACTIVE,
            request__status__in=DONE_STATUSES,
        )
        .values("request_id")
        .distinct()
        .count()
    )
    record.shifts_worked = ShiftAssignment.objects.filter(
        user_id__in=user_ids, removed_at__isnull=True, checked_in_at__isnull=False
    ).count()


def frontline_record(*, actor: Actor, person: Person) -> FrontlineRecord:
    user_ids = list(User.objects.filter(person=person).order_by("pk").values_list("pk", flat=True))
    record = FrontlineRecord(person_id=person.pk, name=person.name, user_ids=user_ids)
    frontline_figures(person, user_ids, record)
    record.entries = list(sel.person_entries(actor, person))
    record.nominations = list(sel.person_nominations(actor, person))
    seen: dict[int, Commendation] = {}
    for n in record.nominations:
        if n.status == NominationStatus.COMMENDED and n.commendation is not None:
            seen.setdefault(n.commendation.pk, n.commendation)
    record.commendations = list(seen.values())
    record.accountability = list(sel.person_accountability(actor, person))
    record.activist = list(sel.person_activist(actor, person))
    return record
