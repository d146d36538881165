"""The screening pages (排查): a screener's buildings with today's progress, one building walked
floor by floor, and the one form for a household. Views parse, call a selector or the service,
and render; who may do what is decided in health.screening."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import actor_of
from core.once import once_claim, once_done, once_release, once_token
from core.pagination import paginate, search_term
from health import rules
from health.models import Slot, VisitOutcome
from health.screening import access_screening_household, screening_visit_record
from health.screening_selectors import (
    access_screening_building,
    building_walk,
    buildings_progress,
    household_members,
    household_visits_today,
    open_sweeps_here,
    screening_buildings,
)
from health.web.screening_forms import ScreeningForm
from places.selectors import place_breadcrumbs

BUILDINGS_PER_PAGE = 30


def screening_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    day, slot = rules.current_slot()
    page = paginate(request, screening_buildings(actor, q), BUILDINGS_PER_PAGE)
    progress = buildings_progress([b.pk for b in page], day)
    rows = [(b, progress[b.pk]) for b in page]
    context = {
        "q": q,
        "page": page,
        "rows": rows,
        "day": day,
        "slot_label": Slot(slot).label,
        "sweeps": open_sweeps_here(actor, day),
    }
    return render(request, "health/screening_home.html", context)


def screening_building(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    building = access_screening_building(actor, place_id)
    day, slot = rules.current_slot()
    context = {
        "walk": building_walk(actor, building, day, slot),
        "slot_label": Slot(slot).label,
        "crumbs": place_breadcrumbs(actor, building, include_self=False),
    }
    return render(request, "health/screening_building.html", context)


def screening_household(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = access_screening_household(actor, household_id)
    # A form kept in the phone's outbox while offline carries the time it was filled in.
    try:
        recorded_at = rules.parse_recorded_at(request.POST.get("recorded_at"))
    except ValidationError:
        recorded_at = None
    day, slot = rules.current_slot(recorded_at)
    members = household_members(actor, household, day, slot)
    correct = request.GET.get("correct", "")
    for m in members:
        m.correcting = m.report is not None and str(m.resident_id) == correct
    form = ScreeningForm(request.POST if request.method == "POST" else None, members=members)
    back = reverse("screening:building", args=[household.building_id]) + f"#h{household.pk}"
    if request.method == "POST":
        token = request.POST.get("once", "")
        already = once_claim(actor, token)
        if already is not None:
            messages.info(request, _("This form was already sent; it was saved once."))
            return redirect(already or back)
        try:
            if form.is_valid():
                outcome = form.outcome()
                result = screening_visit_record(
                    actor=actor,
                    household=household,
                    outcome=outcome,
                    members=form.findings() if outcome == VisitOutcome.SCREENED else [],
                    note=form.cleaned_data.get("note") or "",
                    idempotency_key=token or None,
                    recorded_at=recorded_at,
                )
                once_done(actor, token, back)
                if result.visit.outcome == VisitOutcome.NOBODY_HOME:
                    messages.success(
                        request,
                        _("%(room)s: nobody home — marked for a revisit.")
                        % {"room": household.room},
                    )
                else:
                    messages.success(
                        request,
                        _("%(room)s screened: %(n)s present, %(away)s away, %(refused)s refused.")
                        % {
                            "room": household.room,
                            "n": result.visit.present_count,
                            "away": result.visit.away_count,
                            "refused": result.visit.refused_count,
                        },
                    )
                return redirect(back)
        except ValidationError as e:
            form.add_service_errors(e)
        except BaseException:
            once_release(actor, token)
            raise
        once_release(actor, token)
    else:
        form.initial["once"] = once_token()
    context = {
        "household": household,
        "form": form,
        "members": members,
        "reported": [m for m in members if not m.asked],
        "visits": household_visits_today(actor, household, day),
        "slot_label": Slot(slot).label,
        "day": day,
        "back": back,
        "crumbs": place_breadcrumbs(actor, household.building, include_self=True),
    }
    return render(
        request, "health/screening_household.html", context, status=400 if form.errors else 200
    )
