"""Service activities (防控疫情、党员先行), M6: recorded with participants and hours."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from core.actor import Actor
from duty.models import Activity
from places.models import Place


def activity_record(
    *,
    actor: Actor,
    community: Place,
    kind: str,
    title: str,
    started_at: object,
    ended_at: object,
    where: str = "",
    outcome: str = "",
    participant_ids: Iterable[object] = (),
    post_id: object = None,
    now: datetime.datetime | None = None,
) -> Activity:
    """Record an activity; each participant (a worker of the community) is credited the
    activity's length in hours, with their work unit."""
    raise NotImplementedError


def activity_participant_set_hours(
    *, actor: Actor, activity: Activity, user_id: object, hours: object
) -> None:
    raise NotImplementedError
