"""Reads of the activity pages (M6): activities with their totals, one activity's participants."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from core.actor import Actor
from mobilisation.hours import _bounds
from mobilisation.models import Activity, ActivityParticipant


def activities_for(
    actor: Actor,
    *,
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    q: str = "",
) -> QuerySet[Activity]:
    rows = Activity.objects.for_actor(actor)
    if kind:
        rows = rows.filter(kind=kind)
    start, end = _bounds(since, until)
    if start is not None:
        rows = rows.filter(started_at__gte=start)
    if end is not None:
        rows = rows.filter(started_at__lt=end)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(where__icontains=q) | Q(outcome__icontains=q))
    return rows.select_related("community").order_by("-started_at", "-pk")


def with_participation(rows: QuerySet[Activity]) -> QuerySet[Activity]:
    return rows.annotate(n_people=Count("participants"), n_hours=Sum("participants__hours"))


def activity_totals(rows: QuerySet[Activity]) -> dict[str, Any]:
    """How many activities, person-times and hours (two aggregate queries)."""
    count = rows.count()
    parts = ActivityParticipant.objects.filter(activity__in=rows.order_by().values("pk")).aggregate(
        people=Count("pk"), hours=Sum("hours")
    )
    return {
        "activities": count,
        "people": parts["people"] or 0,
        "hours": parts["hours"] or Decimal("0"),
    }


def access_activity(actor: Actor, activity_id: int) -> Activity:
    row = (
        Activity.objects.for_actor(actor)
        .select_related("community", "created_by", "post")
        .filter(pk=activity_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def activity_participants(activity: Activity) -> QuerySet[ActivityParticipant]:
    """The participants of an activity the actor may see (access_activity first)."""
    return (
        ActivityParticipant.objects.filter(activity_id=activity.pk)
        .select_related("user", "unit")
        .order_by("user__display_name", "user__username", "pk")
    )
