"""The office's work on a request at its level, and the resident's closing: respond, note,
mark done, close, confirm and rate, reopen. Who may: service_requests.policies."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from people.models import Resident
from service_requests.error_codes import ServiceRequestsError
from service_requests.filing import clocks_start
from service_requests.models import (
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestStatus,
    ServiceRequest,
)
from service_requests.policies import confirms_for, handles, is_residents_household
from service_requests.rules import REOPEN_WINDOW
from service_requests.timeline import NOTE_MAX, event_add, request_lock, responded

COMMENT_MAX = 300


def is_dispatched_person(actor: Actor, request: ServiceRequest) -> bool:
    return bool(actor.user_id) and (
        Dispatch.objects.filter(
            request_id=request.pk, person_id=actor.user_id, status=DispatchStatus.ACTIVE
        ).exists()
    )


def _check_handles(actor: Actor, request: ServiceRequest) -> None:
    if not handles(actor, request):
        raise NotAllowed(_("Only the office that holds this request handles it."))


def _wrong_status(message: Any) -> Exception:
    return field_error("status", message, CoreError.WRONG_STATUS)


def _save(request: ServiceRequest, fields: list[str]) -> None:
    request.save(update_fields=[*dict.fromkeys(fields), "updated_at"])


@transaction.atomic
def request_accept(
    *, actor: Actor, request: ServiceRequest, note: str = "", now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office of the level responds: NEW → ACCEPTED, `responded_at` set once (the respond
    clock stops). A public event with the note."""
    now = now or timezone.now()
    request_lock(request)
    _check_handles(actor, request)
    if request.status != RequestStatus.NEW:
        raise _wrong_status(_("Only a new request can be accepted."))
    request.status = RequestStatus.ACCEPTED
    _save(request, ["status", *responded(request, now)])
    event_add(
        request,
        EventKind.ACCEPTED,
        actor,
        text=clean_text(note, max_length=NOTE_MAX, truncate=True)
        or _("Your request was accepted; help is being arranged."),
        at=now,
    )
    return request


@transaction.atomic
def request_note(
    *, actor: Actor, request: ServiceRequest, text: str, public: bool = True
) -> ServiceRequest:
    """A note on the timeline (public: the resident reads it). By the office that handles it, a
    dispatched person, or the resident. The first office note also counts as the response."""
    now = timezone.now()
    request_lock(request)
    text = clean_text(text, max_length=NOTE_MAX, truncate=True)
    office = handles(actor, request)
    if not office:
        if is_dispatched_person(actor, request):
            pass
        elif is_residents_household(actor, request):
            if not public:
                raise NotAllowed(_("A resident's notes are read by the office and the resident."))
        else:
            raise NotAllowed(_("Only the office, the people sent and the resident add notes."))
    if not text:
        raise field_error("text", _("Write the note."), CoreError.REQUIRED)
    if office and request.is_open:
        _save(request, responded(request, now))
    event_add(request, EventKind.NOTE, actor, text=text, public=public, at=now)
    return request


@transaction.atomic
def request_done(
    *, actor: Actor, request: ServiceRequest, note: str = "", now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office (or a dispatched person) marks it done: → DONE, `done_at` set (the done clock
    stops; the response too if it never was). Waits for the resident's confirmation."""
    now = now or timezone.now()
    request_lock(request)
    _check_handles(actor, request)
    if not request.is_open:
        raise _wrong_status(_("Only an open request can be marked done."))
    request.status = RequestStatus.DONE
    request.done_at = now
    _save(request, ["status", "done_at", *responded(request, now)])
    event_add(
        request,
        EventKind.DONE,
        actor,
        text=clean_text(note, max_length=NOTE_MAX, truncate=True)
        or _("Done. Please confirm that you received the help."),
        at=now,
    )
    return request


@transaction.atomic
def request_close(
    *, actor: Actor, request: ServiceRequest, note: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office closes a DONE request without the resident's confirmation (`confirmed`
    stays False, shown as "closed without confirmation"); a note is required."""
    now = now or timezone.now()
    request_lock(request)
    _check_handles(actor, request)
    if request.status != RequestStatus.DONE:
        raise _wrong_status(_("Only a request marked done can be closed."))
    note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    if not note:
        raise field_error(
            "note", _("Say why it is closed without the resident."), CoreError.REQUIRED
        )
    request.status = RequestStatus.CLOSED
    request.closed_at = now
    request.confirmed = False
    _save(request, ["status", "closed_at", "confirmed"])
    event_add(
        request,
        EventKind.CLOSED,
        actor,
        text=_("Closed without confirmation: %(note)s") % {"note": note},
        at=now,
    )
    return request


def _rating(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise field_error("rating", _("Rate from 1 to 5."), CoreError.INVALID) from None
    if not 1 <= rating <= 5:
        raise field_error("rating", _("Rate from 1 to 5."), CoreError.INVALID)
    return rating


@transaction.atomic
def request_confirm(
    *,
    actor: Actor,
    request: ServiceRequest,
    rating: int | None = None,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> ServiceRequest:
    """The resident (or the grid worker for a resident without a phone) confirms the outcome of a
    DONE request, optionally rating it 1-5: → CLOSED, confirmed. A rating without confirmation
    (on a request not DONE) is refused."""
    now = now or timezone.now()
    request_lock(request)
    # Read now, not from a cached resident: a phone removed since the page loaded counts.
    phone = (
        Resident.objects.filter(pk=request.resident_id)
        .values_list("person__phone", flat=True)
        .first()
    )
    has_phone = bool(phone)
    if not confirms_for(actor, request, resident_has_phone=has_phone):
        raise NotAllowed(_("Only the resident confirms the outcome of their request."))
    if request.status != RequestStatus.DONE:
        if rating not in (None, ""):
            raise field_error(
                "rating",
                _("Confirm the outcome before rating; this request is not marked done."),
                ServiceRequestsError.NOT_CONFIRMED,
            )
        raise _wrong_status(_("Only a request marked done can be confirmed."))
    value = _rating(rating)
    comment = clean_text(comment, max_length=COMMENT_MAX, truncate=True)
    request.status = RequestStatus.CLOSED
    request.closed_at = now
    request.confirmed = True
    request.confirmed_by_id = actor.user_id or None
    request.rating = value
    request.rating_comment = comment
    _save(
        request,
        ["status", "closed_at", "confirmed", "confirmed_by", "rating", "rating_comment"],
    )
    text = _("Confirmed.")
    if value is not None:
        text = _("Confirmed, rated %(rating)s of 5.") % {"rating": value}
    if comment:
        text = f"{text} {comment}"
    event_add(request, EventKind.CONFIRMED, actor, text=text, at=now)
    return request


@transaction.atomic
def request_not_solved(
    *, actor: Actor, request: ServiceRequest, note: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The resident (or whoever confirms for them) answers a DONE request "not solved", saying
    what is still wrong: it is reopened (→ NEW, new clocks), the note in its history, and the
    office sees it again (FixMyStreet #897; issue 15 item 18)."""
    now = now or timezone.now()
    request_lock(request)
    phone = (
        Resident.objects.filter(pk=request.resident_id)
        .values_list("person__phone", flat=True)
        .first()
    )
    if not confirms_for(actor, request, resident_has_phone=bool(phone)):
        raise NotAllowed(_("Only the resident confirms the outcome of their request."))
    if request.status != RequestStatus.DONE:
        raise _wrong_status(_("Only a request marked done can be confirmed."))
    note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    if not note:
        raise field_error("note", _("Say what is still wrong."), CoreError.REQUIRED)
    _reopen(request, now)
    event_add(
        request,
        EventKind.REOPENED,
        actor,
        text=_("Not solved: %(note)s") % {"note": note},
        at=now,
    )
    return request


def _reopen(request: ServiceRequest, now: datetime.datetime) -> None:
    """Back to NEW at the same level with new clocks; the outcome and its rating are cleared."""
    request.status = RequestStatus.NEW
    clocks_start(request, now)
    request.reopen_count += 1
    request.responded_at = None
    request.done_at = None
    request.closed_at = None
    request.confirmed = False
    request.confirmed_by_id = None
    request.rating = None
    request.rating_comment = ""
    _save(
        request,
        [
            "status",
            "respond_due_at",
            "done_due_at",
            "reopen_count",
            "responded_at",
            "done_at",
            "closed_at",
            "confirmed",
            "confirmed_by",
            "rating",
            "rating_comment",
        ],
    )


@transaction.atomic
def request_reopen(
    *, actor: Actor, request: ServiceRequest, reason: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The resident reopens a CLOSED request within REOPEN_WINDOW of closing, with a reason:
    → NEW at the same level, new clocks from now, `reopen_count` + 1; rating cleared."""
    now = now or timezone.now()
    request_lock(request)
    if not (actor.is_superuser or is_residents_household(actor, request)):
        raise NotAllowed(_("Only the resident reopens their request."))
    if request.status != RequestStatus.CLOSED:
        raise _wrong_status(_("Only a closed request can be reopened."))
    if request.closed_at is None or now - request.closed_at > REOPEN_WINDOW:
        hours = int(REOPEN_WINDOW.total_seconds() // 3600)
        raise field_error(
            "status",
            _("A request can be reopened within %(hours)s hours of closing; file a new one.")
            % {"hours": hours},
            ServiceRequestsError.TOO_LATE,
        )
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    if not reason:
        raise field_error("reason", _("Say what is still wrong."), CoreError.REQUIRED)
    _reopen(request, now)
    event_add(request, EventKind.REOPENED, actor, text=reason, at=now)
    return request
