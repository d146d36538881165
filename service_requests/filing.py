"""Filing a request (by the resident, a grid worker, a carer, the office or the hotline) and the
time targets it starts with. The timeline every write adds to: service_requests.timeline."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.scoping import place_columns_q
from core.validators import clean_text, normalize_text
from people.models import Resident, ResidentStatus
from people.querysets import cares_for
from places.models import household_columns
from service_requests.dispatching import dispatch_release
from service_requests.error_codes import ServiceRequestsError
from service_requests.models import (
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    SlaTarget,
    Source,
    Urgency,
)
from service_requests.policies import FILE_ROLES, handles, is_residents_household
from service_requests.rules import DEFAULT_TARGETS
from service_requests.timeline import NOTE_MAX, event_add, request_lock

DETAILS_MAX = 500


def targets_for(city_id: int, category: str) -> tuple[datetime.timedelta, datetime.timedelta]:
    """(respond within, done within) for a category: the city's own, or the default."""
    row = SlaTarget.objects.filter(city_id=city_id, category=category).first()
    respond, done = (
        (row.respond_minutes, row.done_minutes) if row is not None else DEFAULT_TARGETS[category]
    )
    return datetime.timedelta(minutes=respond), datetime.timedelta(minutes=done)


def clocks_start(request: ServiceRequest, now: datetime.datetime) -> None:
    """Set the request's two deadlines from `now` (at filing, and again at reopening)."""
    respond, done = targets_for(request.city_id, request.category)
    request.respond_due_at = now + respond
    request.done_due_at = now + done


def _source_for(actor: Actor, resident: Resident) -> str:
    """Which way the request came in, and whether the actor may file it at all."""
    if actor.is_superuser:
        return Source.STAFF
    if any(
        g.role == Role.RESIDENT and g.household_id == resident.household_id for g in actor.grants
    ):
        return Source.RESIDENT
    area = place_columns_q(actor, FILE_ROLES)
    if area is not None and Resident.objects.filter(area, pk=resident.pk).exists():
        return Source.GRID_WORKER if actor.has_role(Role.GRID_WORKER) else Source.STAFF
    if cares_for(actor, resident.household_id):
        return Source.CARER
    raise field_error(
        "resident",
        _("This resident is not in your area; file the request where they live."),
        code=ServiceRequestsError.OUT_OF_SCOPE,
    )


@transaction.atomic
def request_file(
    *,
    actor: Actor,
    resident: Resident,
    category: str,
    details: str,
    urgency: str = Urgency.NORMAL,
    needed_by: datetime.datetime | None = None,
    hotline: bool = False,
    external_id: str = "",
    now: datetime.datetime | None = None,
) -> ServiceRequest:
    """File a request for a living resident. The hotline (Open311) passes `hotline` and its own
    id: the same id twice gives back the first request, never a second one."""
    now = now or timezone.now()
    if not actor.is_authenticated:
        raise NotAllowed(_("Log in to file a request."))
    external_id = normalize_text(external_id)[:64]
    if hotline and external_id:
        earlier = ServiceRequest.objects.filter(
            source=Source.HOTLINE, external_id=external_id
        ).first()
        if earlier is not None:
            return earlier
    source = _source_for(actor, resident)
    if hotline:
        source = Source.HOTLINE
    if resident.status not in (ResidentStatus.PRESENT, ResidentStatus.AWAY):
        raise field_error(
            "resident", _("This resident is no longer registered as living here."), CoreError.GONE
        )
    if category not in RequestCategory.values:
        raise field_error("category", _("Choose what kind of help is needed."), CoreError.INVALID)
    if urgency not in Urgency.values:
        raise field_error("urgency", _("Choose how urgent it is."), CoreError.INVALID)
    details = clean_text(details, max_length=DETAILS_MAX, truncate=True)
    if not details:
        raise field_error("details", _("Say what is needed."), CoreError.REQUIRED)
    if needed_by is not None and needed_by < now - datetime.timedelta(hours=1):
        raise field_error(
            "needed_by", _("The time it is needed by has already passed."), CoreError.PAST
        )
    request = ServiceRequest(
        **household_columns(resident),
        resident=resident,
        category=category,
        urgency=urgency,
        details=details,
        needed_by=needed_by,
        source=source,
        filed_by_id=actor.user_id or None,
        created_at=now,
        external_id=external_id,
    )
    clocks_start(request, now)
    request.save()
    event_add(request, EventKind.FILED, actor, at=now, text=details)
    return request


@transaction.atomic
def request_cancel(*, actor: Actor, request: ServiceRequest, reason: str) -> ServiceRequest:
    """The resident withdraws a request that is still open (or the office does, with a reason);
    active dispatches are released with it."""
    now = timezone.now()
    request_lock(request)
    if not (is_residents_household(actor, request) or handles(actor, request)):
        raise NotAllowed(_("Only the resident or the office that holds it cancels a request."))
    if not request.is_open:
        raise field_error("status", _("This request is no longer open."), CoreError.WRONG_STATUS)
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    if not reason:
        raise field_error("reason", _("Say why the request is cancelled."), CoreError.REQUIRED)
    active = (
        Dispatch.objects.select_for_update()
        .filter(request_id=request.pk, status=DispatchStatus.ACTIVE)
        .order_by("pk")
    )
    for dispatch in active:
        dispatch_release(actor=actor, request=request, dispatch=dispatch, reason="", now=now)
    request.status = RequestStatus.CANCELLED
    request.closed_at = now
    request.save(update_fields=["status", "closed_at", "updated_at"])
    event_add(request, EventKind.CANCELLED, actor, text=reason, at=now)
    return request
