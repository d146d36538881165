"""Patrols (巡查巡防巡控), M7: routes, rounds and findings. A finding about a resident becomes
a resident request (service_requests.filing.request_file) or a triage case
(triage.cases.case_open) in the same transaction: the finding and what it raised are saved
together or not at all, and each keeps its own rules on who may raise it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text, normalize_line
from mobilisation.crew import clean_ids, crew_ids_among
from mobilisation.error_codes import MobilisationError
from mobilisation.models import FindingKind, Patrol, PatrolFinding, PatrolRoute
from mobilisation.policies import manages, may_record_finding, works_in
from people.models import Resident
from places.models import Place, PlaceKind

NAME_MAX = 80
CHECKPOINTS_MAX = 400
NOTE_MAX = 200
PATROL_NOTE_MAX = 300
DETAILS_MAX = 400
WHERE_MAX = 120


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


def _checkpoints(value: Any) -> str:
    lines = [normalize_line(line) for line in str(value or "").splitlines()]
    text = "\n".join(line for line in lines if line)
    if len(text) > CHECKPOINTS_MAX:
        raise field_error(
            "checkpoints",
            _("Keep the checkpoints under %(max)s characters.") % {"max": CHECKPOINTS_MAX},
            CoreError.TOO_LONG,
        )
    return text


@transaction.atomic
def route_save(
    *,
    actor: Actor,
    route: PatrolRoute | None,
    community: Place,
    name: str,
    checkpoints: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> PatrolRoute:
    """Create a route (route None) or change one; the community's admin does."""
    now = now or timezone.now()
    if route is not None:
        route = PatrolRoute.objects.select_for_update().get(pk=route.pk)
        if route.community_id != community.pk:
            raise NotAllowed(_("This route belongs to another community."))
    if community.kind != PlaceKind.COMMUNITY or not manages(actor, community.pk):
        raise NotAllowed(_("Only the community's admin sets up its patrol routes."))
    name = clean_text(name, max_length=NAME_MAX, truncate=True)
    if not name:
        raise field_error("name", _("Give the route a name."), CoreError.REQUIRED)
    cleaned = _checkpoints(checkpoints)
    if route is None:
        route = PatrolRoute(
            community=community,
            community_path=community.path,
            created_by_id=_user_id(actor),
            created_at=now,
        )
    route.name = name
    route.checkpoints = cleaned
    route.note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    route.save()
    return route


@transaction.atomic
def route_close(
    *, actor: Actor, route: PatrolRoute, now: datetime.datetime | None = None
) -> PatrolRoute:
    """No new rounds on a closed route; its past rounds stay."""
    now = now or timezone.now()
    if not manages(actor, route.community_id):
        raise NotAllowed(_("Only the community's admin closes its patrol routes."))
    route = PatrolRoute.objects.select_for_update().get(pk=route.pk)
    if route.closed_at is not None:
        raise field_error("route", _("This route is already closed."), CoreError.CLOSED)
    route.closed_at = now
    route.save(update_fields=["closed_at"])
    return route


@transaction.atomic
def patrol_start(
    *,
    actor: Actor,
    route: PatrolRoute,
    patroller_ids: Iterable[object] = (),
    now: datetime.datetime | None = None,
) -> Patrol:
    """A worker of the community starts a round (they are a patroller, with any others named)."""
    now = now or timezone.now()
    if not works_in(actor, route.community_path):
        raise NotAllowed(_("Only people working in this community patrol it."))
    me = _user_id(actor)
    route = PatrolRoute.objects.select_for_update().get(pk=route.pk)
    if route.closed_at is not None:
        raise field_error("route", _("This route is closed."), CoreError.CLOSED)
    others = clean_ids(patroller_ids)
    if others is None:
        raise field_error(
            "patrollers", _("Choose the patrollers from the list."), CoreError.INVALID
        )
    others = [i for i in others if i != me]
    if others and crew_ids_among(route.community_path, others) != set(others):
        raise field_error(
            "patrollers",
            _("Every patroller must work in this community."),
            MobilisationError.NOT_WORKER,
        )
    patrol = Patrol.objects.create(
        community_id=route.community_id,
        community_path=route.community_path,
        route=route,
        started_by_id=me,
        started_at=now,
    )
    patrol.patrollers.add(me, *others)
    return patrol


def _locked_open(actor: Actor, patrol: Patrol, message: str) -> Patrol:
    if not may_record_finding(actor, patrol):
        raise NotAllowed(message)
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.ended_at is not None:
        raise field_error("patrol", _("This round has ended."), CoreError.ENDED)
    return patrol


@transaction.atomic
def patrol_end(
    *, actor: Actor, patrol: Patrol, note: str = "", now: datetime.datetime | None = None
) -> Patrol:
    """A patroller (or the community's admin) ends the round."""
    now = now or timezone.now()
    patrol = _locked_open(actor, patrol, _("Only the patrollers end their round."))
    patrol.ended_at = now
    patrol.note = clean_text(note, max_length=PATROL_NOTE_MAX, truncate=True)
    patrol.save(update_fields=["ended_at", "note"])
    return patrol


def _building(patrol: Patrol, building_id: object) -> Place | None:
    if building_id in (None, ""):
        return None
    ids = clean_ids([building_id])
    building = (
        Place.objects.filter(
            pk=ids[0], kind=PlaceKind.BUILDING, path__startswith=patrol.community_path
        ).first()
        if ids
        else None
    )
    if building is None:
        raise field_error(
            "building",
            _("Choose a building of this community."),
            MobilisationError.NOT_IN_COMMUNITY,
        )
    return building


def _resident(patrol: Patrol, resident_id: object) -> Resident | None:
    if resident_id in (None, ""):
        return None
    ids = clean_ids([resident_id])
    resident = (
        Resident.objects.select_related("person")
        .filter(pk=ids[0], community_id=patrol.community_id)
        .first()
        if ids
        else None
    )
    if resident is None:
        raise field_error(
            "resident",
            _("Choose a resident living in this community."),
            MobilisationError.NOT_IN_COMMUNITY,
        )
    return resident


def _file_request(
    actor: Actor, resident: Resident, category: str, details: str, now: datetime.datetime
) -> Any:
    from service_requests.filing import request_file
    from service_requests.models import RequestCategory

    if category not in RequestCategory.values:
        raise field_error("to_request", _("Choose what kind of help is needed."), CoreError.INVALID)
    who = _(
        "Only the grid worker of the resident's grid, the community's admin or the street "
        "file a request for a resident; tell one of them."
    )
    try:
        return request_file(
            actor=actor, resident=resident, category=category, details=details, now=now
        )
    except NotAllowed:
        raise field_error("to_request", who, MobilisationError.NOT_ALLOWED) from None
    except ValidationError as e:
        codes = {f: [x.code for x in errs] for f, errs in getattr(e, "error_dict", {}).items()}
        if "out_of_scope" in codes.get("resident", []):
            raise field_error("to_request", who, MobilisationError.NOT_ALLOWED) from None
        if "category" in codes:
            raise field_error(
                "to_request", _("Choose what kind of help is needed."), CoreError.INVALID
            ) from None
        raise


def _open_case(actor: Actor, resident: Resident, note: str) -> Any:
    from triage.cases import case_open
    from triage.models import Origin
    from triage.policies import OPEN_ROLES, may

    who = _(
        "Only the grid worker of the resident's grid, the community's admin or a health "
        "worker open a triage case; tell one of them."
    )
    if not may(actor, OPEN_ROLES):
        raise field_error("to_case", who, MobilisationError.NOT_ALLOWED)
    try:
        # Triage has no patrol origin: a patrol finding is a screening in the community.
        case, _created = case_open(
            actor=actor, resident=resident, origin=Origin.SCREENING, note=note
        )
    except NotAllowed:
        raise field_error("to_case", who, MobilisationError.NOT_ALLOWED) from None
    except ValidationError as e:
        codes = {f: [x.code for x in errs] for f, errs in getattr(e, "error_dict", {}).items()}
        if "scope" in codes.get("resident", []):
            raise field_error("to_case", who, MobilisationError.NOT_ALLOWED) from None
        raise
    return case


@transaction.atomic
def finding_record(
    *,
    actor: Actor,
    patrol: Patrol,
    kind: str,
    details: str,
    building_id: object = None,
    where: str = "",
    resident_id: object = None,
    to_request: str = "",
    to_case: bool = False,
    now: datetime.datetime | None = None,
) -> PatrolFinding:
    """Record a finding on an open patrol. `to_request` (a request category) files a request for
    the resident; `to_case` opens (or joins) their triage case. Both need the resident. When the
    actor may not raise what they ask for, nothing is saved (the field says who can)."""
    now = now or timezone.now()
    patrol = _locked_open(actor, patrol, _("Only the patrollers record findings on a round."))
    if kind not in FindingKind.values:
        raise field_error("kind", _("Choose what was found."), CoreError.INVALID)
    details = clean_text(details, max_length=DETAILS_MAX, truncate=True)
    if not details:
        raise field_error("details", _("Say what was seen."), CoreError.REQUIRED)
    where = clean_text(where, max_length=WHERE_MAX, truncate=True)
    building = _building(patrol, building_id)
    resident = _resident(patrol, resident_id)
    to_request = str(to_request or "")
    if (to_request or to_case) and resident is None:
        raise field_error(
            "resident",
            _("Choose the resident to make this a request or a triage case."),
            CoreError.REQUIRED,
        )
    text = f"{details} · {where}" if where else details
    request = None
    case = None
    if to_request and resident is not None:
        request = _file_request(actor, resident, to_request, text, now)
    if to_case and resident is not None:
        case = _open_case(actor, resident, text)
    if building is None and resident is not None:
        building = Place.objects.get(pk=resident.building_id)
    return PatrolFinding.objects.create(
        community_id=patrol.community_id,
        community_path=patrol.community_path,
        patrol=patrol,
        kind=kind,
        at=now,
        building=building,
        where=where,
        details=details,
        recorded_by_id=_user_id(actor),
        resident=resident,
        request=request,
        case=case,
    )
