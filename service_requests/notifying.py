"""Who is told about a request, through `notifications.services.notify`: the office a request
was passed up to, the holders of an overdue request, and the resident of their own request's
progress. Each dedupe key names one event, so a job run twice tells nobody twice."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Grant
from accounts.recipients import users_with_role_on
from core.actor import Actor
from core.roles import Role
from notifications.kinds import Kind
from notifications.services import notify
from people.models import Resident
from service_requests.models import (
    OPEN_STATUSES,
    EventKind,
    Level,
    RequestEvent,
    ServiceRequest,
)

# Overdue requests are looked for this far back: one older than that was told long ago.
OVERDUE_LOOKBACK = datetime.timedelta(days=2)

# The events the resident is not told of: their own filing and confirmation.
_NOT_TOLD = frozenset({EventKind.FILED, EventKind.CONFIRMED})


def _number(request: ServiceRequest) -> str:
    return f"#{request.pk}"


def _link(request: ServiceRequest) -> str:
    return reverse("requests:detail", args=[request.pk])


def _holders(request: ServiceRequest, level: str) -> list[int]:
    """The people who answer for a request at a level: the community's admins and the grid's
    worker, the street's admins, the district's admins."""
    if level == Level.DISTRICT:
        return users_with_role_on([request.district_id], [Role.DISTRICT_ADMIN])
    if level == Level.STREET:
        return users_with_role_on([request.street_id], [Role.STREET_ADMIN])
    return sorted(
        set(users_with_role_on([request.community_id], [Role.COMMUNITY_ADMIN]))
        | set(users_with_role_on([request.grid_id], [Role.GRID_WORKER]))
    )


def escalation_tell(request: ServiceRequest, to_level: str) -> int:
    """The admins of the level a request moved up to."""
    return notify(
        Kind.REQUEST_ESCALATED,
        _holders(request, to_level),
        {"number": _number(request), "level": to_level},
        dedupe_key=f"request_escalated:{request.pk}:{to_level}",
        link=_link(request),
    )


def requests_overdue_tell(now: datetime.datetime | None = None) -> int:
    """Open requests whose done clock ran out while the level holding them had them: that
    level's holders are told once per request, level and clock (a request passed up because
    its done clock ran out was told as an escalation). Returns how many lines are new."""
    now = now or timezone.now()
    late = (
        ServiceRequest.objects.filter(
            status__in=OPEN_STATUSES,
            done_at__isnull=True,
            done_due_at__lte=now,
            done_due_at__gt=now - OVERDUE_LOOKBACK,
        )
        .filter(Q(escalated_at__isnull=True) | Q(escalated_at__lt=F("done_due_at")))
        .order_by("pk")
    )
    told = 0
    for request in late:
        told += notify(
            Kind.REQUEST_OVERDUE,
            _holders(request, request.level),
            {"number": _number(request)},
            dedupe_key=(
                f"request_overdue:{request.pk}:{request.level}:{request.done_due_at:%Y%m%d%H%M}"
            ),
            link=_link(request),
        )
    return told


def _resident_users(request: ServiceRequest) -> list[int]:
    """The request's own resident, where they have an account with the resident role on its
    household: the user who filed it, or the user who is the person it is for."""
    person = Resident.objects.filter(pk=request.resident_id).values("person_id")
    mine = Q(user__person_id__in=person)
    if request.filed_by_id:
        mine |= Q(user_id=request.filed_by_id)
    return sorted(
        set(
            Grant.objects.filter(
                mine,
                household_id=request.household_id,
                role=Role.RESIDENT,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


def progress_tell(request: ServiceRequest, event: RequestEvent, actor: Actor | None) -> int:
    """A public step on the timeline: the resident reads it in their inbox (not the steps they
    took themselves)."""
    if not event.public or event.kind in _NOT_TOLD:
        return 0
    recipients = [u for u in _resident_users(request) if actor is None or u != actor.user_id]
    status = str(event.kind)
    if event.kind == EventKind.ESCALATED and request.level == Level.DISTRICT:
        status = "escalated_district"
    return notify(
        Kind.REQUEST_PROGRESS,
        recipients,
        {"number": _number(request), "status": status},
        dedupe_key=f"request_progress:{event.pk}",
        link=_link(request),
    )
