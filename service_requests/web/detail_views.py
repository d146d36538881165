"""The request page: everything about one request, and a form for each thing the actor may do
(each posts to its own URL under /requests/<request_id>/<action>/ and comes back here)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.disclosure import shown_phone
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_name
from core.once import once_claim, once_release, once_token
from core.time_format import waited
from service_requests import dispatching, escalation, handling, selectors
from service_requests.filing import request_cancel
from service_requests.models import (
    Dispatch,
    DispatchKind,
    DispatchStatus,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from service_requests.policies import confirms_for, handles, is_residents_household
from service_requests.rules import NEXT_LEVEL, REOPEN_WINDOW
from service_requests.web import forms as f
from service_requests.web.views import clock_of

ACTIONS = (
    "accept",
    "note",
    "dispatch_vehicle",
    "dispatch_people",
    "dispatch_supplies",
    "dispatch_cancel",
    "escalate",
    "done",
    "close",
    "confirm",
    "not_solved",
    "reopen",
    "cancel",
)


@dataclass
class Allowed:
    """What the actor may do with this request now (the services check again)."""

    handles: bool
    household: bool
    dispatched: bool
    confirms: bool
    office: bool

    def action(self, name: str, r: ServiceRequest, now: datetime.datetime) -> bool:
        is_open = r.is_open
        if name == "accept":
            return self.handles and r.status == RequestStatus.NEW
        if name == "note":
            return r.status != RequestStatus.CANCELLED and (
                self.handles or self.household or self.dispatched
            )
        if name in ("dispatch_vehicle", "dispatch_people", "dispatch_supplies", "dispatch_cancel"):
            return self.handles and is_open
        if name == "escalate":
            return self.handles and is_open and r.level in NEXT_LEVEL
        if name == "done":
            return self.handles and is_open
        if name == "close":
            return self.handles and r.status == RequestStatus.DONE
        if name in ("confirm", "not_solved"):
            return self.confirms and r.status == RequestStatus.DONE
        if name == "reopen":
            return (
                self.household
                and r.status == RequestStatus.CLOSED
                and r.closed_at is not None
                and now - r.closed_at <= REOPEN_WINDOW
            )
        if name == "cancel":
            return is_open and (self.household or self.handles)
        return False


def _allowed(actor: Actor, r: ServiceRequest) -> Allowed:
    person = r.resident.person
    return Allowed(
        handles=handles(actor, r),
        household=is_residents_household(actor, r),
        dispatched=selectors.is_dispatched(actor, r),
        confirms=confirms_for(actor, r, resident_has_phone=bool(person.phone)),
        office=selectors.is_request_office(actor),
    )


# ---- the resources a form offers ----------------------------------------------------------------


@dataclass
class Resources:
    vehicles: dict[str, Any]
    people: dict[str, Any]
    stocks: dict[str, Any]
    vehicle_days: list[selectors.VehicleDay]


def _resources(actor: Actor, r: ServiceRequest, may_dispatch: bool) -> Resources:
    if not may_dispatch:
        return Resources({}, {}, {}, [])
    vehicles = selectors.dispatch_vehicles(actor, r)
    return Resources(
        vehicles={str(v.pk): v for v in vehicles},
        people={str(u.pk): u for u in selectors.dispatchable_people(actor, r)},
        stocks={str(s.pk): s for s in selectors.dispatch_stocks(actor, r)},
        vehicle_days=selectors.vehicle_days(vehicles),
    )


def _choose(label: str) -> tuple[str, str]:
    return ("", label)


def _choices(field: Any, options: list[tuple[str, str]]) -> None:
    assert isinstance(field, django_forms.ChoiceField)
    field.choices = [_choose(_("Choose…")), *options]


def _form(name: str, data: Any, res: Resources, r: ServiceRequest, allowed: Allowed) -> Any:
    """The form of one action, bound to `data` (a POST) or fresh with a one-time token."""
    initial: dict[str, Any] = {"once": once_token()}
    prefix = name
    if name == "accept":
        return f.AcceptForm(data, initial=initial, prefix=prefix)
    if name == "note":
        form: Any = f.NoteForm(data, initial={**initial, "public": True}, prefix=prefix)
        if not allowed.handles:
            del form.fields["public"]  # a resident's or helper's note is public
        return form
    if name == "dispatch_vehicle":
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial.update({"slot_start": now, "slot_end": now + datetime.timedelta(hours=2)})
        form = f.VehicleDispatchForm(data, initial=initial, prefix=prefix)
        _choices(
            form.fields["vehicle"],
            [
                (
                    key,
                    _("%(name)s · %(seats)s seats · %(place)s")
                    % {"name": v.name, "seats": v.seats, "place": v.place.name},
                )
                for key, v in res.vehicles.items()
            ],
        )
        return form
    if name == "dispatch_people":
        form = f.PeopleDispatchForm(data, initial=initial, prefix=prefix)
        _choices(
            form.fields["person"],
            [(key, u.display_name or u.username) for key, u in res.people.items()],
        )
        return form
    if name == "dispatch_supplies":
        form = f.SuppliesDispatchForm(data, initial=initial, prefix=prefix)
        _choices(
            form.fields["stock"],
            [
                (
                    key,
                    _("%(item)s · %(left)s %(unit)s left")
                    % {"item": s.item.name, "left": s.quantity, "unit": s.item.unit},
                )
                for key, s in res.stocks.items()
            ],
        )
        return form
    if name == "dispatch_cancel":
        return f.DispatchCancelForm(data, initial=initial, prefix=prefix)
    if name == "escalate":
        return f.EscalateForm(data, initial=initial, prefix=prefix)
    if name == "done":
        return f.DoneForm(data, initial=initial, prefix=prefix)
    if name == "close":
        return f.CloseForm(data, initial=initial, prefix=prefix)
    if name == "confirm":
        return f.ConfirmForm(data, initial={**initial, "rating": "5"}, prefix=prefix)
    if name == "reopen":
        return f.ReopenForm(data, initial=initial, prefix=prefix)
    if name == "not_solved":
        return f.NotSolvedForm(data, initial=initial, prefix=prefix)
    return f.CancelForm(data, initial=initial, prefix=prefix)


# ---- the page -----------------------------------------------------------------------------------


@dataclass
class TimelineRow:
    event: RequestEvent
    label: str
    by: str


@dataclass
class DispatchRow:
    dispatch: Dispatch
    what: str
    active: bool
    cancel_form: Any


def _dispatch_rows(
    actor: Actor, r: ServiceRequest, may_cancel: bool, named: bool
) -> list[DispatchRow]:
    rows = []
    for d in selectors.request_dispatches(actor, r):
        if d.kind == DispatchKind.VEHICLE and d.vehicle is not None:
            start, end = timezone.localtime(d.slot_start), timezone.localtime(d.slot_end)
            what = _("%(vehicle)s, %(day)s %(start)s–%(end)s") % {
                "vehicle": d.vehicle.name,
                "day": start.strftime("%m-%d"),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
            }
            driver = d.driver_name or d.vehicle.driver_name
            if driver:
                what += " · " + _("driver %(name)s") % {"name": driver}
        elif d.kind == DispatchKind.PEOPLE and d.person is not None:
            what = d.person.display_name or d.person.username
        elif d.movement is not None:
            item = d.movement.stock.item
            what = f"{item.name} × {abs(d.movement.delta)} {item.unit}"
        else:
            what = d.get_kind_display()
        active = d.status == DispatchStatus.ACTIVE
        form = None
        if may_cancel and active:
            form = f.DispatchCancelForm(
                initial={"once": once_token(), "dispatch": d.pk},
                prefix="dispatch_cancel",
                auto_id=f"dc{d.pk}_%s",
            )
        rows.append(DispatchRow(d, what, active, form))
    return rows


def _render(
    request: HttpRequest,
    actor: Actor,
    r: ServiceRequest,
    bound: tuple[str, Any] | None = None,
) -> HttpResponse:
    now = timezone.now()
    allowed = _allowed(actor, r)
    may = {name: allowed.action(name, r, now) for name in ACTIONS}
    res = _resources(actor, r, may["dispatch_vehicle"])
    forms: dict[str, Any] = {
        name: _form(name, None, res, r, allowed) if may[name] else None for name in ACTIONS
    }
    forms["dispatch_cancel"] = None
    if bound is not None:
        forms[bound[0]] = bound[1]
    named = selectors.names_resident(actor, r)
    person = r.resident.person
    public_only = not allowed.office and not allowed.handles and not allowed.dispatched
    events = list(selectors.request_timeline(actor, r))
    if public_only:
        events = [e for e in events if e.public]
    timeline = [
        TimelineRow(
            event=e,
            label=e.get_kind_display(),
            by=(str(e.by) if e.by_id else _("System")) if not public_only else "",
        )
        for e in events
    ]
    dispatch_rows = _dispatch_rows(actor, r, may["dispatch_cancel"], named)
    bound_cancel = bound[1] if bound and bound[0] == "dispatch_cancel" else None
    context = {
        "r": r,
        "name": person.name if named else mask_name(person.name),
        "phone": shown_phone(person.phone, full=named),
        "household_phone": shown_phone(r.household.phone, full=named),
        "named": named,
        "clock": clock_of(r, now),
        "waited": waited(r.created_at, r.closed_at or now),
        "respond_left": _left(r.respond_due_at, r.responded_at, now),
        "done_left": _left(r.done_due_at, r.done_at, now),
        "escalations": list(selectors.request_escalations(actor, r)) if allowed.office else [],
        "dispatches": dispatch_rows,
        "timeline": timeline,
        "forms": forms,
        "bound_cancel": bound_cancel,
        "allowed": allowed,
        "vehicle_days": res.vehicle_days,
        "public_only": public_only,
        "may_any": any(forms.values()) or any(d.cancel_form for d in dispatch_rows),
    }
    status = 400 if bound is not None else 200
    return render(request, "service_requests/detail.html", context, status=status)


@dataclass
class Left:
    text: str
    late: bool
    stopped: bool


def _left(
    due: datetime.datetime, stopped_at: datetime.datetime | None, now: datetime.datetime
) -> Left:
    if stopped_at is not None:
        late = stopped_at > due
        return Left(_("stopped, late") if late else _("stopped in time"), late, True)
    if due < now:
        return Left(_("overdue by %(time)s") % {"time": waited(due, now)}, True, False)
    return Left(_("%(time)s left") % {"time": waited(now, due)}, False, False)


def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    r = selectors.access_request(actor, request_id)
    return _render(request, actor, r)


# ---- the actions --------------------------------------------------------------------------------


def _run(
    actor: Actor, r: ServiceRequest, name: str, d: dict[str, Any], res: Resources, post: Any
) -> None:
    if name == "accept":
        handling.request_accept(actor=actor, request=r, note=d["note"])
    elif name == "note":
        public = bool(d.get("public")) if "public" in d else True
        handling.request_note(actor=actor, request=r, text=d["text"], public=public)
    elif name == "dispatch_vehicle":
        vehicle = res.vehicles.get(d["vehicle"])
        if vehicle is None:
            raise field_error("vehicle", _("Choose a vehicle."), CoreError.REQUIRED)
        dispatching.dispatch_vehicle(
            actor=actor,
            request=r,
            vehicle=vehicle,
            slot_start=d["slot_start"],
            slot_end=d["slot_end"],
            driver_name=d["driver_name"],
            note=d["note"],
        )
    elif name == "dispatch_people":
        if d["person"] not in res.people:
            raise field_error("person", _("Choose a person."), CoreError.REQUIRED)
        dispatching.dispatch_people(
            actor=actor, request=r, person_user_id=int(d["person"]), note=d["note"]
        )
    elif name == "dispatch_supplies":
        stock = res.stocks.get(d["stock"])
        if stock is None:
            raise field_error("stock", _("Choose the supplies."), CoreError.REQUIRED)
        dispatching.dispatch_supplies(
            actor=actor, request=r, stock=stock, quantity=d["quantity"], note=d["note"]
        )
    elif name == "dispatch_cancel":
        dispatch = next(
            (
                x
                for x in selectors.request_dispatches(actor, r)
                if x.pk == d["dispatch"] and x.status == DispatchStatus.ACTIVE
            ),
            None,
        )
        if dispatch is None:
            raise field_error(
                "dispatch", _("This dispatch is no longer active."), CoreError.INVALID
            )
        dispatching.dispatch_cancel(actor=actor, dispatch=dispatch, reason=d["reason"])
    elif name == "escalate":
        escalation.request_escalate(actor=actor, request=r, reason=d["reason"])
    elif name == "done":
        handling.request_done(actor=actor, request=r, note=d["note"])
    elif name == "close":
        handling.request_close(actor=actor, request=r, note=d["note"])
    elif name == "confirm":
        handling.request_confirm(actor=actor, request=r, rating=d["rating"], comment=d["comment"])
    elif name == "not_solved":
        handling.request_not_solved(actor=actor, request=r, note=d["note"])
    elif name == "reopen":
        handling.request_reopen(actor=actor, request=r, reason=d["reason"])
    elif name == "cancel":
        request_cancel(actor=actor, request=r, reason=d["reason"])


DONE_MESSAGES: dict[str, Callable[[], str]] = {
    "accept": lambda: _("Accepted: the resident sees it is being handled."),
    "note": lambda: _("Note added."),
    "dispatch_vehicle": lambda: _("Vehicle booked."),
    "dispatch_people": lambda: _("Person dispatched."),
    "dispatch_supplies": lambda: _("Supplies sent."),
    "dispatch_cancel": lambda: _("Dispatch cancelled."),
    "escalate": lambda: _("Passed up for coordination."),
    "done": lambda: _("Marked done: waiting for the resident's confirmation."),
    "close": lambda: _("Closed without confirmation."),
    "confirm": lambda: _("Thank you: the request is closed."),
    "not_solved": lambda: _("Reopened: the community will handle it again."),
    "reopen": lambda: _("Reopened: the community will handle it again."),
    "cancel": lambda: _("Request cancelled."),
}


def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    r = selectors.access_request(actor, request_id)
    url = reverse("requests:detail", args=[r.pk])
    if request.method != "POST":
        return redirect(url)
    allowed = _allowed(actor, r)
    if action not in ACTIONS or not allowed.action(action, r, timezone.now()):
        # A form sent twice after it acted (the request moved on) lands back on the page.
        token = request.POST.get(f"{action}-once", "")
        if token:
            already = once_claim(actor, token)
            if already is not None:
                messages.info(request, _("This form was already sent; it was saved once."))
                return redirect(already or url)
            once_release(actor, token)
        raise NotAllowed(_("You may not do this to this request now."))
    res = _resources(actor, r, action.startswith("dispatch_"))
    form = _form(action, request.POST, res, r, allowed)

    def handle(d: dict[str, Any]) -> str:
        _run(actor, r, action, d, res, request.POST)
        return url

    aliases = {"person_user_id": "person", "slot_start": "slot_start", "text": "text"}
    # The token field of a prefixed form is "<action>-once"; run_once reads "once".
    post = request.POST.copy()
    post["once"] = request.POST.get(f"{action}-once", "")
    request.POST = post  # type: ignore[assignment]
    done = run_once(request, form, handle, DONE_MESSAGES[action](), aliases=aliases)
    if done:
        return done
    r = selectors.access_request(actor, request_id)
    return _render(request, actor, r, bound=(action, form))


def _action_view(action: str) -> Callable[[HttpRequest, int], HttpResponse]:
    def view(request: HttpRequest, request_id: int) -> HttpResponse:
        return request_action(request, request_id, action)

    view.__name__ = f"request_{action}"
    return view


action_views = {name: _action_view(name) for name in ACTIONS}
