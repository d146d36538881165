"""How our requests read in Open311 GeoReport v2 (docs/open311.md): the status table, the
status notes, the services and one request as a row with the spec's field names.

Our six statuses become the spec's two: a request the resident still waits on (new, accepted,
dispatched, done but not yet confirmed) is "open"; closed and cancelled are "closed". The notes
say our own status, the level holding it when it was escalated, and "closed without
confirmation" for a request the office closed without the resident's word.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from service_requests.models import Level, RequestCategory, RequestStatus, ServiceRequest

# Our status → the spec's.
OPEN311_STATUS: dict[str, str] = {
    RequestStatus.NEW: "open",
    RequestStatus.ACCEPTED: "open",
    RequestStatus.DISPATCHED: "open",
    RequestStatus.DONE: "open",
    RequestStatus.CLOSED: "closed",
    RequestStatus.CANCELLED: "closed",
}
# The spec's status → ours (the `status` filter of requests.json).
STATUSES_OF: dict[str, tuple[str, ...]] = {
    spec: tuple(ours for ours, s in OPEN311_STATUS.items() if s == spec)
    for spec in ("open", "closed")
}

ESCALATED_NOTE: dict[str, Any] = {
    Level.STREET: gettext_lazy("Escalated to the street"),
    Level.DISTRICT: gettext_lazy("Escalated to the district"),
}

# services.json: the group and search keywords of each category.
SERVICE_GROUP: dict[str, Any] = {
    RequestCategory.URGENT_TRIP: gettext_lazy("Trips"),
    RequestCategory.TREATMENT_TRIP: gettext_lazy("Trips"),
    RequestCategory.MEDICINE: gettext_lazy("Purchases"),
    RequestCategory.FOOD: gettext_lazy("Purchases"),
    RequestCategory.CARE: gettext_lazy("Care"),
    RequestCategory.PSYCHOLOGICAL: gettext_lazy("Care"),
    RequestCategory.OTHER: gettext_lazy("Other"),
}
SERVICE_KEYWORDS: dict[str, Any] = {
    RequestCategory.URGENT_TRIP: gettext_lazy("hospital, emergency, vehicle"),
    RequestCategory.TREATMENT_TRIP: gettext_lazy("dialysis, chemotherapy, vehicle"),
    RequestCategory.MEDICINE: gettext_lazy("medicine, pharmacy, prescription"),
    RequestCategory.FOOD: gettext_lazy("food, vegetables, daily necessities"),
    RequestCategory.CARE: gettext_lazy("elderly, child, care"),
    RequestCategory.PSYCHOLOGICAL: gettext_lazy("counselling, anxiety, support"),
    RequestCategory.OTHER: gettext_lazy("other"),
}
SERVICE_DESCRIPTION: dict[str, Any] = {
    RequestCategory.URGENT_TRIP: gettext_lazy("A vehicle to hospital for an urgent need."),
    RequestCategory.TREATMENT_TRIP: gettext_lazy(
        "A vehicle to a regular treatment such as dialysis."
    ),
    RequestCategory.MEDICINE: gettext_lazy("Buying and bringing medicine."),
    RequestCategory.FOOD: gettext_lazy("Buying and bringing food and daily necessities."),
    RequestCategory.CARE: gettext_lazy("Looking after an elderly person or a child."),
    RequestCategory.PSYCHOLOGICAL: gettext_lazy("Someone to talk to."),
    RequestCategory.OTHER: gettext_lazy("Any other need of a resident."),
}

# What a row needs of a request's relations (one query, no per-row lookups).
ROW_RELATED = ("community", "street", "district", "building", "household")


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 with the Beijing offset (2026-11-24T19:30:00+08:00), as the spec requires."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def open311_status(status: str) -> str:
    return OPEN311_STATUS.get(status, "open")


def status_notes(request: ServiceRequest) -> str:
    """Our status in words, then the level when escalated, then "closed without confirmation"
    when the office closed it without the resident (e.g. "已派车 · 已上报街道")."""
    parts = [str(RequestStatus(request.status).label)]
    if request.level in ESCALATED_NOTE:
        parts.append(str(ESCALATED_NOTE[request.level]))
    if request.status == RequestStatus.CLOSED and not request.confirmed:
        parts.append(_("closed without confirmation"))
    return " · ".join(parts)


def agency_responsible(request: ServiceRequest) -> str:
    """The office holding the request now: its community, street or district, by name."""
    place = getattr(request, request.level)
    return place.name if place is not None else ""


def service_notice(request: ServiceRequest) -> str:
    """What the caller should expect: the response deadline while nobody has responded."""
    if request.status == RequestStatus.NEW and request.responded_at is None:
        local = timezone.localtime(request.respond_due_at)
        return _("The community responds by %(time)s.") % {"time": f"{local:%m-%d %H:%M}"}
    return ""


def request_row(request: ServiceRequest) -> dict[str, Any]:
    """One request with exactly the GeoReport v2 fields. The address is the building and room:
    never the resident's name or phone."""
    return {
        "service_request_id": str(request.pk),
        "status": open311_status(request.status),
        "status_notes": status_notes(request),
        "service_name": str(RequestCategory(request.category).label),
        "service_code": request.category,
        "description": request.details,
        "agency_responsible": agency_responsible(request),
        "service_notice": service_notice(request),
        "requested_datetime": iso(request.created_at),
        "updated_datetime": iso(request.updated_at),
        "expected_datetime": iso(request.done_due_at),
        "address": f"{request.building.name} {request.household.room}".strip(),
        "address_id": str(request.household_id),
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def services() -> list[dict[str, Any]]:
    """services.json: one service per category."""
    return [
        {
            "service_code": code,
            "service_name": str(label),
            "description": str(SERVICE_DESCRIPTION[code]),
            "metadata": False,
            "type": "realtime",
            "keywords": str(SERVICE_KEYWORDS[code]),
            "group": str(SERVICE_GROUP[code]),
        }
        for code, label in RequestCategory.choices
    ]
