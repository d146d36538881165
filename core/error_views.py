"""What a user sees when a request fails before or outside a view's own answer: under /api/
always the JSON error shape in the user's language, elsewhere our pages (never Django's
technical pages). A stale form's CSRF failure offers to send again what was typed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

# Fields never written back into a page: what is secret stays with the one request.
SECRET_PARTS = ("password", "secret", "token", "otp", "csrfmiddlewaretoken")


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": []}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return _json(400, _("The request could not be read: send JSON as the documentation shows."))
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return _json(403, str(exception or "") or _("Not allowed."))
    return defaults.permission_denied(request, exception or Exception())


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return _json(404, _("Not found."))
    return defaults.page_not_found(request, exception or Exception())


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return _json(
            500,
            _("Something went wrong on our side and nothing was changed. Try again in a moment."),
        )
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form was open too long (or the session ended): say so, and offer to send it again
    with a fresh token. What was typed comes back as hidden fields, secrets left out."""
    if _api(request):
        return _json(403, _("Your session has expired. Log in again and send it once more."))
    kept = [
        (name, value)
        for name, values in request.POST.lists()
        if not any(part in name.lower() for part in SECRET_PARTS)
        for value in values
    ]
    dropped_secret = any(
        any(part in name.lower() for part in SECRET_PARTS[:-1]) for name in request.POST
    )
    get_token(request)  # a fresh token for the form below
    context = {
        "kept": kept,
        "action": request.get_full_path(),
        "files": bool(request.FILES),
        "dropped_secret": dropped_secret,
        "logged_in": request.user.is_authenticated,
    }
    return render(request, "csrf_failure.html", context, status=403)
