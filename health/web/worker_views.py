"""Community workers' own health (防止带病上岗): each worker's daily report on their phone, and
the community admin's list of who is fit, unwell (not fit for duty) or has not reported."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from health import policies as health_policies
from health import worker_selectors as sel
from health import workers
from health.rules import symptom_labels
from health.web.worker_forms import WorkerHealthForm


def workers_home(request: HttpRequest) -> HttpResponse:
    """/workers/: an office with a community opens its workers' list; a worker reports."""
    actor = actor_of(request)
    community = sel.worker_home_community(actor)
    if community is not None:
        return redirect("workers:community", place_id=community.pk)
    if health_policies.may_report_own_health(actor):
        return redirect("workers:report")
    return redirect("daily:home")


def worker_report(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = sel.worker_communities(actor)
    if not communities:
        raise NotAllowed(_("Only community workers report their own health here."))
    today = timezone.localdate()
    url = reverse("workers:report")
    form = None
    if request.method == "POST":
        form = WorkerHealthForm(request.POST)
        outcome: dict[str, bool] = {}

        def report(d: dict[str, Any]) -> str:
            result = workers.worker_health_report(
                actor=actor,
                temperature=d["temperature"],
                symptoms=d["symptoms"],
                contact=d["contact"] or "no",
            )
            outcome["created"] = result.created
            return url

        done = run_once(request, form, report, "")
        if done:
            if outcome.get("created") is False:
                messages.info(
                    request, _("You had already reported today; your first report stands.")
                )
            elif outcome.get("created"):
                messages.success(request, _("Thank you: today's health report is saved."))
            return done
    mine = sel.worker_today(actor, today)
    if mine is None and form is None:
        form = WorkerHealthForm(initial={"once": once_token()})
    context = {
        "today": today,
        "mine": mine,
        "symptoms": symptom_labels(mine.symptoms) if mine else [],
        "form": form if mine is None else None,
        "community_name": sel.community_name(communities[0][0]),
        "several": len(communities) > 1,
        "office": sel.worker_home_community(actor),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "health/worker_report.html", context, status=status)


def worker_community(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    community = sel.access_worker_place(actor, place_id)
    today = timezone.localdate()
    board = sel.worker_board(actor, community, today)
    context = {
        "board": board,
        "community": community,
        "today": today,
        "may_report": bool(sel.worker_communities(actor)),
    }
    return render(request, "health/worker_community.html", context)
