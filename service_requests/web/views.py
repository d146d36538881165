"""Request pages: the office's list, the resident's (or helper's) own requests, filing a request
and the street's coordination queue. Each view parses, calls the selectors and one service, and
renders; who may do what is decided in service_requests/ (the services check the policies)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_name
from core.once import once_token
from core.pagination import paginate, search_term
from core.roles import Role
from core.time_format import waited
from people.models import Resident
from people.selectors import LIVING, access_resident, resident_list
from service_requests import selectors
from service_requests.filing import request_file
from service_requests.models import (
    OPEN_STATUSES,
    Level,
    RequestCategory,
    ServiceRequest,
    Urgency,
)
from service_requests.policies import FILE_ROLES, may
from service_requests.web.forms import RequestFileForm


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


# ---- the clocks ---------------------------------------------------------------------------------


@dataclass
class Clock:
    label: str
    late: bool
    stopped: bool


def clock_of(r: ServiceRequest, now: datetime.datetime) -> Clock:
    """The clock that runs now: respond by, then done by; red once it ran out."""
    if r.status not in OPEN_STATUSES:
        return Clock("", late=False, stopped=True)
    if r.responded_at is None and r.respond_due_at < now:
        return Clock(
            _("Response overdue by %(time)s") % {"time": waited(r.respond_due_at, now)}, True, False
        )
    if r.done_at is None and r.done_due_at < now:
        return Clock(_("Overdue by %(time)s") % {"time": waited(r.done_due_at, now)}, True, False)
    if r.responded_at is None:
        return Clock(
            _("Respond within %(time)s") % {"time": waited(now, r.respond_due_at)}, False, False
        )
    return Clock(_("Done within %(time)s") % {"time": waited(now, r.done_due_at)}, False, False)


@dataclass
class Row:
    request: ServiceRequest
    name: str
    waited: str
    clock: Clock


def _row(r: ServiceRequest, now: datetime.datetime, named: bool = False) -> Row:
    name = r.resident.person.name
    return Row(
        request=r,
        name=name if named else mask_name(name),
        waited=waited(r.created_at, r.closed_at or now),
        clock=clock_of(r, now),
    )


# ---- the office's list --------------------------------------------------------------------------

STATUS_TABS = ("open", "done", "closed", "all")


def request_list(request: HttpRequest) -> HttpResponse:
    """/requests/: the office's list (a resident or helper goes to their own requests)."""
    actor = actor_of(request)
    if not selectors.is_request_office(actor):
        return redirect("requests:mine")
    q = search_term(request)
    status = request.GET.get("status", "open")
    if status not in STATUS_TABS:
        status = "open"
    category = request.GET.get("category", "")
    if category not in RequestCategory.values:
        category = ""
    level = request.GET.get("level", "")
    if level not in Level.values:
        level = ""
    overdue = request.GET.get("overdue") == "1"
    escalated = request.GET.get("escalated") == "1"
    now = timezone.now()
    filters: dict[str, Any] = {
        "q": q,
        "category": category,
        "level": level,
        "overdue": overdue,
        "escalated": escalated,
        "now": now,
    }
    counts = selectors.status_counts(selectors.request_list(actor, **filters))
    rows_qs = selectors.request_list(actor, status="" if status == "all" else status, **filters)
    page = paginate(request, rows_qs)
    rows = [_row(r, now) for r in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "q": q,
        "status": status,
        "category": category,
        "level": level,
        "overdue": overdue,
        "escalated": escalated,
        "tabs": [
            ("open", pgettext("request status", "Open"), counts["open"]),
            ("done", _("Waiting for confirmation"), counts["done"]),
            ("closed", _("Closed"), counts["closed"]),
            ("all", _("All"), counts["all"]),
        ],
        "categories": RequestCategory.choices,
        "levels": Level.choices,
        "found": page.paginator.count,
        "may_file": may(actor, FILE_ROLES),
        "is_street": actor.is_superuser or actor.has_role(Role.STREET_ADMIN),
    }
    return render(request, "service_requests/list.html", context)


# ---- the resident's (or helper's) own requests --------------------------------------------------


def request_mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    now = timezone.now()
    page = paginate(request, selectors.my_requests(actor), per_page=20)
    items = list(page.object_list)
    notes = selectors.public_notes(items)
    rows = [
        (_row(r, now, named=selectors.names_resident(actor, r)), notes.get(r.pk, [])) for r in items
    ]
    context = {
        "page": page,
        "rows": rows,
        "may_file": bool(actor.grants_for(Role.RESIDENT)) or may(actor, FILE_ROLES),
        "is_resident": bool(actor.grants_for(Role.RESIDENT)),
    }
    return render(request, "service_requests/mine.html", context)


# ---- filing -------------------------------------------------------------------------------------


def _household_members(actor: Actor) -> list[Resident]:
    household_ids = [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
    if not household_ids:
        return []
    return [
        r
        for household_id in household_ids
        for r in resident_list(actor, household_id=household_id, status=LIVING)
    ]


def request_new(request: HttpRequest) -> HttpResponse:
    """A resident files for a member of their household; staff find the resident first."""
    actor = actor_of(request)
    members = _household_members(actor)
    is_staff = may(actor, FILE_ROLES)
    if not members and not is_staff:
        raise NotAllowed(_("Only residents, grid workers and community offices file requests."))
    q = search_term(request)
    resident: Resident | None = None
    if not members:
        resident_id = _int(request.GET.get("resident"))
        resident = access_resident(actor, resident_id) if resident_id else None
    found = (
        list(resident_list(actor, q=q, status=LIVING).select_related("building", "household")[:20])
        if is_staff and not members and q and not resident
        else []
    )
    choices = [(str(m.pk), m.person.name) for m in members]
    form = RequestFileForm(request.POST if request.method == "POST" else None, members=choices)
    if request.method == "POST":
        if not members and resident is None:
            raise Http404

        def handle(d: dict[str, Any]) -> str:
            who = resident
            if members:
                who = next(m for m in members if str(m.pk) == d["member"])
            assert who is not None
            filed = request_file(
                actor=actor,
                resident=who,
                category=d["category"],
                details=d["details"],
                urgency=d["urgency"],
                needed_by=d["needed_by"],
            )
            messages.success(request, _("Request #%(id)s filed.") % {"id": filed.pk})
            return reverse("requests:detail", args=[filed.pk])

        done = run_once(request, form, handle, "", aliases={"resident": "member"})
        if done:
            return done
    else:
        form.initial.update({"once": once_token(), "urgency": Urgency.NORMAL})
        if len(members) == 1:
            form.initial["member"] = str(members[0].pk)
    context = {
        "q": q,
        "found": found,
        "resident": resident,
        "members": members,
        "is_staff": is_staff and not members,
        "form": form,
    }
    return render(request, "service_requests/new.html", context, status=400 if form.errors else 200)


# ---- the street's coordination queue ------------------------------------------------------------


@dataclass
class StreetRow:
    request: ServiceRequest
    name: str
    waited: str
    late: bool
    reason: str
    why: str


STREET_LATE_AFTER = datetime.timedelta(hours=1)


def street_queue(request: HttpRequest) -> HttpResponse:
    """/requests/street/: requests escalated to the street, oldest escalation first."""
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(Role.STREET_ADMIN)):
        raise NotAllowed(_("Only street offices coordinate escalated requests."))
    communities = selectors.street_communities(actor)
    community_id = _int(request.GET.get("community"))
    if community_id not in {c.pk for c in communities}:
        community_id = None
    now = timezone.now()
    page = paginate(request, selectors.street_queue(actor, community_id=community_id))
    items = list(page.object_list)
    escalations = selectors.last_escalations(items)
    rows = []
    for r in items:
        e = escalations.get(r.pk)
        since = r.escalated_at or r.created_at
        rows.append(
            StreetRow(
                request=r,
                name=mask_name(r.resident.person.name),
                waited=waited(since, now),
                late=now - since >= STREET_LATE_AFTER,
                reason=e.reason if e else "",
                why=e.get_kind_display() if e else "",
            )
        )
    context = {
        "page": page,
        "rows": rows,
        "communities": communities,
        "community_id": community_id,
        "found": page.paginator.count,
    }
    return render(request, "service_requests/street.html", context)
