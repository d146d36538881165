"""Care through the API: the carer's households with their due days, and recording a contact
(a need found may become a resident request in the same call).

Same rules as the pages: 404 for an assignment the caller may not see, 403 for one they may see
but not record on (only its carer and the community's admin), 422 naming each wrong field; a
refused call changes nothing. The carer gets names and phones in full: phoning their households
is the job."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from care import rules, selectors
from care.contacts import care_contact_log
from care.models import CareAssignment, CareContact
from care.policies import CARER_ROLES, may, names_in_full
from core.actor import Actor
from core.api import ErrorOut
from core.disclosure import ShownPhone, shown_phone
from core.errors import NotAllowed
from core.http import actor_of
from core.pagination import PageQuery

router = Router(tags=["care"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CareResidentOut(Schema):
    name: str
    phone: ShownPhone  # care.policies.names_in_full, as the pages
    vulnerabilities: list[str]
    care_note: str


class CareMineOut(Schema):
    assignment_id: int
    household_id: int
    address: str
    household_phone: ShownPhone
    phone_every_days: int
    visit_every_days: int
    phone_due_on: datetime.date | None
    visit_due_on: datetime.date | None
    overdue: bool
    due_today: bool
    alarm: bool
    last_success_at: datetime.datetime | None
    residents: list[CareResidentOut]


class CareMinePageOut(Schema):
    items: list[CareMineOut]
    count: int


class ContactIn(Schema):
    # The choices are the models' (ContactKind, HealthState, RequestCategory, Urgency), listed
    # so OpenAPI shows them; "" is "not sent" and the service answers that it is required.
    kind: Literal["", "phone", "visit", "failed"] = ""
    health: Literal["well", "unwell", "urgent", "unknown"] = "unknown"
    outcome: str = ""
    needs: str = ""
    at: datetime.datetime | None = None  # when it happened; now when left out
    # A request category: file a request for the household.
    request_category: Literal[
        "",
        "urgent_trip",
        "treatment_trip",
        "medicine",
        "food",
        "care",
        "psychological",
        "other",
    ] = ""
    request_urgency: Literal["", "urgent", "soon", "normal"] = "normal"
    request_details: str = ""


class CareContactOut(Schema):
    id: int
    assignment_id: int
    kind: str
    at: datetime.datetime
    health: str
    outcome: str
    needs: str
    request_id: int | None
    phone_due_on: datetime.date | None
    visit_due_on: datetime.date | None


def _mine_row(
    actor: Actor, a: CareAssignment, residents: list[Any], today: datetime.date
) -> dict[str, Any]:
    full = names_in_full(actor, a)
    return {
        "assignment_id": a.pk,
        "household_id": a.household_id,
        "address": str(a.household),
        "household_phone": shown_phone(a.household.phone, full=full),
        "phone_every_days": a.phone_every_days,
        "visit_every_days": a.visit_every_days,
        "phone_due_on": a.phone_due_on,
        "visit_due_on": a.visit_due_on,
        "overdue": rules.is_overdue(a.phone_due_on, a.visit_due_on, today),
        "due_today": rules.is_due_today(a.phone_due_on, a.visit_due_on, today),
        "alarm": a.alarm_at is not None,
        "last_success_at": a.last_success_at,
        "residents": [
            {
                "name": r.person.name,
                "phone": shown_phone(r.person.phone, full=full),
                "vulnerabilities": selectors.vulnerability_labels(r),
                "care_note": r.care_note,
            }
            for r in residents
        ],
    }


@router.get("/care/mine", response={200: CareMinePageOut, **ERRORS})
def my_households(request: HttpRequest, page_query: Query[PageQuery]) -> Any:
    """The caller's households as their carer, the earliest due first."""
    actor = actor_of(request)
    if not may(actor, CARER_ROLES):
        raise NotAllowed(_("Only cadres, volunteers and grid workers care for households."))
    limit, offset = page_query.limit, page_query.offset
    rows = selectors.my_assignments(actor)
    page = list(rows[offset : offset + limit])
    residents = selectors.residents_of([a.household_id for a in page])
    today = timezone.localdate()
    return {
        "items": [_mine_row(actor, a, residents.get(a.household_id, []), today) for a in page],
        "count": rows.count(),
    }


@router.post("/care/assignments/{assignment_id}/contacts", response={201: CareContactOut, **ERRORS})
def log_contact(request: HttpRequest, assignment_id: int, payload: ContactIn) -> Any:
    """Record a phone check, visit or failed attempt on one of the caller's households."""
    actor = actor_of(request)
    assignment = selectors.access_assignment(actor, assignment_id)
    contact: CareContact = care_contact_log(
        actor=actor,
        assignment=assignment,
        kind=payload.kind,
        health=payload.health,
        outcome=payload.outcome,
        needs=payload.needs,
        request_category=payload.request_category,
        request_urgency=payload.request_urgency,
        request_details=payload.request_details,
        at=payload.at,
    )
    assignment.refresh_from_db()
    return Status(
        201,
        {
            "id": contact.pk,
            "assignment_id": assignment.pk,
            "kind": contact.kind,
            "at": contact.at,
            "health": contact.health,
            "outcome": contact.outcome,
            "needs": contact.needs,
            "request_id": contact.request_id,
            "phone_due_on": assignment.phone_due_on,
            "visit_due_on": assignment.visit_due_on,
        },
    )
