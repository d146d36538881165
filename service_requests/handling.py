"""The office's work on a request at its level, and the resident's closing: respond, note,
mark done, close, confirm and rate, reopen. Who may: service_requests.policies."""

from __future__ import annotations

import datetime

from core.actor import Actor
from service_requests.models import ServiceRequest


def request_accept(
    *, actor: Actor, request: ServiceRequest, note: str = "", now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office of the level responds: NEW → ACCEPTED, `responded_at` set once (the respond
    clock stops). A public event with the note."""
    raise NotImplementedError


def request_note(
    *, actor: Actor, request: ServiceRequest, text: str, public: bool = True
) -> ServiceRequest:
    """A note on the timeline (public: the resident reads it). By the office that handles it, a
    dispatched person, or the resident. The first office note also counts as the response."""
    raise NotImplementedError


def request_done(
    *, actor: Actor, request: ServiceRequest, note: str = "", now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office (or a dispatched person) marks it done: → DONE, `done_at` set (the done clock
    stops; the response too if it never was). Waits for the resident's confirmation."""
    raise NotImplementedError


def request_close(
    *, actor: Actor, request: ServiceRequest, note: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The office closes a DONE request without the resident's confirmation (`confirmed`
    stays False, shown as "closed without confirmation"); a note is required."""
    raise NotImplementedError


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
    raise NotImplementedError


def request_reopen(
    *, actor: Actor, request: ServiceRequest, reason: str, now: datetime.datetime | None = None
) -> ServiceRequest:
    """The resident reopens a CLOSED request within REOPEN_WINDOW of closing, with a reason:
    → NEW at the same level, new clocks from now, `reopen_count` + 1; rating cleared."""
    raise NotImplementedError
