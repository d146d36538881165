"""One abnormal-report flag: what was reported, and its hand-over to triage (the case it opens
is triage's) or its dismissal. Lives with triage, which owns the case; the flag list is health's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from health import flags as flag_services
from health import selectors
from health.models import FlagStatus
from health.rules import symptom_labels
from health.web.forms import FlagNoteForm
from places.selectors import place_breadcrumbs
from triage import selectors as triage_selectors
from triage.cases import case_open_from_flag


def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    actor = actor_of(request)
    flag = selectors.access_flag(actor, flag_id)
    form = FlagNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "handover":

            def handle(d: dict[str, Any]) -> str:
                # The person's triage case opens (or the open one takes the flag).
                case, created = case_open_from_flag(actor=actor, flag=flag, note=d["note"])
                messages.success(
                    request,
                    _("Handed over to triage: case #%(id)s opened.") % {"id": case.pk}
                    if created
                    else _("Handed over to triage: joined the open case #%(id)s.")
                    % {"id": case.pk},
                )
                try:
                    triage_selectors.access_case(actor, case.pk)
                except Http404:
                    return reverse("health:flags")
                return reverse("triage:case", args=[case.pk])

            done = run_once(request, form, handle, "")
            if done:
                return done
        elif action == "dismiss":

            def dismiss(d: dict[str, Any]) -> str:
                flag_services.health_flag_dismiss(actor=actor, flag=flag, note=d["note"])
                return request.path

            done = run_once(request, form, dismiss, _("Flag dismissed."))
            if done:
                return done
        else:
            form.add_error(None, _("Choose hand over or dismiss."))
    else:
        form.initial["once"] = once_token()
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
