"""The second factor's pages: the Security page, enrolment (app or text), verification at
login, the recovery codes shown once. Reachable before the second factor (middleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.error_codes import AccountsError
from accounts.services import request_ip
from core.forms import add_service_errors
from core.http import actor_of
from core.masking import mask_phone
from second_factor.enrolment import (
    app_enrol,
    app_enrolment_device,
    app_enrolment_key,
    recovery_codes_renew,
    text_enrol,
)
from second_factor.policies import actor_must_use_second_factor, text_allowed
from second_factor.qr import qr_svg, secret_for_typing
from second_factor.selectors import is_enrolled, recovery_codes_left, text_device
from second_factor.session import (
    is_verified,
    recovery_codes_keep,
    recovery_codes_take,
    verified_in_session,
)
from second_factor.text import text_code_send
from second_factor.verification import code_verify
from second_factor.web.forms import CodeForm

ENROL_KEY = "second_factor_enrol_key"  # the secret shown, until its first code confirms it


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return reverse("home:home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _refused(request: HttpRequest, form: CodeForm, error: ValidationError) -> HttpResponse | None:
    """A locked account is logged out (the lock holds for the password too); otherwise the
    error goes on the form."""
    codes = {e.code for errors in error.error_dict.values() for e in errors}
    if AccountsError.LOCKED in codes:
        logout(request)
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:login")
    add_service_errors(form, error)
    return None


def _bound_for_errors() -> CodeForm:
    """A form that can carry a service's error although nothing was typed (sending a code)."""
    form = CodeForm({"code": ""})
    form.is_valid()
    return form


def _may_enrol(request: HttpRequest) -> bool:
    """Enrolling anew replaces the factor: only before the first, or after using the one there
    is (a password alone never swaps the factor)."""
    return not is_enrolled(request.user) or is_verified(request)  # type: ignore[arg-type]


def _text_offered(request: HttpRequest) -> bool:
    return text_allowed() and bool(getattr(request.user, "phone", ""))


@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "second_factor/security.html",
        {
            "enrolled": is_enrolled(user),  # type: ignore[arg-type]
            "verified": is_verified(request),
            "required": actor_must_use_second_factor(actor_of(request)),
            "text": text_device(user) is not None,  # type: ignore[arg-type]
            "codes_left": recovery_codes_left(user),  # type: ignore[arg-type]
        },
    )


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    if not _may_enrol(request):
        return redirect(_with_next("second_factor:verify", request))
    user = request.user
    key = app_enrolment_key(request.session.get(ENROL_KEY))
    request.session[ENROL_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = app_enrol(
                user=user,  # type: ignore[arg-type]
                key=key,
                typed=form.cleaned_data["code"],
                address=request_ip(request),
            )
        except ValidationError as e:
            if (response := _refused(request, form, e)) is not None:
                return response
        else:
            request.session.pop(ENROL_KEY, None)
            verified_in_session(request, device)
            recovery_codes_keep(request, codes)
            return redirect(_with_next("second_factor:recovery_codes", request))
    device = app_enrolment_device(user=user, key=key)  # type: ignore[arg-type]
    return render(
        request,
        "second_factor/enrol.html",
        {
            "form": form,
            "qr": qr_svg(device, _("QR code for your authenticator app")),
            "secret": secret_for_typing(device),
            "text_offered": _text_offered(request),
            "next": _next(request),
            "required": actor_must_use_second_factor(actor_of(request)),
        },
    )


@require_http_methods(["GET", "POST"])
def enrol_text(request: HttpRequest) -> HttpResponse:
    if not _may_enrol(request):
        return redirect(_with_next("second_factor:verify", request))
    if not _text_offered(request):
        return redirect(_with_next("second_factor:enrol", request))
    user = request.user
    form = CodeForm(request.POST if "code" in request.POST else None)
    sent = False
    if "send" in request.POST:
        try:
            text_code_send(user=user, address=request_ip(request))  # type: ignore[arg-type]
            sent = True
        except ValidationError as e:
            form = _bound_for_errors()
            add_service_errors(form, e)
    elif request.method == "POST" and form.is_valid():
        sent = True
        try:
            device, codes = text_enrol(
                user=user,  # type: ignore[arg-type]
                typed=form.cleaned_data["code"],
                address=request_ip(request),
            )
        except ValidationError as e:
            if (response := _refused(request, form, e)) is not None:
                return response
        else:
            verified_in_session(request, device)
            recovery_codes_keep(request, codes)
            return redirect(_with_next("second_factor:recovery_codes", request))
    return render(
        request,
        "second_factor/enrol_text.html",
        {
            "form": form,
            "sent": sent,
            "masked_phone": mask_phone(user.phone),  # type: ignore[union-attr]
            "next": _next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if is_verified(request):
        return redirect(_next(request))
    user = request.user
    if not is_enrolled(user):  # type: ignore[arg-type]
        return redirect(_with_next("second_factor:enrol", request))
    text = text_allowed() and text_device(user) is not None  # type: ignore[arg-type]
    form = CodeForm(request.POST if "code" in request.POST else None)
    sent = False
    if "send" in request.POST and text:
        try:
            text_code_send(user=user, address=request_ip(request))  # type: ignore[arg-type]
            sent = True
        except ValidationError as e:
            form = _bound_for_errors()
            add_service_errors(form, e)
    elif request.method == "POST" and form.is_valid():
        try:
            device = code_verify(
                user=user,  # type: ignore[arg-type]
                typed=form.cleaned_data["code"],
                address=request_ip(request),
            )
        except ValidationError as e:
            if (response := _refused(request, form, e)) is not None:
                return response
        else:
            verified_in_session(request, device)
            return redirect(_next(request))
    return render(
        request,
        "second_factor/verify.html",
        {
            "form": form,
            "text": text,
            "sent": sent,
            "masked_phone": mask_phone(user.phone),  # type: ignore[union-attr]
            "next": _next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not is_verified(request):
            return redirect(_with_next("second_factor:verify", request))
        codes = recovery_codes_renew(user=request.user)  # type: ignore[arg-type]
        recovery_codes_keep(request, codes)
        return redirect(_with_next("second_factor:recovery_codes", request))
    return render(
        request,
        "second_factor/recovery_codes.html",
        {
            "codes": recovery_codes_take(request),
            "verified": is_verified(request),
            "next": _next(request),
        },
    )
