"""Recognition through the API (M17): a person's frontline record, adding an entry to it, and
the commendation decisions. Same rules as the pages: 404 for what the caller may not see
(including a person outside their organisation's reach), 403 for what they may see but not do,
422 naming each wrong field; `{}` changes nothing (the date and text are required)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.api import ErrorOut, api_once
from core.errors import field_error
from core.http import actor_of
from core.pagination import search_text
from outreach import policies as outreach_policies
from outreach import recognition as services
from outreach import recognition_selectors as sel
from outreach.api.recognition_schemas import (
    CommendationDetailOut,
    CommendationPageOut,
    CommendationQuery,
    EntryIn,
    EntryOut,
    FrontlineOut,
)
from outreach.frontline import frontline_record
from outreach.models import Commendation, FrontlineEntry, Nomination, NominationStatus

router = Router(tags=["recognition"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def entry_row(e: FrontlineEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "org_id": e.org_id,
        "org": e.org.name,
        "happened_on": e.happened_on,
        "text": e.text,
        "recorded_at": e.recorded_at,
    }


def nomination_row(n: Nomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "person_id": n.person_id,
        "person": n.person.name,
        "org": n.org.name,
        "title": n.title,
        "deeds": n.deeds,
        "status": n.status,
        "status_label": str(NominationStatus(n.status).label),
        "commendation_id": n.commendation_id,
    }


def commendation_row(c: Commendation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "authority": c.authority,
        "decided_on": c.decided_on,
        "place_id": c.place_id,
        "place": c.place.name,
        "notice_id": c.notice_id,
    }


@router.get("/recognition/people/{person_id}", response={200: FrontlineOut, **ERRORS})
def person_record(request: HttpRequest, person_id: int) -> Any:
    """The person's frontline record: figures counted from the source tables and the records
    of their organisation."""
    actor = actor_of(request)
    person = sel.access_person(actor, person_id)
    r = frontline_record(actor=actor, person=person)
    return {
        "person_id": r.person_id,
        "name": r.name,
        "deployment_days": r.deployment_days,
        "deployments": [vars(d) for d in r.deployments],
        "hours": r.hours,
        "activity_hours": r.activity_hours,
        "shift_hours": r.shift_hours,
        "care_contacts": r.care_contacts,
        "requests_done": r.requests_done,
        "shifts_worked": r.shifts_worked,
        "entries": [entry_row(e) for e in r.entries],
        "nominations": [nomination_row(n) for n in r.nominations],
        "commendations": [commendation_row(c) for c in r.commendations],
        "accountability": [
            {
                "id": a.pk,
                "org": a.org.name,
                "finding": a.finding,
                "decision": a.decision,
                "authority": a.authority,
                "decided_on": a.decided_on,
            }
            for a in r.accountability
        ],
        "activist": [
            {
                "id": a.pk,
                "org": a.org.name,
                "found_where": a.found_where,
                "found_on": a.found_on,
                "note": a.note,
            }
            for a in r.activist
        ],
    }


@router.post(
    "/recognition/people/{person_id}/entries",
    response={200: EntryOut, 201: EntryOut, **ERRORS},
)
def add_entry(request: HttpRequest, person_id: int, payload: EntryIn) -> Status[dict[str, Any]]:
    """Write an entry into the person's frontline record (201): `happened_on` (YYYY-MM-DD, not
    in the future) and `text`; `org_id` defaults to the person's party organisation."""
    actor = actor_of(request)
    person = sel.access_person(actor, person_id)
    org = None
    if payload.org_id is not None:
        org = outreach_policies.actor_orgs(actor).filter(pk=payload.org_id).first()
        if org is None:
            raise field_error("org_id", _("Choose an organisation you record for."))

    def action() -> tuple[int, int]:
        e = services.frontline_entry_add(
            actor=actor,
            person=person,
            org=org,
            happened_on=payload.happened_on or None,
            text=payload.text,
        )
        return 201, e.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    entry = sel.person_entries(actor, person).get(pk=pk)
    return Status(status, entry_row(entry))


@router.get("/recognition/commendations", response={200: CommendationPageOut, **ERRORS})
def commendations(request: HttpRequest, filters: Query[CommendationQuery]) -> Any:
    actor = actor_of(request)
    rows = sel.commendation_list(actor, search_text(filters.q))
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "items": [commendation_row(c) for c in page]}


@router.get(
    "/recognition/commendations/{commendation_id}", response={200: CommendationDetailOut, **ERRORS}
)
def commendation(request: HttpRequest, commendation_id: int) -> Any:
    actor = actor_of(request)
    c = sel.access_commendation(actor, commendation_id)
    return {
        **commendation_row(c),
        "decision_text": c.decision_text,
        "nominations": [nomination_row(n) for n in sel.commendation_nominees(actor, c)],
    }
