"""The activity pages (M6): the list with totals, recording one, one activity with its
participants' hours (the admin corrects them), and the hours-served table."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from core.roles import Role
from mobilisation import activities as services
from mobilisation import activity_selectors as selectors
from mobilisation import hours as hours_selectors
from mobilisation.crew import crew
from mobilisation.duty_querysets import OFFICE_ROLES, WORKER_ROLES
from mobilisation.models import ActivityKind
from mobilisation.patrol_selectors import patrol_communities
from mobilisation.policies import manages
from mobilisation.web.activity_forms import ActivityForm, HoursForm

TABS = ("person", "unit", "community")


def _day(request: HttpRequest, name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _may_see(actor: Actor, roles: frozenset[str]) -> None:
    if not (actor.is_superuser or actor.has_role(roles)):
        raise NotAllowed(_("This page is for the offices and the people working in a community."))


def activity_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _may_see(actor, OFFICE_ROLES | WORKER_ROLES)
    q = search_term(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    since, until = _day(request, "since"), _day(request, "until")
    rows = selectors.activities_for(actor, kind=kind, since=since, until=until, q=q)
    page = paginate(request, selectors.with_participation(rows))
    context = {
        "q": q,
        "kind": kind,
        "kinds": ActivityKind.choices,
        "since": since,
        "until": until,
        "page": page,
        "totals": selectors.activity_totals(rows),
        "may_record": bool(patrol_communities(actor)),
    }
    return render(request, "mobilisation/activity_list.html", context)


def activity_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = patrol_communities(actor)
    if not communities:
        raise NotAllowed(_("Only people working in this community record its activities."))
    raw = request.POST.get("community") or request.GET.get("community") or ""
    ids = [c.pk for c in communities]
    community_id = int(raw) if raw.isdigit() and int(raw) in ids else ids[0]
    community = next(c for c in communities if c.pk == community_id)
    form = ActivityForm(request.POST if request.method == "POST" else None)
    form.fields["community"].choices = [(c.pk, c.name) for c in communities]  # type: ignore[attr-defined]
    form.fields["participants"].choices = [(str(p.user_id), p.name) for p in crew(community)]  # type: ignore[attr-defined]
    if request.method == "POST":

        def record(d: dict[str, Any]) -> str:
            activity = services.activity_record(
                actor=actor,
                community=next(c for c in communities if c.pk == d["community"]),
                kind=d["kind"],
                title=d["title"],
                started_at=d["started_at"],
                ended_at=d["ended_at"],
                where=d["where"],
                outcome=d["outcome"],
                participant_ids=d["participants"],
            )
            return reverse("duty:activity", args=[activity.pk])

        done = run_once(request, form, record, _("Activity recorded."))
        if done:
            return done
    else:
        form.initial.update(
            once=once_token(),
            community=community_id,
            participants=[str(actor.user_id)] if actor.user_id else [],
        )
    context = {"form": form, "communities": communities, "community": community}
    return render(
        request, "mobilisation/activity_new.html", context, status=400 if form.errors else 200
    )


def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    actor = actor_of(request)
    activity = selectors.access_activity(actor, activity_id)
    may_adjust = manages(actor, activity.community_id)
    bound: HoursForm | None = None
    if request.method == "POST":
        if not may_adjust:
            raise NotAllowed(_("Only the community's admin adjusts hours served."))
        bound = HoursForm(request.POST)

        def adjust(d: dict[str, Any]) -> str:
            services.activity_participant_set_hours(
                actor=actor, activity=activity, user_id=d["user"], hours=d["hours"]
            )
            return reverse("duty:activity", args=[activity.pk])

        done = run_once(request, bound, adjust, _("Hours adjusted."), aliases={"user": "hours"})
        if done:
            return done
    parts = list(selectors.activity_participants(activity))
    rows = []
    for p in parts:
        form = None
        if may_adjust:
            if bound is not None and str(bound.data.get("user")) == str(p.user_id):
                form = bound
            else:
                form = HoursForm(
                    initial={"once": once_token(), "user": p.user_id, "hours": p.hours}
                )
        rows.append({"p": p, "form": form})
    context = {
        "activity": activity,
        "rows": rows,
        "total": sum((p.hours for p in parts), hours_selectors.ZERO),
        "may_adjust": may_adjust,
    }
    status = 400 if bound is not None and bound.errors else 200
    return render(request, "mobilisation/activity_detail.html", context, status=status)


def hours(request: HttpRequest) -> HttpResponse:
    """Hours served per person, unit or community; a unit's admin sees their members'."""
    actor = actor_of(request)
    _may_see(actor, OFFICE_ROLES | WORKER_ROLES | {Role.UNIT_ADMIN})
    by = request.GET.get("by", "person")
    by = by if by in TABS else "person"
    q = search_term(request)
    since, until = _day(request, "since"), _day(request, "until")
    rows = hours_selectors.hours_rows(actor, by=by, since=since, until=until, q=q)
    totals = hours_selectors.hours_totals(rows)
    page = paginate(request, rows)
    shown = hours_selectors.hours_label(by, list(page.object_list))
    top = max((r.total for r in rows), default=hours_selectors.ZERO)
    bars = [{"r": r, "percent": int(r.total * 100 / top) if top else 0} for r in shown]
    context = {
        "by": by,
        "tabs": [
            ("person", _("Per person")),
            ("unit", _("Per work unit")),
            ("community", _("Per community")),
        ],
        "q": q,
        "since": since,
        "until": until,
        "page": page,
        "bars": bars,
        "totals": totals,
    }
    return render(request, "mobilisation/hours.html", context)
