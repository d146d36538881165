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

# The columns a row reads: values() of these, not model instances (at 1,000 rows building six
# models per row and parsing every timestamp column was most of the time; bench/requests_open311).
ROW_COLUMNS = (
    "pk",
    "status",
    "level",
    "confirmed",
    "category",
    "details",
    "created_at",
    "updated_at",
    "respond_due_at",
    "responded_at",
    "done_due_at",
    "household_id",
    "building__name",
    "household__room",
    "community__name",
    "street__name",
    "district__name",
)


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 with the Beijing offset (2026-11-24T19:30:00+08:00), as the spec requires."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def open311_status(status: str) -> str:
    return OPEN311_STATUS.get(status, "open")


def notes_for(status: str, level: str, confirmed: bool) -> str:
    """Our status in words, then the level when escalated, then "closed without confirmation"
    when the office closed it without the resident (e.g. "已派车 · 已上报街道")."""
    parts = [str(RequestStatus(status).label)]
    if level in ESCALATED_NOTE:
        parts.append(str(ESCALATED_NOTE[level]))
    if status == RequestStatus.CLOSED and not confirmed:
        parts.append(_("closed without confirmation"))
    return " · ".join(parts)


def status_notes(request: ServiceRequest) -> str:
    return notes_for(request.status, request.level, request.confirmed)


def service_notice(request: ServiceRequest) -> str:
    return notice_for(request.status, request.responded_at, request.respond_due_at)


def notice_for(
    status: str, responded_at: datetime.datetime | None, respond_due_at: datetime.datetime
) -> str:
    """What the caller should expect: the response deadline while nobody has responded."""
    if status == RequestStatus.NEW and responded_at is None:
        local = timezone.localtime(respond_due_at)
        return _("The community responds by %(time)s.") % {"time": f"{local:%m-%d %H:%M}"}
    return ""


class RowMaker:
    """Turns values() rows of ROW_COLUMNS into spec rows; the labels are translated once per
    response, not once per row."""

    def __init__(self) -> None:
        self.service_names = {code: str(label) for code, label in RequestCategory.choices}
        self.notes: dict[tuple[str, str, bool], str] = {}

    def __call__(self, v: dict[str, Any]) -> dict[str, Any]:
        key = (v["status"], v["level"], v["confirmed"])
        if key not in self.notes:
            self.notes[key] = notes_for(*key)
        return {
            "service_request_id": str(v["pk"]),
            "status": open311_status(v["status"]),
            "status_notes": self.notes[key],
            "service_name": self.service_names.get(v["category"], v["category"]),
            "service_code": v["category"],
            "description": v["details"],
            # The office holding the request now: its community, street or district, by name.
            "agency_responsible": v[f"{v['level']}__name"] or "",
            "service_notice": notice_for(v["status"], v["responded_at"], v["respond_due_at"]),
            "requested_datetime": iso(v["created_at"]),
            "updated_datetime": iso(v["updated_at"]),
            "expected_datetime": iso(v["done_due_at"]),
            # The building and room: never the resident's name or phone.
            "address": f"{v['building__name']} {v['household__room']}".strip(),
            "address_id": str(v["household_id"]),
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
