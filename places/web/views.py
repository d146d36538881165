from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import actor_of
from core.pagination import paginate, search_term
from core.roles import REGISTRY_ROLES
from notices.notice_selectors import notices_for_home, unread_count
from people.selectors import (
    access_household,
    editable_buildings,
    household_history,
    household_residents,
)
from people.services import may_edit_household
from places import selectors
from places.models import PlaceKind
from triage.disclosure_selectors import resident_marked_buildings


def place_roots(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    context = {
        "roots": selectors.place_roots(actor),
        "q": q,
        "results": selectors.place_search(actor, q) if q else None,
    }
    return render(request, "places/roots.html", context)


def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    actor = actor_of(request)
    place = selectors.access_place(actor, place_id)
    q = search_term(request)
    context = {
        "place": place,
        "q": q,
        "crumbs": selectors.place_breadcrumbs(actor, place),
        "counts": selectors.place_counts(actor, place),
    }
    if place.kind == PlaceKind.BUILDING:
        context["page"] = paginate(request, selectors.building_households(actor, place, q))
        context["may_add_household"] = editable_buildings(actor).filter(pk=place.pk).exists()
    else:
        context["page"] = paginate(request, selectors.place_children(actor, place, q))
    template = "places/_rows.html" if request.htmx else "places/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = access_household(actor, household_id)
    building = household.building
    staff = actor.is_superuser or actor.has_role(REGISTRY_ROLES)
    context = {
        "household": household,
        "residents": household_residents(actor, household),
        "crumbs": selectors.place_breadcrumbs(actor, building),
        "building_visible": selectors.place_visible(actor, building.pk),
        "may_edit": may_edit_household(actor, household),
        "show_history": staff,
        "history": household_history(actor, household) if staff else [],
        # A resident's notice board: the buildings of their community marked as having cases.
        "marked_buildings": resident_marked_buildings(actor),
    }
    if any(g.household_id == household.pk for g in actor.grants):
        # The resident's own household is their home page: the notices for them, unread first.
        context["home_notices"] = notices_for_home(actor)
        context["notices_unread"] = unread_count(actor)
        # Is today's health report done? (a resident's first question of the day)
        from django.utils import timezone

        from health.selectors import household_report_status

        context["report_status"] = household_report_status(household.pk, timezone.localdate())
    return render(request, "places/household.html", context)
