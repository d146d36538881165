"""The supervision pages (督导, M16): inspections with their checklist and rectifications, the
rectifications overdue first, one rectification with its follow-up, the supervision teams and
the street's area leads. Views parse, call the selectors and one service, and render; the
services check who may do what."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from core.pagination import paginate, search_term
from notices import supervision as services
from notices import supervision_selectors as selectors
from notices.models import RectificationStatus
from notices.web.supervision_forms import (
    AreaLeadForm,
    InspectionForm,
    RectificationForm,
    TeamForm,
    UpdateForm,
)


def _label(p: Any) -> str:
    return f"{p.parent.name} · {p.name}" if p.parent_id and p.parent else p.name


def _user_label(u: User) -> str:
    return u.display_name or u.username


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# ---- inspections ----------------------------------------------------------------------------


def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    page = paginate(request, selectors.inspection_list(actor, q=q))
    context = {
        "q": q,
        "page": page,
        "may_inspect": bool(selectors.inspectable_places(actor)),
        "overdue": selectors.overdue_rectification_count(actor),
    }
    return render(request, "notices/supervision_list.html", context)


def inspection_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    places = {str(p.pk): p for p in selectors.inspectable_places(actor)}
    if not places:
        raise NotAllowed(_("Your role does not inspect."))
    teams = {str(t.pk): t for t in selectors.actor_teams(actor)}
    form = InspectionForm(_post(request), checklist=[str(c) for c in services.DEFAULT_CHECKLIST])
    form.fields["place"].choices = [("", "—"), *[(k, _label(p)) for k, p in places.items()]]  # type: ignore[attr-defined]
    form.fields["team"].choices = [("", _("No team")), *[(k, t.name) for k, t in teams.items()]]  # type: ignore[attr-defined]
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            inspection = services.inspection_create(
                actor=actor,
                place=places.get(d["place"]),
                inspected_on=d["inspected_on"],
                team=teams.get(d["team"]),
                summary=d["summary"],
                items=form.items(),
            )
            return reverse("notices:inspection", args=[inspection.pk])

        done = run_once(request, form, action, _("Inspection recorded."))
        if done:
            return done
    else:
        form.initial.update({"once": once_token(), "inspected_on": timezone.localdate()})
    status = 400 if form.errors else 200
    return render(request, "notices/supervision_new.html", {"form": form}, status=status)


def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    actor = actor_of(request)
    inspection = selectors.access_inspection(actor, inspection_id)
    items = list(selectors.inspection_items(actor, inspection))
    verifies = services.verifies(actor, inspection)
    form = None
    if verifies:
        owners = {str(u.pk): u for u in selectors.staff_under(actor, [inspection.place_path])}
        by_id = {str(i.pk): i for i in items}
        form = RectificationForm(_post(request))
        form.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(k, _user_label(u)) for k, u in owners.items()],
        ]  # type: ignore[attr-defined]
        form.fields["item"].choices = [("", "—"), *[(k, i.item) for k, i in by_id.items()]]  # type: ignore[attr-defined]
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                services.rectification_add(
                    actor=actor,
                    inspection=inspection,
                    finding=d["finding"],
                    owner_name=d["owner_name"],
                    owner=owners.get(d["owner"]),
                    deadline=d["deadline"],
                    item=by_id.get(d["item"]),
                )
                return request.path

            done = run_once(request, form, action, _("Rectification set."))
            if done:
                return done
        else:
            form.initial["once"] = once_token()
    elif request.method == "POST":
        raise NotAllowed(_("Only the inspector and the offices above set rectifications."))
    context = {
        "inspection": inspection,
        "items": items,
        "rectifications": selectors.inspection_rectifications(actor, inspection),
        "form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/supervision_detail.html", context, status=status)


def rectification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = search_term(request)
    status = request.GET.get("status", "due")
    if status not in (*selectors.RECT_FILTERS, "overdue"):
        status = "due"
    page = paginate(request, selectors.rectification_list(actor, q=q, status=status))
    choices = [
        ("due", _("Not closed")),
        ("overdue", _("Overdue")),
        ("all", _("All")),
        *RectificationStatus.choices,
    ]
    context = {
        "q": q,
        "status": status,
        "choices": choices,
        "page": page,
        "counts": selectors.rectification_counts(actor),
    }
    return render(request, "notices/supervision_rectifications.html", context)


def rectification_detail(request: HttpRequest, rectification_id: int) -> HttpResponse:
    actor = actor_of(request)
    r = selectors.access_rectification(actor, rectification_id)
    may_report = services.reports_done(actor, r) and r.status == RectificationStatus.OPEN
    may_verify = services.verifies(actor, r.inspection)
    form = UpdateForm(_post(request))
    if request.method == "POST":
        wanted = request.POST.get("status", "")
        allowed = (wanted == "reported" and may_report) or (
            wanted in ("closed", "open") and may_verify
        )
        if not allowed:
            raise NotAllowed(_("You may not do this to this rectification."))

        def action(d: dict[str, Any]) -> str:
            services.rectification_update(
                actor=actor, rectification=r, status=d["status"], note=d["note"]
            )
            return request.path

        done = run_once(request, form, action, _("Rectification follow-up recorded."))
        if done:
            return done
    context = {
        "r": r,
        "updates": selectors.rectification_updates(actor, r),
        "may_report": may_report,
        "may_close": may_verify and r.status != RectificationStatus.CLOSED,
        "may_reopen": may_verify and r.status != RectificationStatus.OPEN,
        "form": form,
        "once": once_token(),
        "wanted": request.POST.get("status", "") if request.method == "POST" else "",
    }
    status = 400 if form.errors else 200
    return render(request, "notices/supervision_rectification.html", context, status=status)


# ---- teams ----------------------------------------------------------------------------------


def _team_form(request: HttpRequest, actor: Any, team: Any) -> tuple[TeamForm, dict, dict]:
    places = {str(p.pk): p for p in services.team_places(actor)}
    if team is not None:
        places.setdefault(str(team.place_id), team.place)
    paths = [p.path for p in places.values()]
    users: dict[str, User] = {str(u.pk): u for u in selectors.staff_under(actor, paths)}
    if team is not None:
        users.update({str(u.pk): u for u in team.members.all()})
    form = TeamForm(_post(request))
    form.fields["place"].choices = [(k, p.name) for k, p in places.items()]  # type: ignore[attr-defined]
    choices = [(k, _user_label(u)) for k, u in users.items()]
    form.fields["leader"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
    form.fields["members"].choices = choices  # type: ignore[attr-defined]
    return form, places, users


def team_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = None
    if services.team_places(actor) or actor.is_superuser:
        form, places, users = _team_form(request, actor, None)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                team = services.team_save(
                    actor=actor,
                    team=None,
                    name=d["name"],
                    place=places.get(d["place"]),
                    leader=users.get(d["leader"]),
                    members=[users[m] for m in d["members"] if m in users],
                )
                return reverse("notices:team", args=[team.pk])

            done = run_once(request, form, action, _("Team formed."))
            if done:
                return done
        else:
            form.initial["once"] = once_token()
    elif request.method == "POST":
        raise NotAllowed(_("Only the city's or district's admins form supervision teams."))
    q = search_term(request)
    context = {"q": q, "page": paginate(request, selectors.team_list(actor, q=q)), "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/supervision_teams.html", context, status=status)


def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = actor_of(request)
    team = selectors.access_team(actor, team_id)
    form = None
    if services.manages_team(actor, team):
        form, places, users = _team_form(request, actor, team)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                services.team_save(
                    actor=actor,
                    team=team,
                    name=d["name"],
                    place=places.get(d["place"]),
                    leader=users.get(d["leader"]),
                    members=[users[m] for m in d["members"] if m in users],
                )
                return request.path

            done = run_once(request, form, action, _("Team saved."))
            if done:
                return done
        else:
            form.initial.update(
                {
                    "once": once_token(),
                    "name": team.name,
                    "place": str(team.place_id),
                    "leader": str(team.leader_id or ""),
                    "members": [str(u.pk) for u in team.members.all()],
                }
            )
    elif request.method == "POST":
        raise NotAllowed(_("Only the city's or district's admins change this team."))
    context = {
        "team": team,
        "members": list(team.members.all()),
        "inspections": selectors.inspection_list(actor).filter(team=team)[:20],
        "form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/supervision_team.html", context, status=status)


# ---- area leads -----------------------------------------------------------------------------


def _lead_form(
    request: HttpRequest, actor: Any, lead: Any
) -> tuple[AreaLeadForm, dict, dict, dict]:
    streets = {str(s.pk): s for s in services.lead_streets(actor)}
    if lead is not None:
        streets.setdefault(str(lead.street_id), lead.street)
    chosen = list(streets.values())
    staff = selectors.staff_under(actor, [s.path for s in chosen])
    users: dict[str, User] = {str(u.pk): u for u in staff}
    communities = {str(c.pk): c for c in selectors.street_communities_of(chosen)}
    form = AreaLeadForm(_post(request))
    form.fields["street"].choices = [(k, s.name) for k, s in streets.items()]  # type: ignore[attr-defined]
    form.fields["leader"].choices = [("", "—"), *[(k, _user_label(u)) for k, u in users.items()]]  # type: ignore[attr-defined]
    form.fields["communities"].choices = [(k, _label(c)) for k, c in communities.items()]  # type: ignore[attr-defined]
    return form, streets, users, communities


def area_lead_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = None
    if services.lead_streets(actor):
        form, streets, users, communities = _lead_form(request, actor, None)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                lead = services.area_lead_save(
                    actor=actor,
                    area_lead=None,
                    street=streets.get(d["street"]),
                    leader=users.get(d["leader"]),
                    communities=[communities[c] for c in d["communities"] if c in communities],
                    note=d["note"],
                )
                return reverse("notices:area_lead", args=[lead.pk])

            done = run_once(request, form, action, _("Area lead set."))
            if done:
                return done
        else:
            form.initial["once"] = once_token()
    elif request.method == "POST":
        raise NotAllowed(_("Only the street's admin sets its area leads."))
    q = search_term(request)
    page = paginate(request, selectors.area_lead_list(actor, q=q).prefetch_related("communities"))
    context = {"q": q, "page": page, "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/supervision_area_leads.html", context, status=status)


def area_lead_detail(request: HttpRequest, area_lead_id: int) -> HttpResponse:
    actor = actor_of(request)
    lead = selectors.access_area_lead(actor, area_lead_id)
    form = None
    if services.manages_area_leads(actor, lead.street):
        form, streets, users, communities = _lead_form(request, actor, lead)
        if request.method == "POST":

            def action(d: dict[str, Any]) -> str:
                services.area_lead_save(
                    actor=actor,
                    area_lead=lead,
                    street=streets.get(d["street"]),
                    leader=users.get(d["leader"]),
                    communities=[communities[c] for c in d["communities"] if c in communities],
                    note=d["note"],
                )
                return request.path

            done = run_once(request, form, action, _("Area lead saved."))
            if done:
                return done
        else:
            form.initial.update(
                {
                    "once": once_token(),
                    "street": str(lead.street_id),
                    "leader": str(lead.leader_id),
                    "communities": [str(c.pk) for c in lead.communities.all()],
                    "note": lead.note,
                }
            )
    elif request.method == "POST":
        raise NotAllowed(_("Only the street's admin sets its area leads."))
    context = {"lead": lead, "communities": list(lead.communities.all()), "form": form}
    status = 400 if form is not None and form.errors else 200
    return render(request, "notices/supervision_area_lead.html", context, status=status)
