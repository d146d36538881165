"""Escalation (上报街道统筹协调): by hand with a reason, or automatically when a clock runs out.
Each request leaves a level once (Escalation's unique constraint)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from service_requests.error_codes import ServiceRequestsError
from service_requests.models import (
    OPEN_STATUSES,
    Escalation,
    EscalationKind,
    EventKind,
    Level,
    RequestStatus,
    ServiceRequest,
)
from service_requests.notifying import escalation_tell
from service_requests.policies import handles
from service_requests.rules import CONFIRM_WINDOW, NEXT_LEVEL
from service_requests.timeline import event_add, request_lock

REASON_MAX = 300


def _passed_text(level: str) -> str:
    if level == Level.DISTRICT:
        return _("Passed to the district.")
    return _("Passed to the street.")


def _move_up(
    request: ServiceRequest,
    *,
    kind: str,
    actor: Actor | None,
    reason: str,
    now: datetime.datetime,
) -> Escalation | None:
    """Record the step and move the LOCKED request up; None when it already left this level
    (someone else won the race)."""
    from_level = request.level
    to_level = NEXT_LEVEL[from_level]
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                request=request,
                from_level=from_level,
                to_level=to_level,
                kind=kind,
                reason=reason,
                at=now,
                by_id=actor.user_id if actor is not None and actor.user_id else None,
            )
    except IntegrityError:
        return None
    request.level = to_level
    request.escalated_at = now
    request.save(update_fields=["level", "escalated_at", "updated_at"])
    event_add(request, EventKind.ESCALATED, actor, text=_passed_text(to_level), at=now)
    escalation_tell(request, to_level)
    return escalation


@transaction.atomic
def request_escalate(
    *, actor: Actor, request: ServiceRequest, reason: str, now: datetime.datetime | None = None
) -> Escalation:
    """The office of the level passes an open request up (community → street → district) with a
    reason ("no vehicle", "needs a hospital bed"); a reason is required."""
    now = now or timezone.now()
    request_lock(request)
    if not handles(actor, request):
        raise NotAllowed(_("Only the office that holds this request passes it up."))
    if not request.is_open:
        raise field_error("status", _("This request is no longer open."), CoreError.WRONG_STATUS)
    if request.level not in NEXT_LEVEL:
        raise field_error(
            "level",
            _("The district is the top level; it cannot be passed further."),
            ServiceRequestsError.TOP,
        )
    reason = clean_text(reason, max_length=REASON_MAX, truncate=True)
    if not reason:
        raise field_error(
            "reason", _("Say why this level cannot solve it (e.g. no vehicle)."), CoreError.REQUIRED
        )
    escalation = _move_up(request, kind=EscalationKind.MANUAL, actor=actor, reason=reason, now=now)
    if escalation is None:
        raise field_error(
            "level", _("This request was already passed up."), ServiceRequestsError.ALREADY
        )
    return escalation


def escalations_due_run(now: datetime.datetime | None = None) -> int:
    """Every open request still at the community whose respond clock ran out unanswered, or
    whose done clock ran out, goes to the street (kind RESPOND_LATE / DONE_LATE), once; returns
    how many moved. A second run moves nothing."""
    now = now or timezone.now()
    late_respond = Q(responded_at__isnull=True, respond_due_at__lte=now)
    late_done = Q(done_at__isnull=True, done_due_at__lte=now)
    moved = 0
    with transaction.atomic():
        due = (
            ServiceRequest.objects.select_for_update(skip_locked=True)
            .filter(late_respond | late_done, level=Level.COMMUNITY, status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        for request in due:
            late = request.responded_at is None and request.respond_due_at <= now
            kind = EscalationKind.RESPOND_LATE if late else EscalationKind.DONE_LATE
            if _move_up(request, kind=kind, actor=None, reason="", now=now) is not None:
                moved += 1
    return moved


def done_requests_autoclose(now: datetime.datetime | None = None) -> int:
    """DONE requests not confirmed within CONFIRM_WINDOW close, marked not confirmed."""
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        due = (
            ServiceRequest.objects.select_for_update(skip_locked=True)
            .filter(status=RequestStatus.DONE, done_at__lte=now - CONFIRM_WINDOW)
            .order_by("pk")
        )
        for request in due:
            request.status = RequestStatus.CLOSED
            request.closed_at = now
            request.confirmed = False
            request.save(update_fields=["status", "closed_at", "confirmed", "updated_at"])
            event_add(
                request, EventKind.CLOSED, None, text=_("Closed without confirmation."), at=now
            )
            closed += 1
    return closed
