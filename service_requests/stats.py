"""Figures on resident requests for an office's area: open, overdue and escalated counts per
level, and per category the median minutes to respond and to finish; and the open requests per
community at the end of a day (the daily report).

The counts are one grouped query each. The medians are one grouped query with
percentile_cont on PostgreSQL; elsewhere (SQLite in development) they are computed in Python
from one values_list of the scope (bench/requests_open311.py: 20,000 requests take ~250 ms of
Python that way against ~35 ms for the SQL).
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from core.actor import Actor
from service_requests.models import (
    OPEN_STATUSES,
    Escalation,
    Level,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
)
from service_requests.querysets import overdue_q


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) over an interval (NULLs ignored)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _since_filed(column: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(column) - F("created_at"), output_field=DurationField())


def _minutes(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 60


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def request_stats(
    actor: Actor,
    *,
    since: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """For the requests the actor sees (filed since `since`, when given):
    levels: {level: {open, overdue, escalated}}: open and overdue are the requests held at that
      level now; escalated is how many were passed up from that level;
    categories: {category: {count, respond_median_minutes, done_median_minutes}}: responded_at
      − created_at over the requests responded to, done_at − created_at over those done
      (None when there are none)."""
    now = now or timezone.now()
    scope = ServiceRequest.objects.for_actor(actor)
    if since is not None:
        scope = scope.filter(created_at__gte=since)
    counts = scope.values("level").annotate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    levels: dict[str, dict[str, int]] = {
        level: {"open": 0, "overdue": 0, "escalated": 0} for level in Level.values
    }
    for row in counts:
        levels[row["level"]]["open"] = row["open"]
        levels[row["level"]]["overdue"] = row["overdue"]
    passed_up = (
        Escalation.objects.filter(request__in=scope.values("pk"))
        .values("from_level")
        .annotate(n=Count("pk"))
    )
    for row in passed_up:
        levels[row["from_level"]]["escalated"] = row["n"]

    respond: dict[str, list[float]] = defaultdict(list)
    done: dict[str, list[float]] = defaultdict(list)
    filed: dict[str, int] = defaultdict(int)
    medians: dict[str, tuple[float | None, float | None]] = {}
    if connection.vendor == "postgresql":
        for row in (
            scope.order_by()
            .values("category")
            .annotate(
                n=Count("pk"),
                respond=Median(_since_filed("responded_at")),
                done=Median(_since_filed("done_at")),
            )
        ):
            filed[row["category"]] = row["n"]
            medians[row["category"]] = tuple(  # type: ignore[assignment]
                round(_minutes(v), 1) if v is not None else None
                for v in (row["respond"], row["done"])
            )
    else:
        for category, created, responded, finished in scope.order_by().values_list(
            "category", "created_at", "responded_at", "done_at"
        ):
            filed[category] += 1
            if responded is not None:
                respond[category].append(_minutes(responded - created))
            if finished is not None:
                done[category].append(_minutes(finished - created))
        for category in filed:
            medians[category] = (_median(respond[category]), _median(done[category]))
    categories = {
        category: {
            "count": filed[category],
            "respond_median_minutes": medians.get(category, (None, None))[0],
            "done_median_minutes": medians.get(category, (None, None))[1],
        }
        for category in RequestCategory.values
    }
    return {"at": now, "levels": levels, "categories": categories}


def day_end(day: datetime.date) -> datetime.datetime:
    """Midnight after `day`, Beijing time (the project's TIME_ZONE)."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def open_at_q(moment: datetime.datetime) -> Q:
    """Requests still needing work at `moment`: filed before it, neither done nor closed before
    it (a cancellation counts from its closed_at; one without it never counts)."""
    return (
        Q(created_at__lt=moment)
        & (Q(done_at__isnull=True) | Q(done_at__gte=moment))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
        & ~Q(status=RequestStatus.CANCELLED, closed_at__isnull=True)
    )


def requests_open_count(
    actor_or_community_ids: Actor | Iterable[int],
    day: datetime.date | None = None,
    *,
    now: datetime.datetime | None = None,
) -> dict[int, int]:
    """Open requests per community at the end of `day` (today: now), {community_id: n}: for an
    actor, the communities of their scope that have any; for a list of community ids (the daily
    report's job, no actor), every one of them, 0 included."""
    now = now or timezone.now()
    moment = min(day_end(day), now) if day is not None else now
    if isinstance(actor_or_community_ids, Actor):
        rows = ServiceRequest.objects.for_actor(actor_or_community_ids)
        out: dict[int, int] = {}
    else:
        ids = [int(i) for i in actor_or_community_ids]
        rows = ServiceRequest.objects.filter(community_id__in=ids)
        out = dict.fromkeys(ids, 0)
    counted = (
        rows.filter(open_at_q(moment)).order_by().values("community_id").annotate(n=Count("pk"))
    )
    for row in counted:
        out[row["community_id"]] = row["n"]
    return out
