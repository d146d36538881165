"""The study API (主题党日, M3): the caller's programmes with their own progress, one programme
with its materials, marking a material studied with a reflection, and the completion figures
(?org= to drill down). Same rules as the pages: 404 for what the caller may not see, 403 for what
they see but may not do, 422 naming the field; `{}` changes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from core.api import ErrorOut
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.http import actor_of
from core.pagination import search_text
from outreach import study
from outreach import study_selectors as sel
from outreach.api.study_schemas import (
    CompletionOut,
    CompletionQuery,
    ProgrammeDetailOut,
    ProgrammePageOut,
    ProgrammeQuery,
    RecordOut,
    StudyIn,
)
from outreach.models import StudyProgramme
from outreach.study_selectors import CompletionRow, Progress

router = Router(tags=["study"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
NOT_STARTED_LIMIT = 200


def _progress(p: Progress) -> dict[str, Any]:
    return {"studied": p.studied, "total": p.total, "percent": p.percent, "complete": p.complete}


def _programme(p: StudyProgramme, progress: Progress, taking_part: bool) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "place_id": p.place_id,
        "open": sel.in_window(p),
        "materials": progress.total,
        "taking_part": taking_part,
        "progress": _progress(progress),
    }


def _row(r: CompletionRow) -> dict[str, Any]:
    return {
        "key": str(r.key),
        "label": r.label,
        "org_id": r.org_id,
        "members": r.members,
        "started": r.started,
        "completed": r.completed,
        "not_started": r.not_started,
    }


@router.get("/study/programmes", response={200: ProgrammePageOut, **ERRORS})
def programmes(request: HttpRequest, query: Query[ProgrammeQuery]) -> Any:
    """Programmes the caller takes part in or oversees, newest first, with own progress."""
    actor = actor_of(request)
    rows = sel.programme_list(actor, search_text(query.q))
    page = list(rows[query.offset : query.offset + query.limit])
    progress = sel.own_progress_many(actor, page)
    member = sel.own_member(actor)
    items = [
        _programme(p, progress[p.pk], member is not None and sel.takes_part(p, member.org))
        for p in page
    ]
    return {"items": items, "count": rows.count()}


@router.get("/study/programmes/{programme_id}", response={200: ProgrammeDetailOut, **ERRORS})
def programme(request: HttpRequest, programme_id: int) -> Any:
    """One programme: its materials (✓ studied by the caller) and the caller's progress."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    materials = sel.programme_materials(actor, p)
    progress = Progress(sum(1 for m in materials if getattr(m, "studied", False)), len(materials))
    out = _programme(p, progress, sel.takes_part_member(actor, p) is not None)
    out["intro"] = p.intro
    out["material_list"] = [
        {
            "id": m.pk,
            "position": m.position,
            "title": m.title,
            "source": m.source,
            "issued_on": m.issued_on,
            "studied": m.studied,  # type: ignore[attr-defined]
        }
        for m in materials
    ]
    return out


@router.post("/study/materials/{material_id}/study", response={200: RecordOut, **ERRORS})
def study_material(request: HttpRequest, material_id: int, payload: StudyIn) -> Any:
    """Mark a material studied (`studied: true`) and/or save a reflection (which marks it studied
    too). Twice: one record. `{}` or `studied: false` without a reflection: 422, nothing changes."""
    actor = actor_of(request)
    m = sel.access_material(actor, material_id)
    if payload.reflection is None and payload.studied is not True:
        raise field_error("studied", _("Send studied: true or a reflection."), CoreError.REQUIRED)
    if sel.takes_part_member(actor, m.programme) is None:
        raise NotAllowed(_("Your party organisation does not take part in this programme."))
    if payload.reflection is not None:
        record = study.reflection_write(actor=actor, material=m, text=payload.reflection)
    else:
        record = study.material_study(actor=actor, material=m)
    return {
        "material_id": m.pk,
        "studied_at": record.studied_at,
        "reflection": record.reflection,
        "reflected_at": record.reflected_at,
        "progress": _progress(sel.own_progress(actor, m.programme)),
    }


@router.get("/study/programmes/{programme_id}/completion", response={200: CompletionOut, **ERRORS})
def completion(request: HttpRequest, programme_id: int, query: Query[CompletionQuery]) -> Any:
    """Members / started / completed / not started in total and per child organisation of `org`
    (per organisation taking part, area and unit at the top), and who has not started (names)."""
    actor = actor_of(request)
    p = sel.access_programme(actor, programme_id)
    if not sel.reads_completion(actor):
        raise NotAllowed(_("Only the offices and unit admins over the members see completion."))
    org = sel.access_completion_org(actor, p, query.org)
    c = sel.completion(actor, p, org)
    waiting = sel.not_started(actor, p, org)
    return {
        "programme_id": p.pk,
        "org_id": org.pk if org else None,
        "materials": c.materials,
        "total": _row(c.total),
        "rows": [_row(r) for r in c.rows],
        "areas": [_row(r) for r in c.areas],
        "units": [_row(r) for r in c.units],
        "not_started": [
            {"name": m.person.name, "org": m.org.name} for m in waiting[:NOT_STARTED_LIMIT]
        ],
        "not_started_count": c.total.not_started,
    }
