"""Figures on resident requests for an office's area (/requests/stats/): open, overdue and
escalated per level, and per category the median times to respond and to finish against the
city's targets, as tables and as plain bars (readable without JavaScript)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.http import actor_of
from core.time_format import minutes_text
from service_requests import selectors
from service_requests.models import Level, RequestCategory
from service_requests.stats import request_stats

SINCE_DAYS = (7, 30, 90)
DEFAULT_DAYS = 30


@dataclass
class Median:
    minutes: float | None
    target: int
    text: str
    target_text: str
    over: bool
    percent: float  # bar width, against 1.25 × the longer of the median and the target
    target_percent: float


@dataclass
class CategoryRow:
    key: str
    label: str
    count: int
    respond: Median
    done: Median


def since_days(request: HttpRequest) -> int:
    """The `since` GET parameter (7, 30 or 90 days); anything else is the default."""
    raw = request.GET.get("since", "")
    return int(raw) if raw in {str(d) for d in SINCE_DAYS} else DEFAULT_DAYS


def _median(minutes: float | None, target: int) -> Median:
    """Each bar is drawn against its own target (the mark at 1/1.25 of the track when the
    median is on time), so a 2-hour trip target and a 2-day one read alike."""
    scale = max(minutes or 0, target, 1) * 1.25
    return Median(
        minutes=minutes,
        target=target,
        text=minutes_text(minutes),
        target_text=minutes_text(target),
        over=minutes is not None and minutes > target,
        percent=round(100 * (minutes or 0) / scale, 1),
        target_percent=round(100 * target / scale, 1),
    )


def category_rows(
    stats: dict[str, dict[str, Any]], targets: dict[str, tuple[int, int]]
) -> list[CategoryRow]:
    labels = dict(RequestCategory.choices)
    rows = []
    for key in RequestCategory.values:
        figures = stats[key]
        respond_target, done_target = targets[key]
        rows.append(
            CategoryRow(
                key=key,
                label=str(labels[key]),
                count=int(figures["count"] or 0),
                respond=_median(figures["respond_median_minutes"], respond_target),
                done=_median(figures["done_median_minutes"], done_target),
            )
        )
    return rows


def request_stats_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not selectors.is_request_office(actor):
        raise NotAllowed(_("Only the offices see the request figures."))
    days = since_days(request)
    now = timezone.now()
    since = now - datetime.timedelta(days=days)
    stats = request_stats(actor, since=since, now=now)
    targets = {
        row.category: (row.respond_minutes, row.done_minutes)
        for row in selectors.target_rows(actor)
    }
    rows = category_rows(stats["categories"], targets)
    labels = dict(Level.choices)
    levels = [
        {"key": key, "label": str(labels[key]), **stats["levels"][key]} for key in Level.values
    ]
    context = {
        "days": days,
        "since_choices": SINCE_DAYS,
        "since": since,
        "at": stats["at"],
        "levels": levels,
        "rows": rows,
        "charted": [r for r in rows if r.count],
        "filed": sum(r.count for r in rows),
    }
    return render(request, "service_requests/stats.html", context)
