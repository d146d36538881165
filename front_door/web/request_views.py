"""/join-requests/: the join requests of the actor's area (the grid worker's grids, the
community's and street's offices), and one request with Confirm (add the person to the registry,
then their account) and Refuse (with a reason)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_phone
from core.once import once_token
from core.pagination import paginate, search_term
from front_door import answering, selectors
from front_door.models import JoinRequestStatus
from front_door.policies import may_answer_join_requests
from front_door.web.forms import ConfirmForm, OnceForm, RefuseForm
from people.selectors import building_households


def request_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not may_answer_join_requests(actor):
        raise NotAllowed(_("Only grid workers and the community's offices read join requests."))
    q = search_term(request)
    status = request.GET.get("status", "")
    if status not in JoinRequestStatus.values:
        status = ""
    page = paginate(request, selectors.join_requests(actor, q=q, status=status))
    context = {
        "q": q,
        "status": status,
        "statuses": JoinRequestStatus.choices,
        "page": page,
    }
    return render(request, "front_door/request_list.html", context)


def request_detail(request: HttpRequest, join_request_id: int) -> HttpResponse:
    actor = actor_of(request)
    row = selectors.access_join_request(actor, join_request_id)
    pending = row.status == JoinRequestStatus.PENDING
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    confirm_form = ConfirmForm(post if action == "confirm" else None) if pending else None
    refuse_form = RefuseForm(post if action == "refuse" else None) if pending else None
    households = list(building_households(actor, row.building)) if pending else []
    if confirm_form is not None:
        confirm_form.fields["household"].choices = [  # type: ignore[attr-defined]
            ("", _("A new room (below)")),
            *[(str(h.pk), h.room) for h in households],
        ]
        if post is None:
            match = next((h for h in households if h.room == row.room), None)
            confirm_form.initial.update(
                {
                    "name": row.name,
                    "household": str(match.pk) if match else "",
                    "room": "" if match else row.room,
                    "once": once_token(),
                }
            )
    if refuse_form is not None and post is None:
        refuse_form.initial["once"] = once_token()
    here = reverse("front_door:join_request", args=[row.pk])
    if post is not None:
        if not pending:
            # The answer sent twice is answered once (the first sending's page again).

            def answered(_d: dict[str, Any]) -> str:
                raise NotAllowed(_("This join request was already answered."))

            done = run_once(request, OnceForm(post), answered, "")
            if done:
                return done

        def confirm(d: dict[str, Any]) -> str:
            answering.join_request_confirm(
                actor=actor,
                join_request=row,
                data=answering.Confirmation(
                    household_id=int(d["household"]) if d.get("household") else None,
                    room=d.get("room", ""),
                    name=d["name"],
                    id_number=d["id_number"],
                    relation=d["relation"],
                ),
            )
            return here

        def refuse(d: dict[str, Any]) -> str:
            answering.join_request_refuse(actor=actor, join_request=row, reason=d["reason"])
            return here

        if action == "confirm" and confirm_form is not None:
            done = run_once(
                request,
                confirm_form,
                confirm,
                _("Confirmed: the person is in the registry and has an account."),
            )
        elif action == "refuse" and refuse_form is not None:
            done = run_once(request, refuse_form, refuse, _("Join request refused."))
        else:
            raise NotAllowed(_("Unknown action."))
        if done:
            return done
    context = {
        "row": row,
        "phone": mask_phone(row.phone),
        "pending": pending,
        "confirm_form": confirm_form,
        "refuse_form": refuse_form,
    }
    bad = (confirm_form is not None and confirm_form.errors) or (
        refuse_form is not None and refuse_form.errors
    )
    return render(request, "front_door/request_detail.html", context, status=400 if bad else 200)
