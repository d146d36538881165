"""The roster pages (M7, M13): the community admin's day/week roster with gaps and health flags,
who is on duty now, one shift (assign, take off, cancel), planning a post's shifts, and a
worker's own duty on the phone with check-in and check-out. Views parse, call selectors and one
service, and render; the services check who may do what."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.actor import Actor
from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.once import once_token
from mobilisation import roster as services
from mobilisation import roster_selectors as selectors
from mobilisation.duty_querysets import worker_community_paths
from mobilisation.models import Shift
from mobilisation.policies import manages
from mobilisation.post_selectors import access_post, my_posts, my_zones
from mobilisation.web.post_forms import ConfirmForm
from mobilisation.web.post_views import go_to, managed_community
from mobilisation.web.roster_forms import AssignForm, CancelForm, PlanForm, RemoveForm, ShiftForm
from places.models import Place


def _health_reason(blocked: bool) -> str:
    return _("reported unwell") if blocked else ""


def _day(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class AssignOptions:
    """The assign forms' choices for the shifts of a page, by the shift's day (two queries)."""

    def __init__(self, community: Place, shifts: list[Shift]) -> None:
        days = sorted({services.local(s.starts_at).date() for s in shifts})
        self._by_day = {
            day: [(str(o.user_id), o.label, _health_reason(o.blocked)) for o in options]
            for day, options in selectors.assign_options(community, days).items()
        }

    def choices(self, shift: Shift, on: frozenset[int] = frozenset()) -> list[tuple[str, str, str]]:
        """(value, label, why not) for one shift; the people already on it (`on`) left out."""
        day = services.local(shift.starts_at).date()
        return [c for c in self._by_day.get(day, []) if int(c[0]) not in on]

    def form(self, shift: Shift, data: Any = None) -> AssignForm:
        form = AssignForm(data)
        form.set_choices(self.choices(shift))
        if data is None:
            form.initial["once"] = once_token()
        return form


def roster(request: HttpRequest) -> HttpResponse:
    """/duty/roster/: the community's shifts of a day (or week) with gaps and health flags."""
    actor = actor_of(request)
    community = managed_community(request, actor)
    day = _day(request)
    week = request.GET.get("view") == "week"
    rows = selectors.roster(actor, community.pk, day, days=7 if week else 1)
    options = AssignOptions(community, [r.shift for r in rows])
    step = datetime.timedelta(days=7 if week else 1)
    context = {
        "community": community,
        "day": day,
        "week": week,
        "days": [day + datetime.timedelta(days=i) for i in range(7 if week else 1)],
        "prev": day - step,
        "next": day + step,
        "today": timezone.localdate(),
        "rows": [
            (r, options.choices(r.shift, on=frozenset(p.assignment.user_id for p in r.people)))
            for r in rows
        ],
        "gaps": sum(1 for r in rows if r.gap),
        "flagged": sum(r.flagged for r in rows),
        "here": request.get_full_path(),
        "token": once_token,
    }
    return render(request, "mobilisation/roster_day.html", context)


def on_duty(request: HttpRequest) -> HttpResponse:
    """/duty/roster/now/: shifts covering now, per post, checked in or not yet."""
    actor = actor_of(request)
    community = managed_community(request, actor)
    rows = selectors.on_duty_now(actor, community.pk)
    context = {"community": community, "rows": rows, "now": timezone.now()}
    return render(request, "mobilisation/roster_now.html", context)


def shift_detail(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = actor_of(request)
    shift = selectors.access_shift(actor, shift_id)
    may_manage = shift.cancelled_at is None and manages(actor, shift.community_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    here = reverse("duty:shift", args=[shift.pk])
    options = AssignOptions(shift.community, [shift])
    assign_form = options.form(shift, request.POST if action == "assign" else None)
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    remove_form = RemoveForm(request.POST if action == "unassign" else None)
    if action:
        if not may_manage:
            raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
        back = _next_url(request, here)
        if action == "assign":
            done = run_once(
                request,
                assign_form,
                lambda d: go_to(
                    back, services.shift_assign(actor=actor, shift=shift, user_id=d["user"])
                ),
                _("Put on the shift."),
            )
        elif action == "unassign":

            def unassign(d: dict[str, Any]) -> str:
                assignment = selectors.access_shift_assignment(actor, d["assignment"])
                if assignment.shift_id != shift.pk:
                    raise NotAllowed(_("You may not do this."))
                services.shift_unassign(actor=actor, assignment=assignment, note=d["note"])
                return back

            done = run_once(request, remove_form, unassign, _("Taken off the shift."))
        elif action == "cancel":
            done = run_once(
                request,
                cancel_form,
                lambda d: go_to(
                    reverse("duty:roster"),
                    services.shift_cancel(actor=actor, shift=shift, note=d["note"]),
                ),
                _("Shift cancelled."),
            )
        else:
            raise NotAllowed(_("You may not do this."))
        if done:
            return done
    if not cancel_form.is_bound:
        cancel_form.initial["once"] = once_token()
    errors = assign_form.errors or cancel_form.errors or remove_form.errors
    context = {
        "shift": shift,
        "post": shift.post,
        "label": services.shift_label(shift.starts_at, shift.ends_at),
        "people": selectors.shift_people(shift),
        "may_manage": may_manage and shift.ends_at > timezone.now(),
        "assign_form": assign_form,
        "cancel_form": cancel_form,
        "remove_errors": field_errors_of(remove_form),
        "token": once_token,
    }
    return render(request, "mobilisation/shift_detail.html", context, status=400 if errors else 200)


def shift_plan(request: HttpRequest, post_id: int) -> HttpResponse:
    """Plan a post's shifts by a pattern of times for some days, or add one shift."""
    actor = actor_of(request)
    post = access_post(actor, post_id)
    if post.closed_at is not None or not manages(actor, post.community_id):
        raise NotAllowed(_("Only the community's admin sets up posts, zones and shifts."))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    plan_form = PlanForm(request.POST if action == "plan" else None)
    one_form = ShiftForm(request.POST if action == "one" else None)
    back = reverse("duty:post", args=[post.pk])
    if action == "plan":

        def plan(d: dict[str, Any]) -> str:
            made = services.shifts_plan(
                actor=actor,
                post=post,
                first_day=d["first_day"],
                days=d["days"],
                pattern=d["pattern"],
            )
            messages.info(request, _("%(n)s shifts made.") % {"n": len(made)})
            return back

        done = run_once(request, plan_form, plan, "")
        if done:
            return done
    elif action == "one":
        done = run_once(
            request,
            one_form,
            lambda d: go_to(
                back,
                services.shift_create(
                    actor=actor,
                    post=post,
                    starts_at=d["starts_at"],
                    ends_at=d["ends_at"],
                    needed=d["needed"],
                    note=d["note"],
                ),
            ),
            _("Shift added."),
        )
        if done:
            return done
    elif action:
        raise NotAllowed(_("You may not do this."))
    for f in (plan_form, one_form):
        if not f.is_bound:
            f.initial["once"] = once_token()
    plan_form.initial.setdefault("first_day", timezone.localdate())
    context = {"post": post, "plan_form": plan_form, "one_form": one_form}
    errors = plan_form.errors or one_form.errors
    return render(request, "mobilisation/shift_plan.html", context, status=400 if errors else 200)


def _worker(actor: Actor) -> None:
    if not (actor.is_superuser or worker_community_paths(actor)):
        raise NotAllowed(_("This page is for community workers."))


def mine(request: HttpRequest) -> HttpResponse:
    """/duty/mine/: my posts and zones, my shifts today and next with check-in and check-out."""
    actor = actor_of(request)
    _worker(actor)
    now = timezone.now()
    shifts = selectors.my_shifts(actor, now)
    items = [
        {
            "a": a,
            "label": services.shift_label(a.starts_at, a.ends_at),
            "opens": a.starts_at - services.CHECK_IN_EARLY,
            "may_check_in": a.checked_in_at is None
            and a.starts_at - services.CHECK_IN_EARLY <= now < a.ends_at,
            "may_check_out": a.checked_in_at is not None and a.checked_out_at is None,
            "now": a.starts_at <= now < a.ends_at,
        }
        for a in shifts
    ]
    context = {
        "posts": my_posts(actor),
        "zones": my_zones(actor),
        "items": items,
        "token": once_token,
    }
    return render(request, "mobilisation/mine.html", context)


def _check(request: HttpRequest, shift_assignment_id: int, out: bool) -> HttpResponse:
    actor = actor_of(request)
    assignment = selectors.access_shift_assignment(actor, shift_assignment_id)
    if actor.user_id != assignment.user_id:
        raise NotAllowed(_("Only the person on the shift checks in and out."))
    if request.method != "POST":
        return redirect("duty:mine")
    service = services.shift_check_out if out else services.shift_check_in
    form = ConfirmForm(request.POST)
    done = run_once(
        request,
        form,
        lambda d: go_to(reverse("duty:mine"), service(actor=actor, assignment=assignment)),
        _("Checked out.") if out else _("Checked in."),
    )
    if done:
        return done
    for e in field_errors_of(form):
        messages.error(request, e)
    return redirect("duty:mine")


def field_errors_of(form: Any) -> list[str]:
    return [str(m) for msgs in form.errors.values() for m in msgs]


def check_in(request: HttpRequest, shift_assignment_id: int) -> HttpResponse:
    return _check(request, shift_assignment_id, out=False)


def check_out(request: HttpRequest, shift_assignment_id: int) -> HttpResponse:
    return _check(request, shift_assignment_id, out=True)
