"""The opinion API (舆情, M15): the incidents the caller sees, reporting one, one incident with
its handling steps and rebuttals, recording a step. Same rules as the pages: 404 for what the
caller may not see, 403 for what they may see but not do, 422 naming each wrong field; `{}`
changes nothing (a required field is missing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.actor import Actor
from core.api import ErrorOut, api_once
from core.errors import field_error, rename_fields
from core.http import actor_of
from core.pagination import search_text
from notices import opinion as services
from notices import opinion_selectors as selectors
from notices.api.opinion_schemas import (
    ActionIn,
    IncidentDetailOut,
    IncidentIn,
    IncidentPageOut,
    IncidentQuery,
)
from notices.models import IncidentStatus, OpinionIncident, Urgency

router = Router(tags=["opinion"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def incident_row(actor: Actor, i: OpinionIncident) -> dict[str, Any]:
    return {
        "id": i.pk,
        "kind": i.kind,
        "summary": i.summary,
        "where_seen": i.where_seen,
        "reach": i.reach,
        "urgency": i.urgency,
        "status": i.status,
        "status_label": str(IncidentStatus(i.status).label),
        "street_id": i.street_id,
        "street": i.street.name,
        "community_id": i.community_id,
        "community": i.community.name if i.community else "",
        "reported_by": str(i.reported_by),
        "reported_at": i.reported_at,
        "closed_at": i.closed_at,
        "may_handle": services.handles_incident(actor, i),
    }


def _detail(actor: Actor, incident_id: int) -> dict[str, Any]:
    i = selectors.access_incident(actor, incident_id)
    row = incident_row(actor, i)
    row["actions"] = [
        {"id": a.pk, "at": a.at, "by": str(a.by), "note": a.note, "status": a.status}
        for a in selectors.incident_actions(actor, i)
    ]
    row["rebuttals"] = [
        {"id": n.pk, "title": n.title, "published_at": n.published_at}
        for n in selectors.incident_rebuttals(actor, i)
    ]
    return row


@router.get("/opinion/incidents", response={200: IncidentPageOut, **ERRORS})
def list_incidents(request: HttpRequest, query: Query[IncidentQuery]) -> Any:
    """Incidents the caller sees: open first, critical and urgent first. Filters: `status`
    (open, all, reported, handling, closed), `urgency`, `q`."""
    actor = actor_of(request)
    if query.status not in selectors.STATUS_FILTERS:
        raise field_error("status", _("Choose a status."))
    if query.urgency not in ("", *Urgency.values):
        raise field_error("urgency", _("Choose the urgency."))
    rows = selectors.incident_list(
        actor, q=search_text(query.q), status=query.status, urgency=query.urgency
    )
    page = rows[query.offset : query.offset + query.limit]
    return {"items": [incident_row(actor, i) for i in page], "count": rows.count()}


@router.post(
    "/opinion/incidents", response={200: IncidentDetailOut, 201: IncidentDetailOut, **ERRORS}
)
def report_incident(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    """Report a rumour or incident (`kind`: rumour or incident, `summary`, `where_seen`,
    `reach`, `urgency`, `place_id`). 201; the same `idempotency_key` again answers 200."""
    actor = actor_of(request)
    place = selectors.place_by_id(payload.place_id)
    if payload.place_id and place is None:
        raise field_error("place_id", _("Choose a street or community in your area."))

    def action() -> tuple[int, int]:
        try:
            made = services.incident_report(
                actor=actor,
                kind=payload.kind,
                summary=payload.summary,
                where_seen=payload.where_seen,
                reach=payload.reach,
                urgency=payload.urgency,
                place=place,
            )
        except ValidationError as e:
            raise rename_fields(e, {"place": "place_id"}) from e
        return 201, made.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, _detail(actor, pk))


@router.get("/opinion/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def get_incident(request: HttpRequest, incident_id: int) -> Any:
    return _detail(actor_of(request), incident_id)


@router.post(
    "/opinion/incidents/{incident_id}/actions",
    response={200: IncidentDetailOut, 201: IncidentDetailOut, **ERRORS},
)
def add_action(request: HttpRequest, incident_id: int, payload: ActionIn) -> Any:
    """Record a handling step: `status` (handling or closed; required) and `note` (required
    to close). The same `idempotency_key` again records nothing more and answers 200."""
    actor = actor_of(request)
    incident = selectors.access_incident(actor, incident_id)

    def action() -> tuple[int, int]:
        services.incident_act(
            actor=actor, incident=incident, note=payload.note, status=payload.status
        )
        return 201, incident_id

    status, _pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, _detail(actor, incident_id))
