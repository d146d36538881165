"""The care pages: the community's vulnerable households (with the handover list), assigning a
carer, the carer's own households, one assignment (contacts, the log form, ending it) and a
carer leaving. Views parse, call the selectors and one service, and render; who may do what is
decided in care/ (the services check the policies)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from care import assignments as assignment_services
from care import contacts as contact_services
from care import rules, selectors
from care.policies import (
    CARE_LIST_ROLES,
    CARER_ROLES,
    admin_communities,
    assigns_in,
    logs_contact,
    may,
    names_in_full,
)
from care.web.forms import AssignForm, ContactForm, EndForm, LeaveForm
from core.disclosure import shown_phone
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_name
from core.once import once_token
from core.pagination import paginate, search_term
from places.selectors import access_place


def _carer_choices(options: list[selectors.CarerOption]) -> list[tuple[str, str]]:
    out = []
    for o in options:
        name = o.user.display_name or o.user.username
        roles = "、".join(o.roles)
        label = _("%(name)s (%(roles)s) · %(n)s households") % {
            "name": name,
            "roles": roles,
            "n": o.load,
        }
        out.append((str(o.user.pk), label.replace(" () ", " ")))
    return out


def home(request: HttpRequest) -> HttpResponse:
    """/care/: the vulnerable households of the actor's area. Carers go to their own list."""
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(CARE_LIST_ROLES)):
        if actor.has_role(CARER_ROLES):
            return redirect("care:mine")
        raise NotAllowed(_("Your role does not look after vulnerable households."))
    q = search_term(request)
    show = request.GET.get("show", "all")
    if show not in selectors.FILTERS:
        show = "all"
    counts = selectors.household_counts(actor, q=q)
    page = paginate(request, selectors.vulnerable_households(actor, q=q, show=show))
    rows = selectors.household_rows(actor, list(page.object_list))
    for row in rows:
        row.names = [mask_name(r.person.name) for r in row.residents]  # type: ignore[attr-defined]
        row.flags = sorted(  # type: ignore[attr-defined]
            {label for r in row.residents for label in selectors.vulnerability_labels(r)}
        )
    handover = (
        selectors.household_rows(actor, list(selectors.handover_households(actor)[:20]))
        if show == "all" and not q
        else []
    )
    filters = [
        ("all", _("All"), counts["vulnerable"]),
        ("uncovered", _("No carer"), counts["uncovered"]),
        ("overdue", _("Overdue"), counts["overdue"]),
        ("alarm", _("No-contact alarm"), counts["alarms"]),
        ("handover", _("To hand over"), counts["handover"]),
    ]
    context = {
        "q": q,
        "show": show,
        "filters": filters,
        "counts": counts,
        "page": page,
        "rows": rows,
        "handover": handover,
        "may_assign": bool(admin_communities(actor)) or actor.is_superuser,
    }
    return render(request, "care/home.html", context)


def assign(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = actor_of(request)
    household = selectors.access_household(actor, household_id)
    if not assigns_in(actor, household.community_id):
        raise NotAllowed(_("Only the community's admin assigns carers there."))
    options = selectors.available_carers(actor, household.community_id, household.grid_id)
    current = selectors.active_assignment(actor, household.pk)
    form = AssignForm(request.POST if request.method == "POST" else None)
    form.fields["carer"].choices = [("", _("Choose a carer")), *_carer_choices(options)]  # type: ignore[attr-defined]
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            a = assignment_services.care_assign(
                actor=actor,
                household=household,
                carer_user_id=int(d["carer"]) if d["carer"] else None,
                phone_every_days=d["phone_every_days"],
                visit_every_days=d["visit_every_days"],
                plan_note=d["plan_note"],
            )
            return reverse("care:assignment", args=[a.pk])

        done = run_once(request, form, action, _("Carer assigned."))
        if done:
            return done
    else:
        initial: dict[str, Any] = {"once": once_token()}
        if current is not None:
            initial.update(
                phone_every_days=current.phone_every_days,
                visit_every_days=current.visit_every_days,
                plan_note=current.plan_note,
            )
        form.initial.update(initial)
    residents = selectors.residents_of([household.pk]).get(household.pk, [])
    context = {
        "household": household,
        "form": form,
        "current": current,
        "residents": [
            (mask_name(r.person.name), selectors.vulnerability_labels(r)) for r in residents
        ],
        "no_carers": not options,
    }
    return render(request, "care/assign.html", context, status=400 if form.errors else 200)


def mine(request: HttpRequest) -> HttpResponse:
    """/care/mine/: the carer's households, overdue and due today first, with phones in full."""
    actor = actor_of(request)
    if not may(actor, CARER_ROLES):
        raise NotAllowed(_("Only cadres, volunteers and grid workers care for households."))
    q = search_term(request)
    show = request.GET.get("show", "")
    if show not in selectors.MINE_FILTERS:
        show = ""
    page = paginate(request, selectors.my_assignments(actor, q=q, show=show))
    rows = list(page.object_list)
    residents = selectors.residents_of([a.household_id for a in rows])
    today = timezone.localdate()
    items = [
        {
            "a": a,
            "residents": [
                (r, selectors.vulnerability_labels(r)) for r in residents.get(a.household_id, [])
            ],
            "overdue": rules.is_overdue(a.phone_due_on, a.visit_due_on, today),
            "due": rules.is_due_today(a.phone_due_on, a.visit_due_on, today),
        }
        for a in rows
    ]
    context = {"page": page, "items": items, "q": q, "today": today, "show": show}
    return render(request, "care/mine.html", context)


def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = actor_of(request)
    a = selectors.access_assignment(actor, assignment_id)
    may_log = a.is_active and logs_contact(actor, a)
    may_end = a.is_active and assigns_in(actor, a.community_id)
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    contact_form = ContactForm(post if action == "contact" else None) if may_log else None
    end_form = EndForm(post if action == "end" else None) if may_end else None
    if post is not None:
        if action == "contact" and contact_form is not None:

            def log(d: dict[str, Any]) -> str:
                contact_services.care_contact_log(
                    actor=actor,
                    assignment=a,
                    kind=d["kind"],
                    health=d["health"],
                    outcome=d["outcome"],
                    needs=d["needs"],
                    request_category=d["request_category"],
                    request_urgency=d["request_urgency"] or "normal",
                    request_details=d["request_details"],
                )
                return reverse("care:assignment", args=[a.pk])

            done = run_once(request, contact_form, log, _("Contact recorded."))
            if done:
                return done
        elif action == "end" and end_form is not None:

            def end(d: dict[str, Any]) -> str:
                assignment_services.care_end(
                    actor=actor, assignment=a, reason=d["reason"], note=d["note"]
                )
                return reverse("care:home")

            done = run_once(request, end_form, end, _("Care assignment ended."))
            if done:
                return done
        else:
            raise NotAllowed(_("You may not do this to this assignment."))
    token = once_token()
    for f in (contact_form, end_form):
        if f is not None and not f.is_bound:
            f.initial["once"] = token if f is contact_form else once_token()
    full = names_in_full(actor, a)
    residents = [
        {
            "name": r.person.name if full else mask_name(r.person.name),
            "phone": shown_phone(r.person.phone, full=full),
            "flags": selectors.vulnerability_labels(r),
            "care_note": r.care_note,
        }
        for r in selectors.residents_of([a.household_id]).get(a.household_id, [])
    ]
    today = timezone.localdate()
    context = {
        "a": a,
        "residents": residents,
        "household_phone": shown_phone(a.household.phone, full=full),
        "contacts": list(selectors.assignment_contacts(actor, a)[:50]),
        "contact_form": contact_form,
        "end_form": end_form,
        "overdue": a.is_active and rules.is_overdue(a.phone_due_on, a.visit_due_on, today),
        "history": list(selectors.household_history(actor, a.household_id)[:10]),
        "may_assign": may_end,
    }
    errors = (contact_form is not None and contact_form.errors) or (
        end_form is not None and end_form.errors
    )
    return render(request, "care/assignment.html", context, status=400 if errors else 200)


def carer_leave(request: HttpRequest) -> HttpResponse:
    """A carer leaves the community: all their households go on the handover list."""
    actor = actor_of(request)
    communities = admin_communities(actor)
    if not communities:
        raise NotAllowed(_("Only the community's admin records a carer leaving."))
    raw = request.POST.get("community") or request.GET.get("community") or ""
    community_id = int(raw) if raw.isdigit() and int(raw) in communities else communities[0]
    options = selectors.carers_with_households(actor, community_id)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    form.fields["carer"].choices = [("", _("Choose a carer")), *_carer_choices(options)]  # type: ignore[attr-defined]
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            community = access_place(actor, community_id)
            n = assignment_services.carer_leave(
                actor=actor,
                carer_user_id=int(d["carer"]) if d["carer"] else None,
                community=community,
                note=d["note"],
            )
            messages.info(request, _("%(n)s households to hand over.") % {"n": n})
            return reverse("care:home") + "?show=handover"

        done = run_once(
            request, form, action, _("The carer's households are on the handover list.")
        )
        if done:
            return done
    else:
        form.initial["once"] = once_token()
    context = {"form": form, "community_id": community_id, "communities": communities}
    return render(request, "care/leave.html", context, status=400 if form.errors else 200)
