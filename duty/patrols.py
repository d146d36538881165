"""Patrols (巡查巡防巡控), M7: routes, rounds and findings. A finding about a resident becomes
a resident request (service_requests.filing.request_file) or a triage case
(triage.cases.case_open) in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from core.actor import Actor
from duty.models import Patrol, PatrolFinding, PatrolRoute
from places.models import Place


def route_save(
    *,
    actor: Actor,
    route: PatrolRoute | None,
    community: Place,
    name: str,
    checkpoints: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> PatrolRoute:
    raise NotImplementedError


def route_close(
    *, actor: Actor, route: PatrolRoute, now: datetime.datetime | None = None
) -> PatrolRoute:
    raise NotImplementedError


def patrol_start(
    *,
    actor: Actor,
    route: PatrolRoute,
    patroller_ids: Iterable[object] = (),
    now: datetime.datetime | None = None,
) -> Patrol:
    """A worker of the community starts a round (they are a patroller, with any others named)."""
    raise NotImplementedError


def patrol_end(
    *, actor: Actor, patrol: Patrol, note: str = "", now: datetime.datetime | None = None
) -> Patrol:
    raise NotImplementedError


def finding_record(
    *,
    actor: Actor,
    patrol: Patrol,
    kind: str,
    details: str,
    building_id: object = None,
    where: str = "",
    resident_id: object = None,
    to_request: str = "",
    to_case: bool = False,
    now: datetime.datetime | None = None,
) -> PatrolFinding:
    """Record a finding on an open patrol. `to_request` (a request category) files a request for
    the resident; `to_case` opens (or joins) their triage case. Both need the resident."""
    raise NotImplementedError
