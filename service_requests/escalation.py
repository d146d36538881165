"""Escalation (上报街道统筹协调): by hand with a reason, or automatically when a clock runs out.
Each request leaves a level once (Escalation's unique constraint)."""

from __future__ import annotations

import datetime

from core.actor import Actor
from service_requests.models import Escalation, ServiceRequest


def request_escalate(
    *, actor: Actor, request: ServiceRequest, reason: str, now: datetime.datetime | None = None
) -> Escalation:
    """The office of the level passes an open request up (community → street → district) with a
    reason ("no vehicle", "needs a hospital bed"); a reason is required."""
    raise NotImplementedError


def escalations_due_run(now: datetime.datetime | None = None) -> int:
    """Every open request still at the community whose respond clock ran out unanswered, or
    whose done clock ran out, goes to the street (kind RESPOND_LATE / DONE_LATE), once; returns
    how many moved. A second run moves nothing."""
    raise NotImplementedError


def done_requests_autoclose(now: datetime.datetime | None = None) -> int:
    """DONE requests not confirmed within CONFIRM_WINDOW close, marked not confirmed."""
    raise NotImplementedError
