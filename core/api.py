"""The API's shared pieces: errors as field-named JSON, a POST done once (authentication is
`accounts.api_auth`: it reads users and tokens, a floor above this one)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from core.actor import Actor
from core.errors import field_errors
from core.once import once_claim, once_done, once_release


class FieldError(Schema):
    field: str
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# Pydantic's own messages are English only; the common ones are said in the user's language.
INPUT_ERROR_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("This text is too long."),
    "string_too_short": gettext_lazy("This text is too short."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "greater_than_equal": gettext_lazy("Enter %(ge)s or more."),
    "greater_than": gettext_lazy("Enter more than %(gt)s."),
    "less_than_equal": gettext_lazy("Enter %(le)s or less."),
    "less_than": gettext_lazy("Enter less than %(lt)s."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "finite_number": gettext_lazy("Enter a number."),
    "list_type": gettext_lazy("Send a list."),
    "dict_type": gettext_lazy("Send an object."),
    "model_attributes_type": gettext_lazy("Send an object."),
    "model_type": gettext_lazy("Send an object."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time."),
    "datetime_type": gettext_lazy("Enter a date and time."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "timezone_aware": gettext_lazy("Enter a date and time with its time zone."),
    "extra_forbidden": gettext_lazy("This field is not accepted here."),
}
# Any other kind pydantic names: still said in the user's language, never pydantic's English.
OTHER_INPUT_ERROR = gettext_lazy("This value is not valid.")
# Ninja's own HTTP errors (a body that is not JSON, a method not allowed) by status.
HTTP_ERROR_MESSAGES = {
    400: gettext_lazy("The request could not be read: send JSON as the documentation shows."),
    405: gettext_lazy("This method is not allowed here."),
    413: gettext_lazy("The request is too large."),
    429: gettext_lazy("Too many requests. Wait a moment and try again."),
}


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, str(exc) or _("Not allowed."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 401, _("Log in or send a valid bearer token."))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = field_errors(exc)
        # An id that names nothing the caller may see is a 404 wherever it is sent (path or
        # body), as the access rule says: outside your area and missing look the same.
        if errors and all(e["code"] == "not_found" for e in errors):
            return _error(api, request, 404, _("Not found."), errors)
        return _error(api, request, 422, _("Some fields are not valid."), errors)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for e in exc.errors:
            # ("body", "payload", "password") → "password"; ("file", "file") → "file".
            loc = [str(p) for p in e.get("loc", [])]
            if loc and loc[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
                loc = loc[1:]
            if len(loc) > 1 and loc[0] == "payload":
                loc = loc[1:]
            kind = str(e.get("type", "invalid"))
            errors.append(
                {
                    "field": ".".join(loc) or "__all__",
                    "message": input_error_message(kind, e.get("ctx") or {}),
                    "code": kind,
                }
            )
        return _error(api, request, 422, _("Some fields are not valid."), errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja's own errors are in English ("Cannot parse request body"); ours are translated.
        text = str(exc)
        message: object
        if text.startswith("Cannot parse request body"):
            message = HTTP_ERROR_MESSAGES[400]
        elif text == "CSRF check Failed":
            message = CSRF_EXPIRED
        elif exc.status_code in (405, 413, 429):
            message = HTTP_ERROR_MESSAGES[exc.status_code]
        else:
            message = text
        return _error(api, request, exc.status_code, str(message))

    @api.exception_handler(MultiPartParserError)
    def unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A multipart body without its boundary (or cut short): the caller's mistake, as
        # Django answers it for pages — never a 500.
        return _error(api, request, 400, str(HTTP_ERROR_MESSAGES[400]))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
            return _error(api, request, 413, str(HTTP_ERROR_MESSAGES[413]))
        return _error(api, request, 400, str(HTTP_ERROR_MESSAGES[400]))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged as Django logs a 500 (through the masking filter); the caller gets the JSON
        # error shape in their language, never an HTML page or a traceback.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return _error(api, request, 500, str(SERVER_ERROR))


CSRF_EXPIRED = gettext_lazy("Your session has expired. Log in again and send it once more.")
SERVER_ERROR = gettext_lazy(
    "Something went wrong on our side and nothing was changed. Try again in a moment."
)
logger = logging.getLogger("django.request")


def input_error_message(kind: str, ctx: dict[str, Any]) -> str:
    """Pydantic's error `kind` said in the user's language, with its limits filled in."""
    message = str(INPUT_ERROR_MESSAGES.get(kind, OTHER_INPUT_ERROR))
    try:
        return message % {k: v for k, v in ctx.items() if isinstance(v, (int, float, str))}
    except (KeyError, TypeError, ValueError):
        return message


def api_once(
    request: HttpRequest, actor: Actor, key: str | None, action: Callable[[], tuple[int, int]]
) -> tuple[int, int]:
    """Run `action` (→ status, object id) once per idempotency key of this caller and URL; a
    replay gets (200, the first one's object id) and changes nothing (core.once)."""
    key = (key or request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return action()
    token = hashlib.sha256(f"{request.path}\n{key}".encode()).hexdigest()[:48]
    done = once_claim(actor, token)
    if done == "":
        raise HttpError(409, _("This request is still being processed; send it again shortly."))
    if done is not None:
        return 200, int(done)
    try:
        status, pk = action()
    except BaseException:
        once_release(actor, token)
        raise
    once_done(actor, token, str(pk))
    return status, pk
