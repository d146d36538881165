"""Pages of the phone login and of invitations (front_door.phone_login, .invitations).

The number between the two steps of the phone login lives in the session, never in the page or
the URL. Step one answers every valid number alike."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import request_ip
from core.forms import run_once
from core.http import actor_of
from core.masking import mask_phone
from core.once import once_token
from front_door import invitations, phone_login
from front_door.selectors import access_setup_user
from front_door.web.login_forms import CodeForm, PhoneForm, SendCodeForm

PHONE_LOGIN_SESSION = "front_door_phone_login"
INVITED_SESSION = "front_door_invited"
BACKEND = "accounts.backends.CachedModelBackend"


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _log_in(request: HttpRequest, user: User) -> None:
    """Django's login: a new session key, the user in it."""
    login(request, user, backend=BACKEND)


def _language_cookie(response: HttpResponse, user: User | None) -> HttpResponse:
    # The language chosen last time (on any device) follows the user, as on the password login.
    if user is not None and user.language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE
        )
    return response


def _first_message(error: ValidationError) -> str:
    return str(error.messages[0]) if error.messages else ""


# --- phone login -----------------------------------------------------------------------------


@login_not_required
def login_phone(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        form = PhoneForm(request.POST)

        def action(data: dict[str, Any]) -> str:
            number = phone_login.phone_login_start(phone=data["phone"], address=request_ip(request))
            request.session[PHONE_LOGIN_SESSION] = {"phone": number, "next": next_url}
            return reverse("front_door:login_phone_code")

        response = run_once(request, form, action, "")
        if response is not None:
            return response
    else:
        form = PhoneForm(initial={"once": once_token(), "next": next_url})
    return render(request, "front_door/login_phone.html", {"form": form})


@login_not_required
def login_phone_code(request: HttpRequest) -> HttpResponse:
    state = request.session.get(PHONE_LOGIN_SESSION)
    if not isinstance(state, dict) or not state.get("phone"):
        messages.info(request, _("Enter your mobile number to get a code."))
        return redirect("front_door:login_phone")
    phone = str(state["phone"])
    address = request_ip(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            phone_login.phone_login_start(phone=phone, address=address)
            messages.success(request, _("A new code was sent."))
        except ValidationError as e:
            messages.error(request, _first_message(e))
        return redirect("front_door:login_phone_code")
    if request.method == "POST":
        form = CodeForm(request.POST)
        logged: dict[str, User] = {}

        def action(data: dict[str, Any]) -> str:
            user = phone_login.phone_login_finish(phone=phone, code=data["code"], address=address)
            _log_in(request, user)
            request.session.pop(PHONE_LOGIN_SESSION, None)
            logged["user"] = user
            return str(state.get("next") or "") or resolve_url(settings.LOGIN_REDIRECT_URL)

        response = run_once(request, form, action, "")
        if response is not None:
            return _language_cookie(response, logged.get("user"))
    else:
        form = CodeForm(initial={"once": once_token()})
    return render(
        request,
        "front_door/login_phone_code.html",
        {"form": form, "masked_phone": mask_phone(phone)},
    )


# --- invitations -----------------------------------------------------------------------------


def _invitation_or_page(request: HttpRequest, token: str) -> Any:
    try:
        return invitations.invitation_open(token=token)
    except ValidationError as e:
        return render(
            request, "front_door/invite_invalid.html", {"message": _first_message(e)}, status=404
        )


@login_not_required
def invite(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_page(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    if request.method == "POST":
        form = SendCodeForm(request.POST)

        def action(data: dict[str, Any]) -> str:
            invitations.invitation_code_send(token=token, address=request_ip(request))
            return reverse("front_door:invite_code", kwargs={"token": token})

        response = run_once(request, form, action, "")
        if response is not None:
            return response
    else:
        form = SendCodeForm(initial={"once": once_token()})
    return render(
        request,
        "front_door/invite.html",
        {
            "form": form,
            "invited": invitation.user,
            "masked_phone": mask_phone(invitation.user.phone),
        },
    )


@login_not_required
def invite_code(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation_or_page(request, token)
    if isinstance(invitation, HttpResponse):
        return invitation
    address = request_ip(request)
    if request.method == "POST" and "resend" in request.POST:
        try:
            invitations.invitation_code_send(token=token, address=address)
            messages.success(request, _("A new code was sent."))
        except ValidationError as e:
            messages.error(request, _first_message(e))
        return redirect("front_door:invite_code", token=token)
    if request.method == "POST":
        form = CodeForm(request.POST)
        logged: dict[str, User] = {}

        def action(data: dict[str, Any]) -> str:
            user = invitations.invitation_accept(token=token, code=data["code"], address=address)
            _log_in(request, user)
            request.session[INVITED_SESSION] = user.pk
            logged["user"] = user
            return reverse("front_door:invite_password")

        response = run_once(request, form, action, "")
        if response is not None:
            return _language_cookie(response, logged.get("user"))
    else:
        form = CodeForm(initial={"once": once_token()})
    return render(
        request,
        "front_door/invite_code.html",
        {"form": form, "masked_phone": mask_phone(invitation.user.phone), "token": token},
    )


def invite_password(request: HttpRequest) -> HttpResponse:
    """Right after an invitation logged them in (this session only): a first password, or
    skip it and keep logging in with text codes."""
    home = resolve_url(settings.LOGIN_REDIRECT_URL)
    user = request.user
    if request.session.get(INVITED_SESSION) != user.pk or not isinstance(user, User):
        return redirect(home)
    if request.method == "POST" and "skip" in request.POST:
        request.session.pop(INVITED_SESSION, None)
        return redirect(home)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        invitations.invited_password_set(user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        request.session.pop(INVITED_SESSION, None)
        messages.success(request, _("Your password is set."))
        return redirect(home)
    return render(request, "front_door/invite_password.html", {"form": form})


@require_POST
def setup_invite(request: HttpRequest, user_id: int) -> HttpResponse:
    """Setup's button on an account's page: text it an invitation."""
    actor = actor_of(request)
    user = access_setup_user(actor, user_id)
    try:
        invitations.invitation_send(actor=actor, user=user, site=request.build_absolute_uri("/"))
        messages.success(
            request,
            _("An invitation was sent by text message to %(phone)s; it works for 72 hours.")
            % {"phone": mask_phone(user.phone)},
        )
    except ValidationError as e:
        messages.error(request, _first_message(e))
    return redirect("admin:accounts_user_change", user.pk)
