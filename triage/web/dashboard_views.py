"""The triage dashboard (issue 5, item 6): open cases per category and disposition for a place
and each place one level down (drill down like the coverage pages), the three queues, the time
from the first flag to triage, isolation and hospital (median and 90th percentile), and a
chart. Counts only, no names: every figure links to the case list, which shows the people.
Each view parses, calls one selector and renders."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.http import actor_of
from triage import stats


def dashboard_home(request: HttpRequest) -> HttpResponse:
    """/triage/dashboard/: the dashboard of the actor's top place, or a choice of them."""
    actor = actor_of(request)
    totals = stats.root_totals(actor)
    if not totals:
        raise NotAllowed(_("Your role does not see triage cases."))
    if len(totals) == 1:
        return redirect("triage:dashboard", place_id=totals[0].place_id)
    return render(request, "triage/dashboard_home.html", {"totals": totals})


def dashboard(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    place = stats.access_stats_place(actor, place_id)
    error = ""
    try:
        days = stats.parse_days(request.GET.get("days"))
    except ValidationError as e:
        days, error = stats.DEFAULT_WINDOW.days, " ".join(str(m) for m in e.messages)
    board = stats.dashboard(actor, place, days=days)
    context = {
        "board": board,
        "place": place,
        "error": error,
        "windows": stats.WINDOW_DAYS,
        "category_columns": stats.category_columns(),
        "disposition_columns": stats.disposition_columns(),
        "legend": stats.chart_legend(),
    }
    return render(request, "triage/dashboard.html", context, status=400 if error else 200)


def dashboard_summary(request: HttpRequest) -> HttpResponse:
    """The health home's card (loaded by htmx): open cases of the actor's top places; nothing
    for a role that sees no cases."""
    totals = stats.root_totals(actor_of(request))
    return render(request, "triage/_stats_summary.html", {"totals": totals})
