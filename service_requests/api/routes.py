"""Resident requests through the API: the list of the caller's area with filters, one request
with its timeline, filing, the office's accept / note / escalate / done and the resident's
confirmation, and the figures (service_requests.stats).

Same rules as the pages: 404 for what the caller may not see, 403 for what they may see but not
do, 422 naming each wrong field; nothing changes on any refusal. Filing sent again with the same
`idempotency_key` (or `Idempotency-Key` header) files once: the replay answers 200 with the
request as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from core.actor import Actor
from core.api import ErrorOut, api_once
from core.disclosure import shown_phone
from core.error_codes import CoreError
from core.errors import field_error, rename_fields
from core.http import actor_of
from core.masking import mask_name
from people.selectors import access_resident
from service_requests import escalation, handling, selectors
from service_requests.api.schemas import (
    ConfirmIn,
    NoteIn,
    ReasonIn,
    RequestDetailOut,
    RequestFileIn,
    RequestPageOut,
    RequestQuery,
    StatsOut,
    StatsQuery,
    TextIn,
)
from service_requests.filing import request_file
from service_requests.models import (
    OPEN_STATUSES,
    EventKind,
    Level,
    RequestCategory,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from service_requests.querysets import overdue_q
from service_requests.stats import request_stats

router = Router(tags=["requests"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
API_NAMES = {"resident": "resident_id"}
# What a row shows of a request's relations: joined (resident, person, household, building)
# or one small query per page (the community's name); every table more in the join adds to
# PostgreSQL's planning time, which is most of a list's query time (bench/requests_open311.py).
LIST_RELATED = ("resident__person", "household", "building")


# ---- shared pieces ----------------------------------------------------------------------------


def access(actor: Actor, request_id: int) -> ServiceRequest:
    """A request the actor sees, or 404 (missing and forbidden alike)."""
    found = (
        ServiceRequest.objects.for_actor(actor)
        .select_related(*LIST_RELATED, "community")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def listed(rows: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return rows.select_related(None).select_related(*LIST_RELATED).prefetch_related("community")


def request_row(request: ServiceRequest, now: Any = None) -> dict[str, Any]:
    now = now or timezone.now()
    is_open = request.status in OPEN_STATUSES
    return {
        "id": request.pk,
        "status": request.status,
        "status_label": str(RequestStatus(request.status).label),
        "category": request.category,
        "category_label": str(RequestCategory(request.category).label),
        "urgency": request.urgency,
        "level": request.level,
        "level_label": str(Level(request.level).label),
        "details": request.details,
        "source": request.source,
        "name": mask_name(request.resident.person.name),
        "resident_id": request.resident_id,
        "household_id": request.household_id,
        "building": request.building.name,
        "room": request.household.room,
        "grid_id": request.grid_id,
        "community_id": request.community_id,
        "community": request.community.name,
        "street_id": request.street_id,
        "needed_by": request.needed_by,
        "created_at": request.created_at,
        "respond_due_at": request.respond_due_at,
        "done_due_at": request.done_due_at,
        "responded_at": request.responded_at,
        "done_at": request.done_at,
        "escalated_at": request.escalated_at,
        "closed_at": request.closed_at,
        "confirmed": request.confirmed,
        "rating": request.rating,
        "overdue": is_open
        and (
            (request.responded_at is None and request.respond_due_at < now)
            or request.done_due_at < now
        ),
    }


def _event(e: RequestEvent) -> dict[str, Any]:
    return {
        "at": e.at,
        "kind": e.kind,
        "label": str(EventKind(e.kind).label) if e.kind in EventKind.values else e.kind,
        "by": str(e.by) if e.by_id else "",
        "text": e.text,
        "public": e.public,
    }


def request_detail(actor: Actor, request: ServiceRequest) -> dict[str, Any]:
    person = request.resident.person
    named = selectors.names_resident(actor, request)  # the page's rule
    events = (
        RequestEvent.objects.for_actor(actor)
        .filter(request=request)
        .select_related("by")
        .order_by("at", "pk")
    )
    return {
        **request_row(request),
        "name": person.name if named else mask_name(person.name),
        "phone": shown_phone(person.phone, full=named),
        "named": named,
        "timeline": [_event(e) for e in events],
    }


def _renamed(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e


def _expect(request: ServiceRequest, from_status: str) -> ServiceRequest:
    """Accept, done and confirm say which status they act on: an empty body is refused (422)
    and one sent after the request moved on (another office member, a second tap) is 409;
    either way nothing changes."""
    if not from_status:
        raise field_error(
            "from_status",
            _("Send the status the request had when you read it."),
            CoreError.REQUIRED,
        )
    if from_status != request.status:
        raise HttpError(409, _("The request has changed since you read it; reload it."))
    return request


# ---- reads ------------------------------------------------------------------------------------


@router.get("/requests", response={200: RequestPageOut, **ERRORS})
def list_requests(request: HttpRequest, query: Query[RequestQuery]) -> Any:
    """Requests of the caller's area (a resident: their household's), newest first. `status`
    a status or "open"; `category`; `level` holding it now; `overdue` only those past a
    clock."""
    actor = actor_of(request)
    if query.status not in ("", "open", *RequestStatus.values):
        raise field_error("status", _("Choose a status, or open."))
    if query.category not in ("", *RequestCategory.values):
        raise field_error("category", _("Choose a category."))
    if query.level not in ("", *Level.values):
        raise field_error("level", _("Choose community, street or district."))
    rows = ServiceRequest.objects.for_actor(actor)
    if query.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif query.status:
        rows = rows.filter(status=query.status)
    if query.category:
        rows = rows.filter(category=query.category)
    if query.level:
        rows = rows.filter(level=query.level)
    now = timezone.now()
    if query.overdue:
        rows = rows.filter(overdue_q(now))
    page = listed(rows.order_by("-created_at", "-pk"))[query.offset : query.offset + query.limit]
    return {"items": [request_row(r, now) for r in page], "count": rows.count()}


@router.get("/requests/stats", response={200: StatsOut, **ERRORS})
def get_stats(request: HttpRequest, query: Query[StatsQuery]) -> Any:
    """Open, overdue and escalated requests per level, and per category the median minutes to
    respond and to finish, over the caller's area (filed since `since`, when given)."""
    return request_stats(actor_of(request), since=query.since)


@router.get("/requests/{request_id}", response={200: RequestDetailOut, **ERRORS})
def get_request(request: HttpRequest, request_id: int) -> Any:
    """One request with its timeline (a resident reads the public part)."""
    actor = actor_of(request)
    return request_detail(actor, access(actor, request_id))


# ---- writes -----------------------------------------------------------------------------------


@router.post("/requests", response={200: RequestDetailOut, 201: RequestDetailOut, **ERRORS})
def file_request(request: HttpRequest, payload: RequestFileIn) -> Status[dict[str, Any]]:
    """File a request for a resident the caller may file for (201); a replay of the same
    idempotency key answers 200 with the first one."""
    actor = actor_of(request)

    def action() -> tuple[int, int]:
        if payload.resident_id is None:
            raise field_error("resident_id", _("Choose a resident."), CoreError.REQUIRED)
        try:
            resident = access_resident(actor, payload.resident_id)
        except Http404:
            raise field_error(
                "resident_id", _("There is no such resident in your area."), CoreError.NOT_FOUND
            ) from None
        filed = _renamed(
            lambda: request_file(
                actor=actor,
                resident=resident,
                category=payload.category,
                details=payload.details,
                urgency=payload.urgency,
                needed_by=payload.needed_by,
            )
        )
        return 201, filed.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, request_detail(actor, access(actor, pk)))


@router.post("/requests/{request_id}/accept", response={200: RequestDetailOut, **ERRORS})
def accept_request(request: HttpRequest, request_id: int, payload: NoteIn) -> Any:
    """The office holding it responds (the respond clock stops). `from_status`: "new"."""
    actor = actor_of(request)
    target = _expect(access(actor, request_id), payload.from_status)
    handling.request_accept(actor=actor, request=target, note=payload.note)
    return request_detail(actor, access(actor, request_id))


@router.post("/requests/{request_id}/notes", response={200: RequestDetailOut, **ERRORS})
def note_request(request: HttpRequest, request_id: int, payload: TextIn) -> Any:
    """A note on the timeline (public: the resident reads it)."""
    actor = actor_of(request)
    handling.request_note(
        actor=actor, request=access(actor, request_id), text=payload.text, public=payload.public
    )
    return request_detail(actor, access(actor, request_id))


@router.post("/requests/{request_id}/escalate", response={200: RequestDetailOut, **ERRORS})
def escalate_request(request: HttpRequest, request_id: int, payload: ReasonIn) -> Any:
    """The office holding it passes it up a level, with a reason."""
    actor = actor_of(request)
    escalation.request_escalate(
        actor=actor, request=access(actor, request_id), reason=payload.reason
    )
    return request_detail(actor, access(actor, request_id))


@router.post("/requests/{request_id}/done", response={200: RequestDetailOut, **ERRORS})
def done_request(request: HttpRequest, request_id: int, payload: NoteIn) -> Any:
    """Marked done; waits for the resident's confirmation. `from_status`: the status read."""
    actor = actor_of(request)
    target = _expect(access(actor, request_id), payload.from_status)
    handling.request_done(actor=actor, request=target, note=payload.note)
    return request_detail(actor, access(actor, request_id))


@router.post("/requests/{request_id}/not-solved", response={200: RequestDetailOut, **ERRORS})
def not_solved_request(request: HttpRequest, request_id: int, payload: NoteIn) -> Any:
    """The resident answers a done request "not solved" with what is still wrong (`note`,
    required): it is reopened for the community. `from_status`: "done"."""
    actor = actor_of(request)
    handling.request_not_solved(
        actor=actor,
        request=_expect(access(actor, request_id), payload.from_status),
        note=payload.note,
    )
    return request_detail(actor, access(actor, request_id))


@router.post("/requests/{request_id}/confirm", response={200: RequestDetailOut, **ERRORS})
def confirm_request(request: HttpRequest, request_id: int, payload: ConfirmIn) -> Any:
    """The resident confirms a done request, optionally rating it 1-5: it closes.
    `from_status`: "done"."""
    actor = actor_of(request)
    handling.request_confirm(
        actor=actor,
        request=_expect(access(actor, request_id), payload.from_status),
        rating=payload.rating,
        comment=payload.comment,
    )
    return request_detail(actor, access(actor, request_id))
