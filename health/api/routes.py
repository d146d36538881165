"""Health reports through the API: one report, a phone's offline queue, coverage, the grid's
"not reported yet" list and the abnormal-report flags. Same rules as the pages: 404 for what the
caller may not see, 403 for what they may see but not do, 422 naming each wrong field."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from core.api import ErrorOut
from core.disclosure import MaskedPhone
from core.error_codes import CoreError
from core.errors import field_error
from core.http import actor_of
from health import flags as flag_services
from health import selectors
from health.api.flag_schemas import FlagNoteIn, FlagOut
from health.error_codes import HealthError
from health.models import HealthFlag, Slot
from health.reporting import (
    ReportInput,
    health_report_submit,
    health_reports_submit,
    rejection_from,
    report_input,
)

router = Router(tags=["health"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportIn(Schema):
    resident: int | None = None
    temperature: str | float | None = None
    symptoms: list[str] | str = []
    contact: bool | str = False
    presence: Literal["", "present", "away"] = "present"  # "" is present
    # Declared: one of the four categories, or "" (none).
    declared: Literal["", "confirmed", "suspected", "febrile", "close_contact"] = ""
    day: str | None = None
    slot: str | None = None  # loose: a wrong slot is the service's "invalid", as tests read
    idempotency_key: str | None = None
    recorded_at: str | None = None


class ReportOut(Schema):
    id: int
    resident: int
    day: datetime.date
    slot: str
    created: bool
    # A different report for a slot already reported: now the slot's latest version.
    amended: bool
    abnormal: bool


class SyncIn(Schema):
    reports: list[dict[str, Any]]


class RejectedOut(Schema):
    index: int
    errors: list[dict[str, str]]


class SyncOut(Schema):
    created: int
    amended: int
    duplicates: int
    rejected: list[RejectedOut]
    results: list[ReportOut]


def _out(r: Any) -> dict[str, Any]:
    return {
        "id": r.report_id,
        "resident": r.resident_id,
        "day": r.day,
        "slot": r.slot,
        "created": r.created,
        "amended": r.amended,
        "abnormal": r.abnormal,
    }


@router.post("/health-reports", response={200: ReportOut, 201: ReportOut, **ERRORS})
def post_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    """One resident's report for one slot. Sending it again (the same `idempotency_key` /
    `Idempotency-Key` header, or the same values) returns the stored one with 200. A different
    report for a slot already reported amends it (200, `amended: true`): the slot's values are
    the latest, every version is kept, and an abnormal amendment raises the flag at once."""
    data = payload.dict()
    data["idempotency_key"] = data.get("idempotency_key") or request.headers.get("Idempotency-Key")
    result = health_report_submit(actor=actor_of(request), data=report_input(data))
    return Status(201 if result.created else 200, _out(result))


@router.post("/health-reports/sync", response={200: SyncOut, **ERRORS})
def sync_reports(request: HttpRequest, payload: SyncIn) -> dict[str, Any]:
    """A phone's offline queue: up to 2,000 reports, each with its `recorded_at`. Each one is
    created, recognised as already stored, or rejected with its reasons; one bad report never
    stops the rest."""
    items: list[ReportInput] = []
    positions: list[int] = []
    rejected: list[dict[str, Any]] = []
    now = timezone.now()
    for index, raw in enumerate(payload.reports):
        try:
            items.append(report_input(raw if isinstance(raw, dict) else {}, now=now))
            positions.append(index)
        except ValidationError as e:
            rejected.append(rejection_from(index, e))
    result = health_reports_submit(actor=actor_of(request), items=items)
    for r in result.rejected:
        rejected.append({"index": positions[r["index"]], "errors": r["errors"]})
    return {
        "created": len(result.created),
        "amended": len(result.amended),
        "duplicates": len(result.duplicates),
        "rejected": sorted(rejected, key=lambda r: r["index"]),
        "results": [_out(r) for r in result.created + result.amended + result.duplicates],
    }


# ---- coverage -------------------------------------------------------------------------------


class SlotOut(Schema):
    expected: int
    reported: int
    abnormal: int
    missing: int
    percent: int


class CoverageRowOut(Schema):
    id: int
    name: str
    kind: str
    slots: dict[str, SlotOut]


class ReportCoverageOut(Schema):
    day: datetime.date
    place: CoverageRowOut
    children: list[CoverageRowOut]


class DayQuery(Schema):
    day: datetime.date | None = None
    slot: str | None = None


def _day(query: DayQuery) -> datetime.date:
    today = timezone.localdate()
    if query.day is not None and query.day > today:
        raise field_error("day", _("Choose today or an earlier day."), code=CoreError.FUTURE)
    return query.day or today


def _row(row: selectors.CoverageRow) -> dict[str, Any]:
    return {
        "id": row.place_id,
        "name": row.name,
        "kind": row.kind,
        "slots": {
            s: {
                "expected": f.expected,
                "reported": f.reported,
                "abnormal": f.abnormal,
                "missing": f.missing,
                "percent": f.percent,
            }
            for s, f in row.slots.items()
        },
    }


@router.get("/coverage/{place_id}", response={200: ReportCoverageOut, **ERRORS})
def get_coverage(request: HttpRequest, place_id: int, query: Query[DayQuery]) -> dict[str, Any]:
    """Expected, reported, abnormal and missing residents per slot for a place and each place
    one level down (a city's districts … a community's grids)."""
    actor = actor_of(request)
    place = selectors.access_health_place(actor, place_id)
    cov = selectors.coverage(actor, place, _day(query))
    return {"day": cov.day, "place": _row(cov.total), "children": [_row(c) for c in cov.children]}


class MissingMemberOut(Schema):
    resident: int
    name: str
    phone_masked: MaskedPhone
    age: int | None
    flags: list[str]


class MissingHouseholdOut(Schema):
    household: int
    building: str
    room: str
    members: list[MissingMemberOut]


class NotReportedOut(Schema):
    day: datetime.date
    slot: str
    households: list[MissingHouseholdOut]
    residents: int


@router.get("/coverage/{place_id}/not-reported", response={200: NotReportedOut, **ERRORS})
def get_not_reported(request: HttpRequest, place_id: int, query: Query[DayQuery]) -> dict[str, Any]:
    """Residents of a grid with no report in the slot, by household (phones masked here; the
    grid worker's page has the call links)."""
    actor = actor_of(request)
    place = selectors.access_health_place(actor, place_id)
    if place.kind != "grid":
        raise field_error("place_id", _("Choose a grid."), code=HealthError.NOT_GRID)
    day = _day(query)
    slot = query.slot or selectors.default_slot(day)
    if slot not in Slot.values:
        raise field_error("slot", _("Choose the morning or the afternoon slot."))
    households = selectors.not_reported(actor, place, day, slot)
    return {
        "day": day,
        "slot": slot,
        "residents": sum(len(h.members) for h in households),
        "households": [
            {
                "household": h.household_id,
                "building": h.building,
                "room": h.room,
                "members": [
                    {
                        "resident": m.resident_id,
                        "name": m.name,
                        "phone_masked": m.phone,  # masked by its type
                        "age": m.age,
                        "flags": m.flags,
                    }
                    for m in h.members
                ],
            }
            for h in households
        ],
    }


# ---- flags ----------------------------------------------------------------------------------


class FlagQuery(Schema):
    place: int | None = None
    status: str = "open"


@router.get("/health-flags", response={200: list[FlagOut], **ERRORS})
def list_flags(request: HttpRequest, query: Query[FlagQuery]) -> Any:
    """Abnormal-report flags of the caller's area, oldest first (open ones by default)."""
    actor = actor_of(request)
    place = selectors.access_health_place(actor, query.place) if query.place else None
    return selectors.flags(actor, place=place, status=query.status)[:500]


@router.get("/health-flags/{flag_id}", response={200: FlagOut, **ERRORS})
def get_flag(request: HttpRequest, flag_id: int) -> HealthFlag:
    return selectors.access_flag(actor_of(request), flag_id)


@router.post("/health-flags/{flag_id}/dismiss", response={200: FlagOut, **ERRORS})
def dismiss_flag(request: HttpRequest, flag_id: int, payload: FlagNoteIn) -> HealthFlag:
    """Dismiss a flag, with the reason (e.g. re-measured 36.6 °C)."""
    actor = actor_of(request)
    flag = selectors.access_flag(actor, flag_id)
    flag_services.health_flag_dismiss(actor=actor, flag=flag, note=payload.note)
    return selectors.access_flag(actor, flag_id)
