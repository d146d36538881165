"""One abnormal-report flag: what was reported, and its hand-over to triage (the case it opens
is triage's) or its dismissal. Lives with triage, which owns the case; the flag list is health's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.actor import Actor
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from health import flags as flag_services
from health import selectors
from health.models import FlagStatus, HealthFlag
from health.rules import symptom_labels
from health.web.forms import FlagNoteForm
from places.selectors import place_breadcrumbs
from triage import selectors as triage_selectors
from triage.cases import case_open_from_flag


@require_GET
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    actor = actor_of(request)
    flag = selectors.access_flag(actor, flag_id)
    form = FlagNoteForm(initial={"once": once_token()})
    return _flag_page(request, actor, flag, form)


@require_POST
def flag_handover(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Hand the person over: their triage case opens (or the open one takes the flag); the
    page goes on to the case when the actor may see it, else back to the flags."""
    actor = actor_of(request)
    flag = selectors.access_flag(actor, flag_id)
    form = FlagNoteForm(request.POST)

    def handle(d: dict[str, Any]) -> str:
        case, created = case_open_from_flag(actor=actor, flag=flag, note=d["note"])
        opened = _("Handed over to triage: case #%(id)s opened.")
        joined = _("Handed over to triage: joined the open case #%(id)s.")
        messages.success(request, (opened if created else joined) % {"id": case.pk})
        try:
            triage_selectors.access_case(actor, case.pk)
        except Http404:
            return reverse("health:flags")
        return reverse("triage:case", args=[case.pk])

    return run_once(request, form, handle, "") or _flag_page(request, actor, flag, form)


@require_POST
def flag_dismiss(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Dismiss the flag, with the reason (e.g. re-measured 36.6 °C)."""
    actor = actor_of(request)
    flag = selectors.access_flag(actor, flag_id)
    form = FlagNoteForm(request.POST)

    def dismiss(d: dict[str, Any]) -> str:
        flag_services.health_flag_dismiss(actor=actor, flag=flag, note=d["note"])
        return reverse("flags:detail", args=[flag.pk])

    done = run_once(request, form, dismiss, _("Flag dismissed."))
    return done or _flag_page(request, actor, flag, form)


def _flag_page(
    request: HttpRequest, actor: Actor, flag: HealthFlag, form: FlagNoteForm
) -> HttpResponse:
    context = {
        "flag": flag,
        "form": form,
        "reports": selectors.flag_reports(actor, flag),
        "symptoms": symptom_labels(flag.symptoms),
        "may_handle": flag_services.may_handle_flags(actor) and flag.status == FlagStatus.OPEN,
        "crumbs": place_breadcrumbs(actor, flag.building, include_self=True),
        "coverage_url": reverse("health:coverage", args=[flag.grid_id]),
        "open_case": triage_selectors.open_case_for(actor, flag.resident_id),
    }
    return render(request, "triage/flag.html", context, status=400 if form.errors else 200)
