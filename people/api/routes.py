"""Residents through the API: the same scoping, validation and masking as the pages.

Errors are JSON `{"detail", "errors": [{"field", "message", "code"}]}`: 403 when the caller may
see the resident but not change it, 404 when the resident (or household) is not theirs to see,
422 naming each wrong field. Browsers send the CSRF token with unsafe methods; programs use a
bearer token.
"""

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from core.api import ErrorOut
from core.disclosure import MaskedIdNumber, MaskedPhone, RevealedIdNumber, RevealedPhone
from core.error_codes import CoreError
from core.errors import field_error, rename_fields
from core.http import actor_of
from core.pagination import ApiPagination
from core.validators import normalize_text
from people import policies as people_policies
from people import services
from people.models import VULNERABILITY_FIELDS, Resident
from people.selectors import (
    HistoryRow,
    access_household,
    access_resident,
    resident_history,
    resident_list,
)

router = Router(tags=["people"])

ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
API_NAMES = {"household": "household_id", "building": "building_id"}


class ResidentOut(Schema):
    """A resident as the pages show them: ID and phone masked, the birth year only (the birth
    date is the masked middle of the ID). In full through POST /residents/{id}/reveal."""

    id: int
    name: str
    sex: str
    birth_year: int | None
    id_number_masked: MaskedIdNumber
    phone_masked: MaskedPhone
    relation: str
    status: str
    status_since: datetime.date | None
    status_note: str
    flags: list[str]
    care_note: str
    household_id: int
    building_id: int
    grid_id: int
    community_id: int

    @staticmethod
    def resolve_name(obj: Resident) -> str:
        return obj.person.name

    @staticmethod
    def resolve_sex(obj: Resident) -> str:
        return obj.person.sex

    @staticmethod
    def resolve_birth_year(obj: Resident) -> int | None:
        return obj.person.birth_date.year if obj.person.birth_date else None

    @staticmethod
    def resolve_id_number_masked(obj: Resident) -> str:
        return obj.person.id_number or ""  # masked by its type

    @staticmethod
    def resolve_phone_masked(obj: Resident) -> str:
        return obj.person.phone

    @staticmethod
    def resolve_flags(obj: Resident) -> list[str]:
        return [f for f in VULNERABILITY_FIELDS if getattr(obj, f)]


class ResidentFilter(Schema):
    place: int | None = None
    household: int | None = None
    q: str | None = None
    status: str | None = None


class ResidentIn(Schema):
    """A new resident. Every field is checked by the registry's own rules; a missing or wrong
    one comes back as a 422 naming it."""

    household_id: int | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    relation: Literal["head", "spouse", "child", "parent", "grandchild", "other"] = (
        "other"  # Relation
    )
    flags: list[str] = []
    care_note: str = ""


class ResidentPatch(Schema):
    """Only the fields sent change."""

    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    relation: Literal["head", "spouse", "child", "parent", "grandchild", "other"] | None = (
        None  # Relation
    )
    flags: list[str] | None = None
    care_note: str | None = None


class StatusIn(Schema):
    # ResidentStatus; "" is "not sent" and the service answers that it is not valid.
    status: Literal["", "present", "away", "moved_out", "deceased"] = ""
    since: datetime.date | None = None
    note: str = ""


class RevealIn(Schema):
    reason: str = ""


class RevealOut(Schema):
    """The resident's ID and phone in full; the access log has a row for this answer."""

    resident_id: int
    id_number: RevealedIdNumber
    phone: RevealedPhone


class ResidentMoveIn(Schema):
    household_id: int | None = None
    # Relation; left out (or "") keeps the one the resident has.
    relation: Literal["", "head", "spouse", "child", "parent", "grandchild", "other"] | None = None


class FieldChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class ChangeOut(Schema):
    at: datetime.datetime
    by: str
    action: str
    action_label: str
    changes: list[FieldChangeOut]
    note: str


@router.get("/residents", response=list[ResidentOut])
@paginate(ApiPagination)
def list_residents(request: HttpRequest, filters: Query[ResidentFilter]):  # type: ignore[no-untyped-def]
    """Residents the caller may see. `q` searches like the registry page: name, pinyin
    ("zhangwei"), last 4 digits of phone or ID, room or building."""
    return resident_list(
        actor_of(request),
        place_id=filters.place,
        household_id=filters.household,
        q=normalize_text(filters.q or "")[:50],
        status=filters.status or "",
    )


@router.get("/residents/{resident_id}", response={200: ResidentOut, 404: ErrorOut})
def get_resident(request: HttpRequest, resident_id: int) -> Resident:
    return access_resident(actor_of(request), resident_id)


@router.post("/residents", response={201: ResidentOut, **ERRORS})
def create_resident(request: HttpRequest, payload: ResidentIn) -> Status[Resident]:
    """Register a resident in a household of the caller's area (community admin, grid worker)."""
    actor = actor_of(request)
    household = _household(request, payload.household_id)
    try:
        resident = services.resident_register(
            actor=actor,
            household=household,
            data=services.PersonData(
                name=payload.name,
                id_number=payload.id_number,
                phone=payload.phone,
                relation=payload.relation,
            ),
            flags=payload.flags,
            care_note=payload.care_note,
        )
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e
    return Status(201, access_resident(actor, resident.pk))


@router.patch("/residents/{resident_id}", response={200: ResidentOut, **ERRORS})
def update_resident(request: HttpRequest, resident_id: int, payload: ResidentPatch) -> Resident:
    """Change some of a resident's fields; each change is kept in the history."""
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    person = resident.person
    sent = payload.dict(exclude_unset=True)
    data = services.PersonData(
        name=sent["name"] if sent.get("name") is not None else person.name,
        id_number=sent["id_number"]
        if sent.get("id_number") is not None
        else (person.id_number or ""),
        phone=sent["phone"] if sent.get("phone") is not None else person.phone,
        relation=sent["relation"] if sent.get("relation") is not None else resident.relation,
    )
    services.resident_update(
        actor=actor,
        resident=resident,
        data=data,
        flags=payload.flags,
        care_note=payload.care_note,
    )
    return access_resident(actor, resident_id)


@router.post("/residents/{resident_id}/status", response={200: ResidentOut, **ERRORS})
def set_resident_status(request: HttpRequest, resident_id: int, payload: StatusIn) -> Resident:
    """Moved out, deceased, temporarily away (with the day it began), or back (`present`)."""
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    services.resident_set_status(
        actor=actor,
        resident=resident,
        status=payload.status,
        since=payload.since,
        note=payload.note,
    )
    return access_resident(actor, resident_id)


@router.post("/residents/{resident_id}/move", response={200: ResidentOut, **ERRORS})
def move_resident(request: HttpRequest, resident_id: int, payload: ResidentMoveIn) -> Resident:
    """The resident joins another household of the caller's area."""
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    people_policies.check_can_edit_household(actor, resident.household)
    household = _household(request, payload.household_id)
    try:
        services.resident_move(
            actor=actor,
            resident=resident,
            household=household,
            relation=payload.relation or resident.relation,
        )
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e
    return access_resident(actor, resident_id)


@router.post("/residents/{resident_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal_resident(request: HttpRequest, resident_id: int, payload: RevealIn) -> dict[str, Any]:
    """The resident's ID and phone in full, as the resident page's "show in full": for the roles
    that may (community admin, grid worker, health centre, street office; 403 for the others),
    with a `reason` (422 without one), recorded in the access log with that reason. Every other
    answer of the API shows them masked."""
    actor = actor_of(request)
    resident = access_resident(actor, resident_id)
    revealed = services.resident_reveal(actor=actor, resident=resident, reason=payload.reason)
    return {
        "resident_id": resident.pk,
        "id_number": revealed.id_number,
        "phone": revealed.phone,
    }


@router.get("/residents/{resident_id}/history", response={200: list[ChangeOut], 404: ErrorOut})
def get_resident_history(request: HttpRequest, resident_id: int) -> list[HistoryRow]:
    """Who changed what and when, newest first; ID and phone stay masked."""
    actor = actor_of(request)
    return resident_history(actor, access_resident(actor, resident_id))


def _household(request: HttpRequest, household_id: int | None):  # type: ignore[no-untyped-def]
    if household_id is None:
        raise field_error("household_id", _("Choose a household."), CoreError.REQUIRED)
    try:
        return access_household(actor_of(request), household_id)
    except Http404:
        raise field_error(
            "household_id", _("There is no such household in your area."), CoreError.NOT_FOUND
        ) from None
