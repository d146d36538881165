"""The sweep pages (拉网式排查): campaigns with their progress, one campaign drilled down level
by level with the households not reached, opening and closing, and the report as .xlsx."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_claim, once_done, once_release, once_token
from core.pagination import paginate, search_term
from health import sweep_selectors as selectors
from health.models import SweepStatus
from health.policies import may_read_sweeps
from health.sweeps import (
    XLSX_CONTENT_TYPE,
    may_close_sweep,
    may_open_sweeps,
    sweep_close,
    sweep_open,
    sweep_workbook,
)
from health.web.sweep_forms import SweepCloseForm, SweepOpenForm

SWEEPS_PER_PAGE = 20


def _place_param(request: HttpRequest) -> int | None:
    value = request.GET.get("place", "")
    return int(value) if value.isdigit() else None


def _check_reads(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not may_read_sweeps(actor):
        raise NotAllowed(_("Your role does not take part in sweeps."))
    return actor


def sweep_list(request: HttpRequest) -> HttpResponse:
    actor = _check_reads(request)
    q = search_term(request)
    status = request.GET.get("status", "")
    page = paginate(request, selectors.visible_sweeps(actor, q, status), SWEEPS_PER_PAGE)
    rows = [(c, selectors.sweep_totals(actor, c)) for c in page]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "status": status,
        "may_open": may_open_sweeps(actor),
    }
    return render(request, "health/sweep_list.html", context)


def sweep_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not may_open_sweeps(actor):
        raise NotAllowed(_("Only a district or city admin opens a sweep."))
    scopes = selectors.sweep_scope_choices(actor)
    form = SweepOpenForm(request.POST if request.method == "POST" else None, scopes=scopes)
    if request.method == "POST":

        def open_sweep(d: dict[str, Any]) -> str:
            campaign = sweep_open(
                actor=actor,
                name=d["name"],
                scope=form.scope_place(),
                start_date=d["start_date"],
                end_date=d["end_date"],
                note=d["note"],
            )
            return reverse("sweeps:detail", args=[campaign.pk])

        done = run_once(request, form, open_sweep, _("Sweep opened."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    return render(
        request, "health/sweep_form.html", {"form": form}, status=400 if form.errors else 200
    )


def sweep_detail(request: HttpRequest, sweep_id: int) -> HttpResponse:
    actor = _check_reads(request)
    campaign = selectors.access_sweep(actor, sweep_id)
    place = selectors.sweep_place(actor, campaign, _place_param(request))
    progress = selectors.sweep_progress(campaign, place)
    q = search_term(request)
    reason = request.GET.get("reason", "")
    reason = reason if reason in selectors.REASONS else ""
    missing = None
    if place.kind in selectors.LIST_KINDS:
        missing = paginate(request, selectors.not_reached(campaign, place, q, reason))
        for h in missing:
            h.reason = selectors.reason_of(h)
    context = {
        "campaign": campaign,
        "place": place,
        "progress": progress,
        "crumbs": selectors.sweep_crumbs(actor, campaign, place),
        "missing": missing,
        "q": q,
        "reason": reason,
        "reasons": [
            ("", _("All")),
            (selectors.NEVER, _("Never visited")),
            (selectors.NOBODY_HOME, _("Nobody home")),
            (selectors.REFUSED, _("Members refused")),
        ],
        "may_close": campaign.status == SweepStatus.OPEN and may_close_sweep(actor, campaign),
        "may_screen": actor.is_superuser or actor.has_role(_screen_roles()),
        "categories": [
            ("confirmed", _("Confirmed cases")),
            ("suspected", _("Suspected cases")),
            ("febrile", _("Febrile patients")),
            ("close_contact", _("Close contacts")),
        ],
    }
    return render(request, "health/sweep_detail.html", context)


def _screen_roles() -> frozenset[str]:
    from health.policies import SCREEN_ROLES

    return SCREEN_ROLES


def sweep_close_view(request: HttpRequest, sweep_id: int) -> HttpResponse:
    actor = _check_reads(request)
    campaign = selectors.access_sweep(actor, sweep_id)
    if not may_close_sweep(actor, campaign):
        raise NotAllowed(_("Only a district or city admin over the whole sweep closes it."))
    url = reverse("sweeps:detail", args=[campaign.pk])
    form = SweepCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        token = request.POST.get("once", "")
        already = once_claim(actor, token)
        if already is not None:
            messages.info(request, _("This form was already sent; it was saved once."))
            return redirect(already or url)
        try:
            sweep_close(actor=actor, campaign=campaign)
        except BaseException:
            once_release(actor, token)
            raise
        once_done(actor, token, url)
        messages.success(request, _("Sweep closed; its report is final."))
        return redirect(url)
    form.initial["once"] = once_token()
    return render(request, "health/sweep_close.html", {"campaign": campaign, "form": form})


def sweep_export(request: HttpRequest, sweep_id: int) -> HttpResponse:
    actor = _check_reads(request)
    campaign = selectors.access_sweep(actor, sweep_id)
    place = selectors.sweep_place(actor, campaign, _place_param(request))
    content, filename = sweep_workbook(campaign, place)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
