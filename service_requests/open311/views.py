"""Open311 GeoReport v2 for the 12345 hotline and other city systems (JSON only):
services.json, requests.json (GET a list, POST one) and requests/<id>.json.

Authentication: an ApiToken of the project, in the `X-API-Key` header (preferred: headers stay
out of access logs), as `Authorization: Bearer`, or as the spec's `api_key` parameter (query
string or form; core.logging masks it in every log line); a logged-in session also reads. What
a key sees and files is what its user sees and files (ServiceRequest.objects.for_actor and
request_file's rule). Errors are the spec's list `[{"code": 400, "description": "..."}]`, the
description naming the field, in the language of Accept-Language.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.actor import Actor
from core.errors import field_errors
from core.fields import index_of
from people.models import Resident, ResidentStatus
from service_requests.filing import request_file
from service_requests.models import ServiceRequest, Urgency
from service_requests.open311 import mapping

DEFAULT_DAYS = 90
MAX_ROWS = 1000
# The service's field names → the spec's (POST requests.json).
FIELD_NAMES = {
    "category": "service_code",
    "details": "description",
    "urgency": "attribute[urgency]",
    "needed_by": "attribute[needed_by]",
}


def error(code: int, description: str) -> JsonResponse:
    return JsonResponse([{"code": code, "description": description}], status=code, safe=False)


def field_error_response(field: str, message: str) -> JsonResponse:
    return error(400, f"{field}: {message}")


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _body(request: HttpRequest) -> dict[str, Any]:
    """The POST's fields, form-encoded or JSON (`attribute` as an object or as attribute[x])."""
    if request.method != "POST":
        return {}
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        attributes = data.get("attribute")
        if isinstance(attributes, dict):
            for key, value in attributes.items():
                data.setdefault(f"attribute[{key}]", value)
        return data
    return {key: request.POST.get(key) for key in request.POST}


def actor_of(request: HttpRequest, body: dict[str, Any]) -> Actor | None:
    """The caller: a valid api_key / bearer token, or (for reads) the session; None → 401."""
    from accounts.selectors import actor_cached
    from accounts.services import api_token_user

    key = str(
        request.headers.get("X-API-Key")
        or request.GET.get("api_key")
        or body.get("api_key")
        or _bearer(request)
    ).strip()
    if key:
        user = api_token_user(key)
        return actor_cached(user) if user is not None else None
    actor = getattr(request, "actor", None)
    if request.method == "GET" and isinstance(actor, Actor) and actor.is_authenticated:
        return actor
    return None


def unauthorized() -> JsonResponse:
    return error(401, _("Send a valid api_key."))


def _moment(value: str, field: str) -> datetime.datetime:
    """An ISO 8601 time or date from the query string ("+08:00" may arrive as " 08:00")."""
    text = value.strip()
    if len(text) > 10 and text[-6] == " ":
        text = text[:-6] + "+" + text[-5:]
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError({field: [ValidationError(_("Enter a date and time."))]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _listed(rows: QuerySet[ServiceRequest]) -> list[dict[str, Any]]:
    make = mapping.RowMaker()
    ordered = rows.order_by("-created_at", "-pk").values(*mapping.ROW_COLUMNS)
    return [make(v) for v in ordered[:MAX_ROWS]]


def _rows(request: HttpRequest, actor: Actor) -> list[dict[str, Any]]:
    rows = ServiceRequest.objects.for_actor(actor)
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        # The spec: service_request_id overrides every other parameter.
        if not all(i.isdigit() for i in ids):
            raise ValidationError(
                {"service_request_id": [ValidationError(_("Enter request numbers."))]}
            )
        rows = rows.filter(pk__in=[int(i) for i in ids[:MAX_ROWS]])
    else:
        code = request.GET.get("service_code", "").strip()
        if code:
            rows = rows.filter(category__in=[c.strip() for c in code.split(",")])
        status = request.GET.get("status", "").strip()
        if status:
            wanted = [s.strip() for s in status.split(",")]
            if any(s not in mapping.STATUSES_OF for s in wanted):
                raise ValidationError({"status": [ValidationError(_("Choose open or closed."))]})
            rows = rows.filter(status__in=[o for s in wanted for o in mapping.STATUSES_OF[s]])
        start = request.GET.get("start_date", "")
        end = request.GET.get("end_date", "")
        end_at = _moment(end, "end_date") if end else None
        if start:
            start_at = _moment(start, "start_date")
        else:
            start_at = (end_at or timezone.now()) - datetime.timedelta(days=DEFAULT_DAYS)
        rows = rows.filter(created_at__gte=start_at)
        if end_at is not None:
            rows = rows.filter(created_at__lte=end_at)
    return _listed(rows)


def _invalid(exc: ValidationError, names: dict[str, str]) -> JsonResponse:
    first = field_errors(exc)[0]
    return field_error_response(names.get(first["field"], first["field"]), first["message"])


@login_not_required
@require_GET
def services_list(request: HttpRequest) -> JsonResponse:
    if actor_of(request, {}) is None:
        return unauthorized()
    return JsonResponse(mapping.services(), safe=False)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_list(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    actor = actor_of(request, body)
    if actor is None:
        return unauthorized()
    if request.method == "POST":
        return _file(actor, body)
    try:
        return JsonResponse(_rows(request, actor), safe=False)
    except ValidationError as exc:
        return _invalid(exc, {})


@login_not_required
@require_GET
def request_detail(request: HttpRequest, request_id: str) -> JsonResponse:
    actor = actor_of(request, {})
    if actor is None:
        return unauthorized()
    found = (
        _listed(ServiceRequest.objects.for_actor(actor).filter(pk=int(request_id)))
        if request_id.isdigit()
        else []
    )
    if not found:
        return error(404, _("There is no such request."))
    return JsonResponse(found, safe=False)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return str(value).strip() if value is not None else ""


def _resident(actor: Actor, body: dict[str, Any]) -> tuple[Resident | None, str, str]:
    """(resident, the field that named them, the error), by account_id or by phone."""
    account_id = _text(body, "account_id")
    phone = _text(body, "phone")
    if account_id and phone:
        return None, "account_id", _("Send account_id or phone, not both.")
    visible = Resident.objects.for_actor(actor).select_related("person")
    if account_id:
        if not account_id.isdigit():
            return None, "account_id", _("There is no such resident in your area.")
        found = visible.filter(pk=int(account_id)).first()
        if found is None:
            return None, "account_id", _("There is no such resident in your area.")
        return found, "account_id", ""
    if phone:
        living = list(
            visible.filter(
                person__phone_hash=index_of("phone", phone),
                status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY],
            )[:2]
        )
        if not living:
            return None, "phone", _("No resident in your area has this phone number.")
        if len(living) > 1:
            return None, "phone", _("Several residents have this phone number; send account_id.")
        return living[0], "phone", ""
    return None, "account_id", _("Send the resident's account_id or phone.")


def _file(actor: Actor, body: dict[str, Any]) -> JsonResponse:
    resident, resident_field, problem = _resident(actor, body)
    if resident is None:
        return field_error_response(resident_field, problem)
    service_code = _text(body, "service_code")
    if not service_code:
        return field_error_response("service_code", _("Choose what kind of help is needed."))
    needed_by = None
    if _text(body, "attribute[needed_by]"):
        try:
            needed_by = _moment(_text(body, "attribute[needed_by]"), "needed_by")
        except ValidationError as exc:
            return _invalid(exc, FIELD_NAMES)
    external_id = _text(body, "attribute[external_id]") or _text(body, "token")
    try:
        filed = request_file(
            actor=actor,
            resident=resident,
            category=service_code,
            details=_text(body, "description"),
            urgency=_text(body, "attribute[urgency]") or Urgency.NORMAL,
            needed_by=needed_by,
            hotline=True,
            external_id=external_id,
        )
    except ValidationError as exc:
        return _invalid(exc, {**FIELD_NAMES, "resident": resident_field})
    except PermissionDenied as exc:
        return error(403, str(exc) or _("Not allowed."))
    if external_id and not ServiceRequest.objects.for_actor(actor).filter(pk=filed.pk).exists():
        # request_file gave back an earlier request of this id that the key may not see:
        # another client's id, not a replay. Say nothing about it.
        return field_error_response(
            "attribute[external_id]", _("This id is already used by another client.")
        )
    return JsonResponse(
        [
            {
                "service_request_id": str(filed.pk),
                "service_notice": mapping.service_notice(filed),
                "account_id": None,
            }
        ],
        safe=False,
    )
