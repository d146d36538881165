"""The place pages: the tree an actor sees, a place with its children or households and
their counts (the household page is home's)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import actor_of
from core.pagination import paginate, search_term
from people import place_selectors
from people.selectors import (
    editable_buildings,
)
from places import selectors
from places.models import PlaceKind


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
        "counts": place_selectors.place_counts(actor, place),
    }
    if place.kind == PlaceKind.BUILDING:
        context["page"] = paginate(request, place_selectors.building_households(actor, place, q))
        context["may_add_household"] = editable_buildings(actor).filter(pk=place.pk).exists()
    else:
        context["page"] = paginate(request, place_selectors.place_children(actor, place, q))
    template = "places/_rows.html" if request.htmx else "places/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)
