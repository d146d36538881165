"""The opinion pages (舆情, M15): the incidents the actor sees (open, critical and urgent first,
with counts per street or district), reporting one, one incident with its handling steps and
rebuttals, and publishing a rebuttal. Views parse, call the selectors and one service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from notices import opinion as services
from notices import opinion_selectors as selectors
from notices.models import IncidentStatus, Urgency
from notices.web.opinion_forms import ActionForm, IncidentForm, RebuttalForm


def _place_label(p: Any) -> str:
    return f"{p.parent.name} · {p.name}" if p.parent_id and p.parent else p.name


def incident_list(request: HttpRequest) -> HttpResponse:
    """/opinion/: what the actor sees; the street's own at once; counts per area."""
    actor = actor_of(request)
    if not services.reports_incidents(actor):
        raise NotAllowed(_("Your role does not read public-opinion incidents."))
    q = search_term(request)
    status = request.GET.get("status", "open")
    if status not in selectors.STATUS_FILTERS:
        status = "open"
    urgency = request.GET.get("urgency", "")
    if urgency not in Urgency.values:
        urgency = ""
    page = paginate(request, selectors.incident_list(actor, q=q, status=status, urgency=urgency))
    status_choices = [
        ("open", pgettext("incident status", "Open")),
        ("all", _("All")),
        *IncidentStatus.choices,
    ]
    context = {
        "q": q,
        "status": status,
        "urgency": urgency,
        "status_choices": status_choices,
        "urgency_choices": Urgency.choices,
        "page": page,
        "counts": selectors.incident_counts(actor),
        "areas": selectors.incident_counts_by_area(actor),
    }
    return render(request, "notices/opinion_list.html", context)


def incident_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not services.reports_incidents(actor):
        raise NotAllowed(_("Only staff report rumours and public-opinion incidents."))
    places = {str(p.pk): p for p in selectors.report_places(actor)}
    form = IncidentForm(request.POST if request.method == "POST" else None)
    form.fields["place"].choices = [  # type: ignore[attr-defined]
        (pk, _place_label(p)) for pk, p in places.items()
    ]
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            incident = services.incident_report(
                actor=actor,
                kind=d["kind"],
                summary=d["summary"],
                where_seen=d["where_seen"],
                reach=d["reach"],
                urgency=d["urgency"] or Urgency.NORMAL,
                place=places.get(d["place"] or ""),
            )
            return reverse("notices:incident", args=[incident.pk])

        done = run_once(request, form, action, _("Reported. The street sees it now."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    status = 400 if form.errors else 200
    return render(request, "notices/opinion_new.html", {"form": form}, status=status)


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    """/opinion/<id>/: the incident, its handling steps and rebuttals; the street records a
    step."""
    actor = actor_of(request)
    incident = selectors.access_incident(actor, incident_id)
    handles = services.handles_incident(actor, incident)
    form = None
    if handles:
        form = ActionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                services.incident_act(
                    actor=actor, incident=incident, note=d["note"], status=d["status"]
                )
                return request.path

            done = run_once(request, form, action, _("Step recorded."))
            if done:
                return done
        else:
            form.initial["once"] = once_token()
            form.initial["status"] = (
                IncidentStatus.CLOSED
                if incident.status == IncidentStatus.HANDLING
                else IncidentStatus.HANDLING
            )
    elif request.method == "POST":
        raise NotAllowed(_("Only the street and the offices above it handle this incident."))
    context = {
        "incident": incident,
        "actions": selectors.incident_actions(actor, incident),
        "rebuttals": selectors.incident_rebuttals(actor, incident),
        "handles": handles,
        "form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/opinion_detail.html", context, status=status)


def incident_rebut(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    incident = selectors.access_incident(actor, incident_id)
    if not services.handles_incident(actor, incident):
        raise NotAllowed(_("Only the street and the offices above it answer this incident."))
    communities = {str(c.pk): c for c in selectors.street_communities(incident)}
    form = RebuttalForm(request.POST if request.method == "POST" else None)
    form.fields["communities"].choices = [  # type: ignore[attr-defined]
        (pk, c.name) for pk, c in communities.items()
    ]
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            services.incident_rebut(
                actor=actor,
                incident=incident,
                title=d["title"],
                body=d["body"],
                communities=[communities[c] for c in d["communities"] if c in communities],
            )
            return reverse("notices:incident", args=[incident.pk])

        done = run_once(request, form, action, _("Rebuttal published."))
        if done:
            return done
    else:
        form.initial["once"] = once_token()
        form.initial["title"] = _("Rebuttal: %(summary)s") % {"summary": str(incident)[:60]}
    status = 400 if form.errors else 200
    context = {"form": form, "incident": incident}
    return render(request, "notices/opinion_rebut.html", context, status=status)
