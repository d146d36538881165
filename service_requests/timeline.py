"""What every write on a request shares: the row lock, the first-response stamp, the timeline's
one line (event_add) and the length of its notes (typed text is cleaned by
core.validators.clean_text). Filing, handling, dispatching and escalation import these from
here, so none of them imports another for them."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.actor import Actor
from service_requests.models import RequestEvent, ServiceRequest

NOTE_MAX = 500


def request_lock(request: ServiceRequest) -> ServiceRequest:
    """Lock the request's row (inside the caller's transaction) and bring the caller's object up
    to date with it, so every check below reads the row as it is now."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    for f in ServiceRequest._meta.concrete_fields:
        setattr(request, f.attname, getattr(locked, f.attname))
    return request


def responded(request: ServiceRequest, now: datetime.datetime) -> list[str]:
    """The first response stops the respond clock; the fields to save."""
    if request.responded_at is None:
        request.responded_at = now
        return ["responded_at"]
    return []


def event_add(
    request: ServiceRequest,
    kind: str,
    actor: Actor | None,
    *,
    text: str = "",
    public: bool = True,
    at: datetime.datetime | None = None,
) -> RequestEvent:
    """One line of the timeline; `actor` None is the system (a periodic job). A public line is
    told to the request's resident (service_requests.notifying)."""
    from service_requests.notifying import progress_tell

    event = RequestEvent.objects.create(
        request=request,
        kind=kind,
        at=at or timezone.now(),
        by_id=actor.user_id if actor is not None and actor.user_id else None,
        text=text,
        public=public,
    )
    progress_tell(request, event, actor)
    return event
