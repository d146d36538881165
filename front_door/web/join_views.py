"""The public join pages, phone first: /join/<token>/ (the building, a mobile number), the text
code, who you are; then the health report, or the status of a join request. The verified number
is kept in the session, never in the page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.services import request_ip
from core.forms import add_service_errors, run_once
from core.once import once_token
from front_door import joining
from front_door.models import JoinCode, JoinRequestStatus
from front_door.web.forms import CodeForm, DetailsForm, PhoneForm
from notifications.codes import code_check, code_send
from notifications.models import CodePurpose

BACKEND = "accounts.backends.CachedModelBackend"
SESSION_KEY = "front_door_join"


def _bad_code(request: HttpRequest, error: ValidationError) -> HttpResponse:
    e = error.error_dict["token"][0]
    context = {"message": e.message, "code": e.code}
    return render(request, "front_door/join_bad.html", context, status=404)


def _state(request: HttpRequest, token: str) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY)
    if isinstance(state, dict) and state.get("token") == token:
        return state
    return {}


def _verified_phone(request: HttpRequest, token: str) -> str:
    state = _state(request, token)
    return str(state.get("phone", "")) if state.get("verified") else ""


def _page(code: JoinCode) -> dict[str, Any]:
    community = code.community
    return {
        "code": code,
        "place_name": code.place.name,
        "community_name": community.name if code.place_id != community.pk else "",
    }


def _log_in(request: HttpRequest, user: Any) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    login(request, user, backend=BACKEND)
    return redirect("health:report")


@login_not_required
def join_start(request: HttpRequest, join_token: str) -> HttpResponse:
    """/join/<token>/: the building's name and a mobile number to send the code to."""
    try:
        code = joining.join_code_open(join_token)
    except ValidationError as e:
        return _bad_code(request, e)
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            number = code_send(
                phone=form.cleaned_data["phone"],
                purpose=CodePurpose.JOIN,
                address=request_ip(request),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            request.session[SESSION_KEY] = {"token": join_token, "phone": number, "verified": False}
            return redirect("front_door:join_code", join_token=join_token)
    context = {**_page(code), "form": form, "token": join_token}
    return render(
        request, "front_door/join_start.html", context, status=400 if form.errors else 200
    )


@login_not_required
def join_code(request: HttpRequest, join_token: str) -> HttpResponse:
    """The 6-digit code from the text message."""
    try:
        code = joining.join_code_open(join_token)
    except ValidationError as e:
        return _bad_code(request, e)
    state = _state(request, join_token)
    if not state.get("phone"):
        return redirect("front_door:join", join_token=join_token)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            number = code_check(
                phone=state["phone"], purpose=CodePurpose.JOIN, code=form.cleaned_data["code"]
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = {"token": join_token, "phone": number, "verified": True}
            if joining.join_request_latest(code=code, phone=number) is not None:
                return redirect("front_door:join_status", join_token=join_token)
            return redirect("front_door:join_details", join_token=join_token)
    context = {
        **_page(code),
        "form": form,
        "token": join_token,
        "phone_tail": str(state["phone"])[-4:],
    }
    return render(request, "front_door/join_code.html", context, status=400 if form.errors else 200)


@login_not_required
def join_details(request: HttpRequest, join_token: str) -> HttpResponse:
    """Who you are: name and the last 6 characters of the ID number (and the building, for a
    community's code); the room and a note in case the registry does not have you yet."""
    try:
        code = joining.join_code_open(join_token)
    except ValidationError as e:
        return _bad_code(request, e)
    phone = _verified_phone(request, join_token)
    if not phone:
        return redirect("front_door:join", join_token=join_token)
    latest = joining.join_request_latest(code=code, phone=phone)
    if latest is not None and latest.status != JoinRequestStatus.REFUSED:
        return redirect("front_door:join_status", join_token=join_token)
    form = DetailsForm(request.POST if request.method == "POST" else None)
    buildings = joining.join_buildings(code)
    building_field = form.fields["building"]
    if len(buildings) == 1 and buildings[0].pk == code.place_id:
        del form.fields["building"]
    else:
        building_field.choices = [  # type: ignore[attr-defined]
            ("", _("Choose your building")),
            *[(str(b.pk), b.name) for b in buildings],
        ]
    outcome: dict[str, Any] = {}
    if request.method == "POST":

        def action(d: dict[str, Any]) -> str:
            result = joining.join_submit(
                token=join_token,
                phone=phone,
                name=d["name"],
                id_last6=d["id_last6"],
                building_id=d.get("building"),
                room=d.get("room", ""),
                note=d.get("note", ""),
            )
            outcome["user"] = result.user
            return reverse("front_door:join_status", kwargs={"join_token": join_token})

        done = run_once(request, form, action, "")
        if done:
            if outcome.get("user") is not None:
                return _log_in(request, outcome["user"])
            return done
    else:
        form.initial["once"] = once_token()
    context = {**_page(code), "form": form, "token": join_token, "refused": latest}
    return render(
        request, "front_door/join_details.html", context, status=400 if form.errors else 200
    )


@login_not_required
def join_status(request: HttpRequest, join_token: str) -> HttpResponse:
    """The person's join request: waiting, refused (with the reason; they may ask again), or
    confirmed (then they are logged in)."""
    try:
        code = joining.join_code_open(join_token)
    except ValidationError as e:
        return _bad_code(request, e)
    phone = _verified_phone(request, join_token)
    if not phone:
        return redirect("front_door:join", join_token=join_token)
    latest = joining.join_request_latest(code=code, phone=phone)
    if latest is None:
        return redirect("front_door:join_details", join_token=join_token)
    user = latest.user
    if latest.status == JoinRequestStatus.CONFIRMED and user is not None and user.is_active:
        return _log_in(request, user)
    context = {**_page(code), "request_row": latest, "token": join_token}
    return render(request, "front_door/join_status.html", context)
