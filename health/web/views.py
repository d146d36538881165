"""The health pages: a resident's report for the household, coverage per place, the grid's
"not reported yet" call list, and the list of abnormal-report flags (one flag's page, where it is
handed over to triage or dismissed, is triage's: triage.web.flag_views). Each view parses, calls one
selector or service, and renders; who may do what is decided in the services and selectors."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import NotAllowed, field_errors
from core.http import actor_of
from core.once import once_claim, once_done, once_release, once_token
from core.pagination import paginate
from core.roles import Role
from health import selectors, worker_selectors
from health.call_results import call_result_record, latest_call_results
from health.models import CallOutcome, FlagStatus, Slot
from health.policies import SCREEN_ROLES, WORKER_ROLES, calls_residents
from health.querysets import HEALTH_ROLES, REPORT_OFFICE_ROLES
from health.reminder_selectors import households_reminded, reminder_conversion
from health.reporting import ReportInput, health_reports_submit, report_input
from health.rules import TEMPERATURE_HELP, current_slot, slot_closes_at
from health.web.forms import symptom_choices
from places.models import PlaceKind
from places.selectors import place_breadcrumbs

# ---- the health home ------------------------------------------------------------------------


def health_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    staff = actor.is_superuser or actor.has_role(HEALTH_ROLES)
    if not staff and selectors.own_households(actor):
        return redirect("health:report")
    if not staff and not actor.has_role(WORKER_ROLES):
        raise NotAllowed(_("Your role has no health pages."))
    day = timezone.localdate()
    roots = [(p, selectors.coverage(actor, p, day).total) for p in selectors.health_roots(actor)]
    community = worker_selectors.worker_home_community(actor)
    workers = worker_selectors.community_worker_counts(community, day) if community else None
    context = {
        "roots": roots,
        "day": day,
        "slot": selectors.default_slot(day),
        "open_flags": selectors.open_flag_count(actor) if staff else 0,
        "staff": staff,
        "screens": actor.is_superuser or actor.has_role(SCREEN_ROLES),
        "office": actor.is_superuser or actor.has_role(REPORT_OFFICE_ROLES),
        "worker": actor.has_role(WORKER_ROLES),
        "workers_list": actor.has_role(Role.COMMUNITY_ADMIN),
        "workers": workers,
        "sweeps": staff,
    }
    return render(request, "health/home.html", context)


# ---- a resident reports for the household ---------------------------------------------------


def household_report(request: HttpRequest) -> HttpResponse:
    """Three steps on a phone: open, type each member's temperature (tap symptoms if any), send."""
    actor = actor_of(request)
    households = selectors.own_households(actor)
    if not households:
        raise NotAllowed(_("This page is for residents reporting for their household."))
    chosen = request.GET.get("household", "")
    household_id = int(chosen) if chosen.isdigit() else households[0]
    day, slot = current_slot()
    members = selectors.household_members_today(actor, household_id, day, slot)
    errors: dict[int, list[dict[str, str]]] = {}
    general: list[str] = []
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = request.POST
        token = request.POST.get("once", "")
        already = once_claim(actor, token)
        if already is not None:
            messages.info(request, _("This form was already sent; it was saved once."))
            return redirect(already or request.get_full_path())
        try:
            items, errors, general = _household_items(request, members, token)
            if items and not errors and not general:
                result = health_reports_submit(actor=actor, items=items)
                for r in result.rejected:
                    errors.setdefault(items[r["index"]].resident_id, []).extend(r["errors"])
                if not errors:
                    url = request.get_full_path()
                    once_done(actor, token, url)
                    _report_message(request, result)
                    return redirect(url)
        except BaseException:
            once_release(actor, token)
            raise
        once_release(actor, token)
    context = {
        "members": members,
        "household_id": household_id,
        "households": households,
        "day": day,
        "slot": slot,
        "slot_label": Slot(slot).label,
        "closes_label": _closes_label(day, slot),
        "symptoms": symptom_choices(),
        "errors": errors,
        "general": general,
        "values": values,
        "once": once_token(),
        "temperature_help": TEMPERATURE_HELP,
        "pending": [m for m in members if m.report is None],
    }
    status = 400 if errors or general else 200
    return render(request, "health/report.html", context, status=status)


def _closes_label(day: datetime.date, slot: str) -> str:
    """ "14:00", or "24:00" for a slot that runs to midnight (not "00:00", which reads as dawn)."""
    closes = timezone.localtime(slot_closes_at(day, slot))
    return "24:00" if closes.date() > day else closes.strftime("%H:%M")


def _household_items(
    request: HttpRequest, members: list[selectors.MemberToday], token: str
) -> tuple[list[ReportInput], dict[int, list[dict[str, str]]], list[str]]:
    """The reports the form carries (a member left blank is not reported now), or the errors
    per member; nothing is stored until every member's entry is right."""
    post = request.POST
    day = post.get("day", "")
    slot = post.get("slot", "")
    items: list[ReportInput] = []
    errors: dict[int, list[dict[str, str]]] = {}
    for m in members:
        # A member already reported is sent again only when something new is typed for them
        # ("I have a fever now"): that amends the slot's report.
        pk = m.resident.pk
        temperature = post.get(f"t_{pk}", "").strip()
        symptoms = post.getlist(f"s_{pk}")
        contact = post.get(f"c_{pk}", "")
        if not temperature and not [s for s in symptoms if s != "none"] and not contact:
            continue
        try:
            items.append(
                report_input(
                    {
                        "resident": pk,
                        "temperature": temperature,
                        "symptoms": symptoms,
                        "contact": contact,
                        "day": day,
                        "slot": slot,
                        "idempotency_key": f"{token[:40]}:{pk}" if token else None,
                        # Set by the phone's outbox when the form waited for the network.
                        "recorded_at": post.get("recorded_at", ""),
                    }
                )
            )
        except ValidationError as e:
            errors[pk] = field_errors(e)
    general = []
    if not items and not errors:
        general.append(_("Enter the temperature of at least one member."))
    return items, errors, general


def _report_message(request: HttpRequest, result: Any) -> None:
    n = len(result.created) + len(result.duplicates)
    if n:
        messages.success(request, _("Reported for %(n)s people. Thank you, stay well.") % {"n": n})
    if result.amended:
        messages.success(
            request,
            _("The report of %(n)s people was updated; the earlier one is kept in its history.")
            % {"n": len(result.amended)},
        )
    if any(r.abnormal for r in [*result.created, *result.amended]):
        messages.warning(
            request,
            _(
                "A temperature of 37.3 °C or more, a symptom or contact with a case was "
                "reported: your grid worker has been told and will call you. Stay at home."
            ),
        )


# ---- coverage -------------------------------------------------------------------------------


def _day(request: HttpRequest) -> datetime.date:
    today = timezone.localdate()
    raw = request.GET.get("day", "")
    try:
        day = datetime.date.fromisoformat(raw) if raw else today
    except ValueError:
        return today
    return min(day, today)


def coverage_page(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    place = selectors.access_health_place(actor, place_id)
    day = _day(request)
    cov = selectors.coverage(actor, place, day)
    context = {
        "cov": cov,
        "place": place,
        "day": day,
        "today": timezone.localdate(),
        "is_grid": place.kind == PlaceKind.GRID,
        "slot": selectors.default_slot(day),
        "crumbs": place_breadcrumbs(actor, place),
        "open_flags": selectors.flags(actor, place=place).count(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "health/_coverage_table.html", context)
    return render(request, "health/coverage.html", context)


# Households a page of the call list shows: a big grid (2,000 people after an import) was one
# 751 KB page; a page of 40 households stays well under 100 KB (bench/call_list.py).
CALL_LIST_HOUSEHOLDS = 40


def not_reported_page(request: HttpRequest, place_id: int) -> HttpResponse:
    """The grid worker's call list: who has not reported in the slot, by household, one
    building at a time if chosen, a page of households at a time."""
    actor = actor_of(request)
    place = selectors.access_health_place(actor, place_id)
    if place.kind != PlaceKind.GRID:
        raise Http404
    day = _day(request)
    slot = request.GET.get("slot", "")
    if slot not in Slot.values:
        slot = selectors.default_slot(day)
    buildings = selectors.not_reported_buildings(actor, place, day, slot)
    chosen = request.GET.get("building", "")
    building_id = int(chosen) if chosen.isdigit() and len(chosen) < 19 else None
    if building_id not in {b[0] for b in buildings}:
        building_id = None
    households = selectors.not_reported(actor, place, day, slot, building_id=building_id)
    page = paginate(request, households, CALL_LIST_HOUSEHOLDS)
    calls = calls_residents(actor, place.path)
    shown_ids = [m.resident_id for h in page.object_list for m in h.members]
    results = latest_call_results(place.pk, day, slot, shown_ids) if calls else {}
    reminded = households_reminded(place, day, slot, [h.household_id for h in page.object_list])
    for h in page.object_list:
        h.reminded = reminded.get(h.household_id)
        for m in h.members:
            m.call = results.get(m.resident_id)
    # The list carries phone numbers to call: who opened it is recorded (never the numbers).
    audit_record(
        actor=actor,
        action="view_call_list",
        target_type="grid",
        target_id=place.pk,
        place_path=place.path,
        detail={
            "day": day.isoformat(),
            "slot": slot,
            "residents": _count(list(page.object_list)),
            "building": building_id,
            "page": page.number,
            "phones": "full" if calls else "masked",
        },
    )
    context = {
        "place": place,
        "day": day,
        "slot": slot,
        "slots": Slot.choices,
        "households": page.object_list,
        "page": page,
        "residents": sum(n for _pk, _name, n in buildings)
        if building_id is None
        else _count(households),
        "household_count": len(households),
        "buildings": buildings,
        "building_id": building_id,
        "calls": calls,
        "outcomes": CallOutcome.choices,
        "once": once_token(),
        "crumbs": place_breadcrumbs(actor, place, include_self=False),
        "conversion": reminder_conversion(actor, place, day, slot),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "health/_not_reported_list.html", context)
    return render(request, "health/not_reported.html", context)


def call_result(request: HttpRequest, place_id: int) -> HttpResponse:
    """POST from the call list: what came of calling one resident; back to the same list."""
    actor = actor_of(request)
    place = selectors.access_health_place(actor, place_id)
    if place.kind != PlaceKind.GRID or request.method != "POST":
        raise Http404
    back = request.POST.get("back", "")
    list_url = reverse("health:not_reported", args=[place.pk])
    if not back.startswith(list_url):
        back = list_url
    day = timezone.localdate()
    raw_day = request.POST.get("day", "")
    with contextlib.suppress(ValueError):
        day = min(datetime.date.fromisoformat(raw_day), day)
    slot = request.POST.get("slot", "")
    if slot not in Slot.values:
        slot = selectors.default_slot(day)
    resident = request.POST.get("resident", "")
    try:
        result = call_result_record(
            actor=actor,
            resident_id=int(resident) if resident.isdigit() and len(resident) < 19 else 0,
            day=day,
            slot=slot,
            outcome=request.POST.get("outcome", ""),
            temperature=request.POST.get("temperature", ""),
            idempotency_key=request.POST.get("once", "") or None,
        )
    except ValidationError as e:
        for err in field_errors(e):
            messages.error(request, err["message"])
        return redirect(back)
    messages.success(
        request,
        _("Recorded: %(outcome)s.") % {"outcome": result.get_outcome_display()},
    )
    return redirect(back)


def _count(households: list[selectors.MissingHousehold]) -> int:
    return sum(len(h.members) for h in households)


# ---- flags ----------------------------------------------------------------------------------


def flag_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(HEALTH_ROLES)):
        raise NotAllowed(_("Your role does not see health reports."))
    status = request.GET.get("status", FlagStatus.OPEN)
    if status not in FlagStatus.values:
        status = FlagStatus.OPEN
    context = {
        "page": paginate(request, selectors.flags(actor, status=status)),
        "status": status,
        "statuses": FlagStatus.choices,
        "now": timezone.now(),
    }
    return render(request, "health/flags.html", context)
