"""The patrol pages (M7): routes and recent rounds, a route, one round on a phone (findings as
they are seen, each possibly a request or a triage case, then the end of the round). Views parse,
call the selectors and one service, and render; the services decide who may."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import OnceTokenMixin, run_once
from core.http import actor_of
from core.masking import mask_name
from core.once import once_token
from core.pagination import paginate, search_term
from mobilisation import patrol_selectors as selectors
from mobilisation import patrols as services
from mobilisation.crew import crew
from mobilisation.duty_querysets import OFFICE_ROLES, WORKER_ROLES
from mobilisation.policies import managed_communities, manages, may_record_finding, works_in
from mobilisation.web.patrol_forms import EndForm, FindingForm, RouteForm, StartForm
from places.selectors import access_place

SHOWS = ("", "open", "ended")


def _may_see(actor: Actor) -> None:
    if not (actor.is_superuser or actor.has_role(OFFICE_ROLES | WORKER_ROLES)):
        raise NotAllowed(_("Patrols are for the offices and the people working in a community."))


def _start_form(actor: Actor, data: Any, route_id: int | None) -> StartForm | None:
    """Routes the actor may start a round on, and the other workers of their community."""
    routes = [r for r in selectors.routes_for(actor)[:50] if works_in(actor, r.community_path)]
    if not routes:
        return None
    form = StartForm(data)
    form.fields["route"].choices = [(r.pk, f"{r.name} · {r.community.name}") for r in routes]  # type: ignore[attr-defined]
    communities = {r.community_id: r.community for r in routes}
    people = [p for c in communities.values() for p in crew(c) if p.user_id != actor.user_id]
    form.fields["patrollers"].choices = [(str(p.user_id), p.name) for p in people]  # type: ignore[attr-defined]
    if not form.is_bound:
        form.initial.update(once=once_token(), route=route_id)
    return form


def patrols(request: HttpRequest) -> HttpResponse:
    """/duty/patrols/: the routes and recent rounds; a worker starts a round here."""
    actor = actor_of(request)
    _may_see(actor)
    raw_route = request.GET.get("route", "")
    route_id = int(raw_route) if raw_route.isdigit() else None
    form = _start_form(actor, request.POST if request.method == "POST" else None, route_id)
    if request.method == "POST":
        if form is None:
            raise NotAllowed(_("Only people working in this community patrol it."))

        def start(d: dict[str, Any]) -> str:
            route = selectors.access_route(actor, d["route"])
            patrol = services.patrol_start(actor=actor, route=route, patroller_ids=d["patrollers"])
            return reverse("duty:patrol", args=[patrol.pk])

        done = run_once(request, form, start, _("Round started."))
        if done:
            return done
    q = search_term(request)
    show = request.GET.get("show", "")
    show = show if show in SHOWS else ""
    page = paginate(request, selectors.patrols_for(actor, q=q, show=show, route_id=route_id))
    context = {
        "q": q,
        "show": show,
        "shows": [("", _("All")), ("open", _("On patrol now")), ("ended", _("Ended"))],
        "routes": list(selectors.routes_for(actor, q=q)[:50]),
        "page": page,
        "form": form,
        "may_add_route": bool(managed_communities(actor)),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "mobilisation/patrol_list.html", context, status=status)


def _community_choices(actor: Actor) -> list[tuple[int, str]]:
    ids = managed_communities(actor)
    return [(c.pk, c.name) for c in selectors.patrol_communities(actor) if c.pk in ids]


def route_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    choices = _community_choices(actor)
    if not choices:
        raise NotAllowed(_("Only the community's admin sets up its patrol routes."))
    form = RouteForm(request.POST if request.method == "POST" else None)
    form.fields["community"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST":

        def save(d: dict[str, Any]) -> str:
            route = services.route_save(
                actor=actor,
                route=None,
                community=access_place(actor, d["community"]),
                name=d["name"],
                checkpoints=d["checkpoints"],
                note=d["note"],
            )
            return reverse("duty:route", args=[route.pk])

        done = run_once(request, form, save, _("Route saved."))
        if done:
            return done
    else:
        form.initial.update(once=once_token(), community=choices[0][0])
    context = {"form": form, "route": None}
    return render(
        request, "mobilisation/patrol_route.html", context, status=400 if form.errors else 200
    )


def route_detail(request: HttpRequest, route_id: int) -> HttpResponse:
    actor = actor_of(request)
    route = selectors.access_route(actor, route_id)
    may_manage = manages(actor, route.community_id)
    form: RouteForm | None = None
    if may_manage:
        form = RouteForm(request.POST if request.method == "POST" else None)
        form.fields["community"].choices = [(route.community_id, route.community.name)]  # type: ignore[attr-defined]
    if request.method == "POST":
        action = request.POST.get("action", "")
        if form is None or action not in ("save", "close"):
            raise NotAllowed(_("Only the community's admin sets up its patrol routes."))
        if action == "close":
            close_form = OnceTokenMixin(request.POST)

            def close(d: dict[str, Any]) -> str:
                services.route_close(actor=actor, route=route)
                return reverse("duty:patrols")

            done = run_once(request, close_form, close, _("Route closed."))
        else:

            def save(d: dict[str, Any]) -> str:
                services.route_save(
                    actor=actor,
                    route=route,
                    community=route.community,
                    name=d["name"],
                    checkpoints=d["checkpoints"],
                    note=d["note"],
                )
                return reverse("duty:route", args=[route.pk])

            done = run_once(request, form, save, _("Route saved."))
        if done:
            return done
    elif form is not None:
        form.initial.update(
            once=once_token(),
            community=route.community_id,
            name=route.name,
            checkpoints=route.checkpoints,
            note=route.note,
        )
    page = paginate(request, selectors.patrols_for(actor, route_id=route.pk))
    context = {
        "route": route,
        "form": form,
        "close_token": once_token(),
        "checkpoints": [c for c in route.checkpoints.splitlines() if c],
        "page": page,
        "may_start": route.closed_at is None and works_in(actor, route.community_path),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "mobilisation/patrol_route.html", context, status=status)


def _finding_form(actor: Actor, patrol: Any, data: Any, rq: str) -> FindingForm:
    form = FindingForm(data)
    form.fields["building"].choices = [  # type: ignore[attr-defined]
        ("", _("Choose a building")),
        *[(str(b.pk), b.name) for b in selectors.community_buildings(patrol.community_path)],
    ]
    residents = selectors.finding_residents(actor, patrol.community_id, rq)
    form.fields["resident"].choices = [  # type: ignore[attr-defined]
        ("", _("No one in particular")),
        *[(str(r.pk), f"{mask_name(r.person.name)} · {r.household}") for r in residents],
    ]
    if not form.is_bound:
        form.initial.update(once=once_token(), rq=rq)
    return form


def patrol_detail(request: HttpRequest, patrol_id: int) -> HttpResponse:
    """One round, phone first: the finding form on top, the findings, then the end form."""
    actor = actor_of(request)
    patrol = selectors.access_patrol(actor, patrol_id)
    patrollers = selectors.patrol_people(patrol)
    on_round = patrol.ended_at is None and may_record_finding(actor, patrol)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    rq = search_term(request) if post is None else (request.POST.get("rq", "") or "")[:50]
    finding_form = _finding_form(actor, patrol, post if action == "finding" else None, rq)
    if action == "search" and post is not None:
        # "Find" in the finding form: the same form again with the residents found (no JS).
        finding_form.initial.update(post.dict())
        finding_form.initial["to_case"] = post.get("to_case") == "on"
    end_form = EndForm(post if action == "end" else None)
    if not end_form.is_bound:
        end_form.initial["once"] = once_token()
    if post is not None:
        if not on_round or action not in ("finding", "end", "search"):
            raise NotAllowed(_("Only the patrollers record findings on a round."))
        if action == "finding":

            def record(d: dict[str, Any]) -> str:
                services.finding_record(
                    actor=actor,
                    patrol=patrol,
                    kind=d["kind"],
                    details=d["details"],
                    building_id=d["building"] or None,
                    where=d["where"],
                    resident_id=d["resident"] or None,
                    to_request=d["to_request"],
                    to_case=d["to_case"],
                )
                return reverse("duty:patrol", args=[patrol.pk])

            done = run_once(request, finding_form, record, _("Finding recorded."))
        elif action == "search":
            done = None
        else:

            def end(d: dict[str, Any]) -> str:
                services.patrol_end(actor=actor, patrol=patrol, note=d["note"])
                return reverse("duty:patrol", args=[patrol.pk])

            done = run_once(request, end_form, end, _("Round ended."))
        if done:
            return done
    findings = [
        {
            "f": f,
            "resident": mask_name(f.resident.person.name) if f.resident else "",
        }
        for f in selectors.patrol_findings(actor, patrol)[:100]
    ]
    context = {
        "patrol": patrol,
        "patrollers": patrollers,
        "on_round": on_round,
        "finding_form": finding_form,
        "end_form": end_form,
        "findings": findings,
        "rq": rq,
    }
    errors = finding_form.errors or end_form.errors
    return render(
        request, "mobilisation/patrol_detail.html", context, status=400 if errors else 200
    )
