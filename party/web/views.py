from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.http import actor_of
from core.pagination import paginate, search_term
from party import selectors


def party_org_roots(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(request, "party/roots.html", {"roots": selectors.party_org_roots(actor)})


def party_org_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = selectors.access_party_org(actor, org_id)
    q = search_term(request)
    context = {
        "org": org,
        "q": q,
        "crumbs": selectors.party_org_breadcrumbs(actor, org),
        "children": selectors.party_org_children(actor, org),
        "member_total": selectors.party_member_count(actor, org),
        "page": paginate(request, selectors.party_org_members(actor, org, q)),
    }
    return render(request, "party/detail.html", context)


def unit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    return render(
        request,
        "party/units.html",
        {"q": q, "page": paginate(request, selectors.unit_list(actor, q))},
    )


def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.access_unit(actor, unit_id)
    q = search_term(request)
    context = {
        "unit": unit,
        "q": q,
        "page": paginate(request, selectors.unit_members(actor, unit, q)),
    }
    return render(request, "party/unit.html", context)
