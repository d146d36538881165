"""Screening through the API: a phone's offline queue syncs its visits here, and reads the floor
walk of a building. Same rules as the pages (health.screening): 403 for a role that does not
screen, 404 for a building outside the caller's area, 422 naming each wrong field
("members.<resident id>.temperature"). A visit sent twice with the same `idempotency_key` is
stored once: the second answer is 200 with the first visit."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from core.api import ErrorOut
from core.error_codes import CoreError
from core.errors import field_error
from core.http import actor_of
from health import rules
from health.models import ScreeningVisit
from health.screening import (
    access_screening_household,
    check_may_screen,
    member_findings,
    screening_visit_record,
)
from health.screening_selectors import access_screening_building, building_walk

router = Router(tags=["screening"])

ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MemberIn(Schema):
    resident_id: int
    presence: str = "present"  # present | away | refused
    temperature: str | float | None = None  # "36,8" and full-width digits are accepted
    symptoms: list[str] = []  # fever, cough, short_breath, fatigue, diarrhoea, taste_smell | none
    contact: bool = False
    declared: str = ""  # confirmed | suspected | febrile | close_contact


class VisitIn(Schema):
    household_id: int | None = None
    outcome: Literal["screened", "nobody_home"] = "screened"  # VisitOutcome
    members: list[MemberIn] = []
    note: str = ""
    idempotency_key: str | None = None  # the phone's queue id: a resend is stored once
    recorded_at: datetime.datetime | None = None  # when it was recorded offline


class VisitMemberOut(Schema):
    resident_id: int
    presence: str
    report_id: int | None


class VisitOut(Schema):
    id: int
    household_id: int
    building_id: int
    day: datetime.date
    slot: str
    outcome: str
    members: list[VisitMemberOut]
    present_count: int
    away_count: int
    refused_count: int
    abnormal_count: int
    campaign_id: int | None
    recorded_at: datetime.datetime
    created: bool = True


def _visit_out(visit: ScreeningVisit, created: bool) -> dict[str, object]:
    return {
        "id": visit.pk,
        "household_id": visit.household_id,
        "building_id": visit.building_id,
        "day": visit.day,
        "slot": visit.slot,
        "outcome": visit.outcome,
        "members": [
            {"resident_id": m["resident"], "presence": m["presence"], "report_id": m.get("report")}
            for m in visit.members or []
        ],
        "present_count": visit.present_count,
        "away_count": visit.away_count,
        "refused_count": visit.refused_count,
        "abnormal_count": visit.abnormal_count,
        "campaign_id": visit.campaign_id,
        "recorded_at": visit.recorded_at,
        "created": created,
    }


@router.post("/screening-visits", response={201: VisitOut, 200: VisitOut, **ERRORS})
def record_visit(request: HttpRequest, payload: VisitIn) -> Status[dict[str, object]]:
    """Record one visit at a household's door: each living member not yet reported this slot
    as present, away or refused (a report for each present or away member), or
    `outcome: nobody_home` with no members (a revisit is needed)."""
    actor = actor_of(request)
    check_may_screen(actor)
    if payload.household_id is None:
        raise field_error("household_id", _("Choose a household."), CoreError.REQUIRED)
    try:
        household = access_screening_household(actor, payload.household_id)
    except Http404:
        raise field_error(
            "household_id", _("There is no such household in your area."), CoreError.NOT_FOUND
        ) from None
    result = screening_visit_record(
        actor=actor,
        household=household,
        outcome=payload.outcome,
        members=member_findings([m.dict() for m in payload.members]),
        note=payload.note,
        idempotency_key=payload.idempotency_key,
        recorded_at=payload.recorded_at,
    )
    return Status(201 if result.created else 200, _visit_out(result.visit, result.created))


class HouseholdStateOut(Schema):
    household_id: int
    room: str
    members: int
    reported: int
    state: str  # todo | partly | reported | revisit | screened
    visit_at: datetime.datetime | None
    visit_by: str
    refused: int
    sweep_done: bool


class FloorOut(Schema):
    floor: int | None  # None: rooms without a number
    left: int
    households: list[HouseholdStateOut]


class BuildingWalkOut(Schema):
    building_id: int
    name: str
    day: datetime.date
    slot: str
    campaign_id: int | None
    total: int
    screened: int
    revisit: int
    todo: int
    left: int
    floors: list[FloorOut]


@router.get("/screening/buildings/{place_id}", response={200: BuildingWalkOut, **ERRORS})
def get_building_walk(request: HttpRequest, place_id: int) -> dict[str, object]:
    """A building floor by floor with each household's state today (what is left)."""
    actor = actor_of(request)
    building = access_screening_building(actor, place_id)
    day, slot = rules.current_slot()
    walk = building_walk(actor, building, day, slot)
    return {
        "building_id": building.pk,
        "name": building.name,
        "day": day,
        "slot": slot,
        "campaign_id": walk.campaign.pk if walk.campaign else None,
        "total": walk.total,
        "screened": walk.screened,
        "revisit": walk.revisit,
        "todo": walk.todo,
        "left": walk.left,
        "floors": [
            {
                "floor": f.number,
                "left": f.left,
                "households": [h.__dict__ for h in f.households],
            }
            for f in walk.floors
        ],
    }
