"""Duty through the API (M5–M7, M13): a worker's own posts, zones and shifts with check-in and
check-out (from a phone), the roster of a community's day with its gaps and who is on duty now
(offices), patrol findings, hours served, and a worker's need.

Same rules as the pages: 404 for what the caller may not see, 403 for what they may see but not
do, 422 naming each wrong field; nothing changes on any refusal. Check-in and check-out act on
the assignment's own shift; a `shift_id` sent with them must be that shift (a phone that read an
older roster is told, not checked in elsewhere). A finding or a need sent again with
the same `idempotency_key` (or `Idempotency-Key` header) is recorded once: the replay is 200.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.actor import Actor
from core.api import ErrorOut, api_once
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error, rename_fields
from core.http import actor_of
from mobilisation import hours as duty_hours
from mobilisation import patrols, roster, roster_selectors, wellbeing
from mobilisation.api.duty_schemas import (
    CheckIn,
    FindingIn,
    FindingOut,
    HoursOut,
    HoursQuery,
    MineOut,
    MyShiftOut,
    NeedIn,
    NeedOut,
    OnDutyOut,
    OnDutyQuery,
    RosterOut,
    RosterQuery,
)
from mobilisation.duty_querysets import OFFICE_ROLES
from mobilisation.error_codes import MobilisationError
from mobilisation.models import (
    FindingKind,
    NeedKind,
    PatrolFinding,
    PostKind,
    ShiftAssignment,
    WorkerNeed,
)
from mobilisation.patrol_selectors import access_patrol
from mobilisation.policies import managed_communities
from mobilisation.post_selectors import my_posts, my_zones, zone_places
from mobilisation.roster_selectors import access_shift_assignment, my_shifts
from places.models import Place, PlaceKind

router = Router(tags=["duty"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# The services' field names → the API's.
API_NAMES = {"building": "building_id", "resident": "resident_id", "worker": "worker_id"}
MY_SHIFTS_MAX = 50


def _renamed(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e


def _name(user: Any) -> str:
    return str(user.display_name or user.username)


# ---- the worker's own (duty:mine) -----------------------------------------------------------


def _shift_row(a: ShiftAssignment, now: datetime.datetime) -> dict[str, Any]:
    opens = a.starts_at - roster.CHECK_IN_EARLY
    return {
        "shift_assignment_id": a.pk,
        "shift_id": a.shift_id,
        "post_id": a.shift.post_id,
        "post": a.shift.post.name,
        "community_id": a.community_id,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "label": roster.shift_label(a.starts_at, a.ends_at),
        "checked_in_at": a.checked_in_at,
        "checked_out_at": a.checked_out_at,
        "hours": a.hours,
        "can_check_in": a.checked_in_at is None and opens <= now < a.ends_at,
        "can_check_out": a.checked_in_at is not None and a.checked_out_at is None,
    }


@router.get("/duty/mine", response={200: MineOut, **ERRORS})
def mine(request: HttpRequest) -> Any:
    """The caller's posts (leading or member), zones, and shifts of today and later with their
    check-in state and whether check-in is open now."""
    actor = actor_of(request)
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    me = actor.user_id
    now = timezone.now()
    zones = my_zones(actor)
    places = zone_places([z.pk for z in zones])
    return {
        "posts": [
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "kind_label": str(PostKind(p.kind).label),
                "community_id": p.community_id,
                "community": p.community.name,
                "location": p.location,
                "duties": p.duties,
                "leader": _name(p.leader) if p.leader_id and p.leader else "",
                "leads": p.leader_id == me,
            }
            for p in my_posts(actor)
        ],
        "zones": [
            {
                "id": z.pk,
                "name": z.name,
                "community_id": z.community_id,
                "leader": _name(z.leader) if z.leader_id and z.leader else "",
                "leads": z.leader_id == me,
                "places": [pl.name for pl in places.get(z.pk, [])],
            }
            for z in zones
        ],
        "shifts": [_shift_row(a, now) for a in my_shifts(actor, now, limit=MY_SHIFTS_MAX)],
    }


def _same_shift(assignment: ShiftAssignment, shift_id: int | None) -> ShiftAssignment:
    # The assignment implies its shift; a shift named by the caller must be that one.
    if shift_id is not None and shift_id != assignment.shift_id:
        raise field_error(
            "shift_id", _("This is not the shift of this assignment."), MobilisationError.MISMATCH
        )
    return assignment


@router.post(
    "/shift-assignments/{shift_assignment_id}/check-in", response={200: MyShiftOut, **ERRORS}
)
def check_in(request: HttpRequest, shift_assignment_id: int, payload: CheckIn) -> Any:
    """The person on the shift checks in (from 30 minutes before the start to the end); again
    answers the first check-in. `shift_id` (optional): the assignment's shift, if sent."""
    actor = actor_of(request)
    target = _same_shift(access_shift_assignment(actor, shift_assignment_id), payload.shift_id)
    roster.shift_check_in(actor=actor, assignment=target)
    return _shift_row(access_shift_assignment(actor, shift_assignment_id), timezone.now())


@router.post(
    "/shift-assignments/{shift_assignment_id}/check-out", response={200: MyShiftOut, **ERRORS}
)
def check_out(request: HttpRequest, shift_assignment_id: int, payload: CheckIn) -> Any:
    """The person checks out after checking in: the hours are set. `shift_id` as above."""
    actor = actor_of(request)
    target = _same_shift(access_shift_assignment(actor, shift_assignment_id), payload.shift_id)
    roster.shift_check_out(actor=actor, assignment=target)
    return _shift_row(access_shift_assignment(actor, shift_assignment_id), timezone.now())


# ---- the offices' roster -------------------------------------------------------------------


def _reads_roster(actor: Actor, community: Place) -> bool:
    return actor.is_superuser or any(
        community.path.startswith(g.place_path) for g in actor.place_grants(OFFICE_ROLES)
    )


def _office_community(actor: Actor, community_id: int | None) -> Place:
    """The community asked for (in the caller's area), or the one the caller manages."""
    if not actor.is_superuser and not actor.has_role(OFFICE_ROLES):
        raise NotAllowed(_("Only the offices of the community and above read its roster."))
    if community_id is None:
        managed = managed_communities(actor)
        if len(managed) != 1:
            raise field_error("community", _("Choose a community."), CoreError.REQUIRED)
        community_id = managed[0]
    found = Place.objects.for_actor(actor).filter(pk=community_id, kind=PlaceKind.COMMUNITY).first()
    if found is None or not _reads_roster(actor, found):
        raise field_error("community", _("Choose a community in your area."), CoreError.NOT_FOUND)
    return found


def _person(a: ShiftAssignment, health: str) -> dict[str, Any]:
    return {
        "shift_assignment_id": a.pk,
        "user_id": a.user_id,
        "name": _name(a.user),
        "health": health,
        "checked_in_at": a.checked_in_at,
        "checked_out_at": a.checked_out_at,
    }


@router.get("/duty/roster", response={200: RosterOut, **ERRORS})
def roster_day(request: HttpRequest, query: Query[RosterQuery]) -> Any:
    """The shifts of a community's day (local; default today) with the people on them, each
    with today's worker health (fit, unwell, not_reported); `gap` is how many more are needed,
    `flagged` how many are unwell or have not reported. A community's admin may leave out
    `community`."""
    actor = actor_of(request)
    community = _office_community(actor, query.community)
    day = query.day or timezone.localdate()
    rows = []
    for r in roster_selectors.roster(actor, community.pk, day):
        s = r.shift
        rows.append(
            {
                "shift_id": s.pk,
                "post_id": s.post_id,
                "post": s.post.name,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "label": roster.shift_label(s.starts_at, s.ends_at),
                "needed": s.needed,
                "assigned": r.assigned,
                "gap": r.gap,
                "flagged": r.flagged,
                "people": [_person(p.assignment, p.health) for p in r.people],
            }
        )
    return {
        "community_id": community.pk,
        "community": community.name,
        "day": day,
        "shifts": rows,
        "gaps": sum(1 for r in rows if r["gap"]),
    }


@router.get("/duty/on-duty", response={200: list[OnDutyOut], **ERRORS})
def on_duty(request: HttpRequest, query: Query[OnDutyQuery]) -> Any:
    """Who is on a shift now (its time has come and it is not over, not checked out), with
    whether they checked in; an office sees its area (`community` narrows it), a worker their
    post's people."""
    actor = actor_of(request)
    now = timezone.now()
    rows = (
        ShiftAssignment.objects.for_actor(actor)
        .active()
        .filter(
            starts_at__lte=now,
            ends_at__gt=now,
            checked_out_at__isnull=True,
            shift__cancelled_at__isnull=True,
        )
        .select_related("user", "shift__post")
        .order_by("shift__post__name", "starts_at", "pk")
    )
    if query.community is not None:
        rows = rows.filter(community_id=query.community)
    return [
        {
            "shift_assignment_id": a.pk,
            "user_id": a.user_id,
            "name": _name(a.user),
            "post_id": a.shift.post_id,
            "post": a.shift.post.name,
            "community_id": a.community_id,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "checked_in_at": a.checked_in_at,
        }
        for a in rows[:500]
    ]


# ---- patrols, hours, needs -------------------------------------------------------------------


def _finding_row(f: PatrolFinding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "patrol_id": f.patrol_id,
        "kind": f.kind,
        "kind_label": str(FindingKind(f.kind).label),
        "at": f.at,
        "building_id": f.building_id,
        "where": f.where,
        "details": f.details,
        "resident_id": f.resident_id,
        "request_id": f.request_id,
        "case_id": f.case_id,
    }


def _access_finding(actor: Actor, finding_id: int) -> PatrolFinding:
    found = PatrolFinding.objects.for_actor(actor).filter(pk=finding_id).first()
    if found is None:
        raise Http404
    return found


@router.post("/patrols/{patrol_id}/findings", response={200: FindingOut, 201: FindingOut, **ERRORS})
def record_finding(
    request: HttpRequest, patrol_id: int, payload: FindingIn
) -> Status[dict[str, Any]]:
    """A patroller records what they saw on an open round (201). With `resident_id`,
    `to_request` (a request category) files a resident request and `to_case` opens a triage
    case, in the same step; when the caller may not, nothing is saved and the field says who
    can."""
    actor = actor_of(request)
    patrol = access_patrol(actor, patrol_id)

    def action() -> tuple[int, int]:
        found = _renamed(
            lambda: patrols.finding_record(
                actor=actor,
                patrol=patrol,
                kind=payload.kind,
                details=payload.details,
                where=payload.where,
                building_id=payload.building_id,
                resident_id=payload.resident_id,
                to_request=payload.to_request,
                to_case=payload.to_case,
            )
        )
        return 201, found.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, _finding_row(_access_finding(actor, pk)))


@router.get("/duty/hours", response={200: HoursOut, **ERRORS})
def hours(request: HttpRequest, query: Query[HoursQuery]) -> Any:
    """Hours served (activities + checked-out shifts) per `by` = person, unit or community
    that the caller may see, most first; `since` / `until` local days."""
    actor = actor_of(request)
    if query.by not in duty_hours.GROUPS:
        raise field_error("by", _("Choose person, unit or community."), CoreError.INVALID)
    if query.since and query.until and query.until < query.since:
        raise field_error("until", _("The end comes before the start."), CoreError.ORDER)
    rows = duty_hours.hours_label(
        query.by,
        duty_hours.hours_rows(actor, by=query.by, since=query.since, until=query.until),
    )
    totals = duty_hours.hours_totals(rows)
    return {
        "by": query.by,
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "activity": r.activity,
                "shift": r.shift,
                "total": r.total,
            }
            for r in rows
        ],
        **totals,
    }


def _access_need(actor: Actor, need_id: int) -> WorkerNeed:
    found = WorkerNeed.objects.for_actor(actor).filter(pk=need_id).first()
    if found is None:
        raise Http404
    return found


@router.post("/worker-needs", response={200: NeedOut, 201: NeedOut, **ERRORS})
def file_need(request: HttpRequest, payload: NeedIn) -> Status[dict[str, Any]]:
    """A worker's difficulty (meals, commuting, family…) for the street to answer: for oneself,
    or by a community's admin for a worker (`worker_id`). 201; a replay of the key is 200."""
    actor = actor_of(request)

    def action() -> tuple[int, int]:
        need = _renamed(
            lambda: wellbeing.need_file(
                actor=actor, kind=payload.kind, details=payload.details, worker_id=payload.worker_id
            )
        )
        return 201, need.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    n = _access_need(actor, pk)
    return Status(
        status,
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": str(NeedKind(n.kind).label),
            "details": n.details,
            "worker_id": n.worker_id,
            "community_id": n.community_id,
            "status": n.status,
            "filed_at": n.filed_at,
        },
    )
