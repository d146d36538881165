"""The supervision API (督导, M16): the inspections the caller sees, one with its checklist and
rectifications, and the follow-up of a rectification (reported done by the inspected place;
closed or reopened by the inspector or an office above). 404 for what the caller may not see,
403 for what they may see but not do, 422 naming each wrong field; `{}` changes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from core.actor import Actor
from core.api import ErrorOut
from core.http import actor_of
from core.pagination import search_text
from notices import supervision as services
from notices import supervision_selectors as selectors
from notices.api.supervision_schemas import (
    InspectionDetailOut,
    InspectionPageOut,
    InspectionQuery,
    RectificationOut,
    UpdateIn,
)
from notices.models import Inspection, Rectification, RectificationStatus

router = Router(tags=["supervision"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def inspection_row(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "place_id": i.place_id,
        "place": i.place.name,
        "team_id": i.team_id,
        "team": i.team.name if i.team else "",
        "inspector": str(i.inspector),
        "inspected_on": i.inspected_on,
        "summary": i.summary,
    }


def rectification_row(actor: Actor, r: Rectification) -> dict[str, Any]:
    overdue = getattr(r, "overdue", None)
    if overdue is None:
        overdue = r.status in selectors.DUE and r.deadline < timezone.localdate()
    return {
        "id": r.pk,
        "inspection_id": r.inspection_id,
        "finding": r.finding,
        "owner_name": r.owner_name,
        "owner_id": r.owner_id,
        "deadline": r.deadline,
        "status": r.status,
        "status_label": str(RectificationStatus(r.status).label),
        "overdue": bool(overdue),
        "updates": [
            {"id": u.pk, "at": u.at, "by": str(u.by), "note": u.note, "status": u.status}
            for u in selectors.rectification_updates(actor, r)
        ],
    }


@router.get("/supervision/inspections", response={200: InspectionPageOut, **ERRORS})
def list_inspections(request: HttpRequest, query: Query[InspectionQuery]) -> Any:
    """Inspections the caller sees, newest first; `q` searches place, team and summary."""
    actor = actor_of(request)
    rows = selectors.inspection_list(actor, q=search_text(query.q))
    page = rows[query.offset : query.offset + query.limit]
    return {"items": [inspection_row(i) for i in page], "count": rows.count()}


@router.get(
    "/supervision/inspections/{inspection_id}", response={200: InspectionDetailOut, **ERRORS}
)
def get_inspection(request: HttpRequest, inspection_id: int) -> Any:
    actor = actor_of(request)
    i = selectors.access_inspection(actor, inspection_id)
    row = inspection_row(i)
    row["items"] = [
        {"id": it.pk, "item": it.item, "result": it.result, "note": it.note}
        for it in selectors.inspection_items(actor, i)
    ]
    row["rectifications"] = [
        rectification_row(actor, r) for r in selectors.inspection_rectifications(actor, i)
    ]
    return row


@router.post(
    "/supervision/rectifications/{rectification_id}/updates",
    response={201: RectificationOut, **ERRORS},
)
def add_update(request: HttpRequest, rectification_id: int, payload: UpdateIn) -> Any:
    """`status`: "reported" (done, with a `note`; the inspected place), "closed" (verified) or
    "open" (reopened, with a `note`; the inspector or an office above)."""
    actor = actor_of(request)
    r = selectors.access_rectification(actor, rectification_id)
    services.rectification_update(
        actor=actor, rectification=r, status=payload.status, note=payload.note
    )
    return Status(201, rectification_row(actor, selectors.access_rectification(actor, r.pk)))
