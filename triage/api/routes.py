"""Fever triage through the API: the health centre's queue, cases with their timeline, the
assessment, the disposition and the bed, the street's transfer queue, the sites and the
home-observation follow-ups.

Same rules as the pages: 404 for what the caller may not see (a case, site or follow-up outside
their area), 403 for what they may see but not do (a street office setting a category), 422
naming each wrong field; nothing changes on any of them. Lists show the person's name masked;
the case detail shows the name only to the health centre of the person's community and the grid
worker of their grid, who call them, and the phone masked to everyone, as the case page does
(in full through POST /api/residents/{resident_id}/reveal, recorded). A write sent again with
the same `idempotency_key` (or `Idempotency-Key` header) is done once: the replay answers 200
with the object as it is now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.actor import Actor
from core.api import ErrorOut, api_once
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error, rename_fields
from core.http import actor_of
from core.masking import mask_name, mask_phone
from core.pagination import PageQuery
from core.validators import normalize_text
from health import selectors as health_selectors
from health.api.flag_schemas import FlagNoteIn, FlagOut
from health.models import HealthFlag
from health.rules import symptom_bits, symptom_codes
from people.selectors import access_resident
from triage import cases as case_services
from triage import decisions, selectors
from triage import follow_ups as follow_up_services
from triage import policies as triage_policies
from triage.api.schemas import (
    AssessIn,
    BedIn,
    CaseDetailOut,
    CaseOpenIn,
    CasePageOut,
    CaseQuery,
    DispositionIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpPageOut,
    FollowUpQuery,
    QueueQuery,
    SitePageOut,
    SiteQuery,
    TransferQuery,
    TransfersOut,
)
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    Site,
    SiteKind,
    TriageCase,
)
from triage.policies import FOLLOW_UP_ROLES, OPEN_ROLES, may, names_person
from triage.querysets import CASE_ROLES

router = Router(tags=["triage"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
API_NAMES = {"resident": "resident_id", "site": "site_id"}


# ---- shared pieces ----------------------------------------------------------------------------


def _case_reader(request: HttpRequest) -> Actor:
    """The caller, when their role sees triage cases at all (else 403, as the pages)."""
    actor = actor_of(request)
    if not (actor.is_superuser or actor.has_role(CASE_ROLES)):
        raise NotAllowed(_("Your role does not see triage cases."))
    return actor


def _search(value: str) -> str:
    return normalize_text(value or "")[:50]


# What a list row shows of a case's relations. The selectors join all of CASE_RELATED (eight
# tables with the case); PostgreSQL's planning time grows steeply with each table in one join:
# at city scale ~35 ms to plan the queue page's query against ~1 ms with these (the query itself
# runs in ~1 ms; bench/triage_queues.py). The community and site names come in one small query
# each instead.
LIST_RELATED = ("resident__person", "household", "building")


def listed(cases: QuerySet[TriageCase]) -> QuerySet[TriageCase]:
    return (
        cases.select_related(None)
        .select_related(*LIST_RELATED)
        .prefetch_related("community", "site")
    )


def _page(rows: QuerySet[Any], query: PageQuery, out: Callable[[Any], dict[str, Any]]) -> Any:
    return {
        "items": [out(r) for r in rows[query.offset : query.offset + query.limit]],
        "count": rows.count(),
    }


def case_row(case: TriageCase) -> dict[str, Any]:
    """A case as lists show it: the name masked, no phone."""
    return {
        "id": case.pk,
        "status": case.status,
        "origin": case.origin,
        "category": case.category,
        "category_label": str(case.get_category_display()) if case.category else "",
        "disposition": case.disposition,
        "disposition_label": str(case.get_disposition_display()) if case.disposition else "",
        "name": mask_name(case.resident.person.name),
        "resident_id": case.resident_id,
        "household_id": case.household_id,
        "room": case.household.room,
        "building_id": case.building_id,
        "building": case.building.name,
        "grid_id": case.grid_id,
        "community_id": case.community_id,
        "community": case.community.name,
        "street_id": case.street_id,
        "site_id": case.site_id,
        "site": case.site.name if case.site is not None else "",
        "temperature": case.temperature,
        "symptoms": symptom_codes(case.symptoms),
        "note": case.note,
        "transport": case.transport,
        "first_flagged_at": case.first_flagged_at,
        "opened_at": case.opened_at,
        "triage_due_since": case.triage_due_since,
        "triaged_at": case.triaged_at,
        "bed_wanted_since": case.bed_wanted_since,
        "queue_alarm_at": case.queue_alarm_at,
        "observation_end": case.observation_end,
        "closed_at": case.closed_at,
        "close_reason": case.close_reason,
    }


def _event(e: CaseEvent) -> dict[str, Any]:
    return {
        "at": e.at,
        "kind": e.kind,
        "label": str(EventKind(e.kind).label) if e.kind in EventKind.values else e.kind,
        "by": str(e.by) if e.by_id else "",
        "from_value": e.from_value,
        "to_value": e.to_value,
        "reason": e.reason,
        "data": e.data or {},
    }


def case_detail(actor: Actor, case: TriageCase) -> dict[str, Any]:
    person = case.resident.person
    named = names_person(actor, case)
    return {
        **case_row(case),
        "name": person.name if named else mask_name(person.name),
        # Masked for everyone, as on the case page: in full only through the recorded reveal
        # (POST /api/residents/{resident_id}/reveal), whose roles and reason are the page's.
        "phone": mask_phone(person.phone),
        "named": named,
        "test_result": case.test_result,
        "index_case_id": case.index_case_id,
        "last_contact_on": case.last_contact_on,
        "observation_start": case.observation_start,
        "isolated_at": case.isolated_at,
        "hospitalised_at": case.hospitalised_at,
        "timeline": [_event(e) for e in selectors.case_timeline(actor, case)],
        "follow_ups": [
            {
                "id": f.pk,
                "day": f.day,
                "slot": f.slot,
                "due_at": f.due_at,
                "status": f.status,
                "level": f.level,
                "source": f.source,
                "temperature": f.temperature,
                "symptoms": symptom_codes(f.symptoms),
                "abnormal": f.abnormal,
            }
            for f in selectors.case_follow_ups(case)
        ],
        "contacts": [
            {
                "id": c.pk,
                "name": c.resident.person.name
                if names_person(actor, c)
                else mask_name(c.resident.person.name),
                "category": c.category,
                "disposition": c.disposition,
                "status": c.status,
                "last_contact_on": c.last_contact_on,
            }
            for c in selectors.case_contacts(actor, case)
        ],
    }


def site_row(site: Site) -> dict[str, Any]:
    return {
        "id": site.pk,
        "kind": site.kind,
        "kind_label": str(site.get_kind_display()),
        "name": site.name,
        "address": site.address,
        "phone": site.phone,
        "place_id": site.place_id,
        "place": site.place.name,
        "capacity": site.capacity,
        "occupied": site.occupied,
        "free": site.free,
        "is_active": site.is_active,
    }


def follow_up_row(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "case_id": f.case_id,
        "resident_id": f.resident_id,
        "name": mask_name(f.resident.person.name),
        "building": f.case.building.name,
        "grid_id": f.grid_id,
        "community_id": f.community_id,
        "day": f.day,
        "slot": f.slot,
        "due_at": f.due_at,
        "status": f.status,
        "level": f.level,
        "escalated_at": f.escalated_at,
        "source": f.source,
        "temperature": f.temperature,
        "symptoms": symptom_codes(f.symptoms),
        "abnormal": f.abnormal,
        "note": f.note,
        "done_at": f.done_at,
        "case_waits_for_triage": f.case.triage_due_since is not None,
    }


def _symptoms(codes: list[str]) -> int:
    return symptom_bits(codes)


def _site(actor: Actor, site_id: int | None, *, required: bool) -> Site | None:
    if site_id is None:
        if required:
            raise field_error("site_id", _("Choose a site."), CoreError.REQUIRED)
        return None
    try:
        return selectors.access_site(actor, site_id)
    except Http404:
        raise field_error(
            "site_id", _("There is no such site in your area."), CoreError.NOT_FOUND
        ) from None


def _renamed(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValidationError as e:
        raise rename_fields(e, API_NAMES) from e


# ---- the health centre's queue and the case list -----------------------------------------------


@router.get("/triage/queue", response={200: CasePageOut, **ERRORS})
def get_queue(request: HttpRequest, query: Query[QueueQuery]) -> Any:
    """People waiting for triage in the communities the caller serves, longest wait first
    (opened, or sent back by a follow-up with fever). `community` narrows to one of them."""
    actor = _case_reader(request)
    rows = selectors.triage_queue(actor, q=_search(query.q), community_id=query.community)
    return _page(listed(rows), query, case_row)


CASE_STATUSES = (*CaseStatus.values, "all")


@router.get("/triage/cases", response={200: CasePageOut, **ERRORS})
def list_cases(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    """Cases of the caller's area, newest first: open ones unless `status` says closed or all;
    `category` and `disposition` take a value or "none"; `place` any place below."""
    actor = _case_reader(request)
    if query.status not in CASE_STATUSES:
        raise field_error("status", _("Choose open, closed or all."))
    if query.category not in ("", "none", *Category.values):
        raise field_error("category", _("Choose a category, or none."))
    if query.disposition not in ("", "none", *Disposition.values):
        raise field_error("disposition", _("Choose a disposition, or none."))
    rows = selectors.case_list(
        actor,
        q=_search(query.q),
        status="" if query.status == "all" else query.status,
        category=query.category,
        disposition=query.disposition,
        place_id=query.place,
    )
    return _page(listed(rows), query, case_row)


@router.get("/triage/cases/{case_id}", response={200: CaseDetailOut, **ERRORS})
def get_case(request: HttpRequest, case_id: int) -> Any:
    """One case with its timeline (who did what, when and why), its follow-ups and contacts."""
    actor = actor_of(request)
    return case_detail(actor, selectors.access_case(actor, case_id))


# ---- writes on a case -------------------------------------------------------------------------


@router.post("/triage/cases", response={200: CaseDetailOut, 201: CaseDetailOut, **ERRORS})
def open_case(request: HttpRequest, payload: CaseOpenIn) -> Status[dict[str, Any]]:
    """Open a case for a resident of the caller's area (201), or join the one already open for
    them (200): a person never has two open cases."""
    actor = actor_of(request)
    if not may(actor, OPEN_ROLES):
        raise NotAllowed(_("Only grid workers, community admins and health workers open cases."))

    def action() -> tuple[int, int]:
        if payload.resident_id is None:
            raise field_error("resident_id", _("Choose a resident."), CoreError.REQUIRED)
        try:
            resident = access_resident(actor, payload.resident_id)
        except Http404:
            raise field_error(
                "resident_id", _("There is no such resident in your area."), CoreError.NOT_FOUND
            ) from None
        case, created = _renamed(
            lambda: case_services.case_open(
                actor=actor, resident=resident, origin=payload.origin, note=payload.note
            )
        )
        return (201 if created else 200), case.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, case_detail(actor, selectors.access_case(actor, pk)))


@router.post("/triage/cases/{case_id}/assessment", response={200: CaseDetailOut, **ERRORS})
def assess_case(request: HttpRequest, case_id: int, payload: AssessIn) -> Any:
    """The health centre's assessment and category (a change of category needs a reason)."""
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    if not triage_policies.may_assess(actor):
        raise NotAllowed(_("Your role may not do this to a case."))

    def action() -> tuple[int, int]:
        decisions.case_assess(
            actor=actor,
            case=case,
            category=payload.category,
            temperature=payload.temperature,
            symptoms=_symptoms(payload.symptoms),
            test_result=payload.test_result,
            notes=payload.notes,
            reason=payload.reason,
        )
        return 200, case.pk

    api_once(request, actor, payload.idempotency_key, action)
    return case_detail(actor, selectors.access_case(actor, case_id))


@router.post("/triage/cases/{case_id}/disposition", response={200: CaseDetailOut, **ERRORS})
def set_disposition(request: HttpRequest, case_id: int, payload: DispositionIn) -> Any:
    """Where the person goes (community or street office). A hospital or isolation site puts
    them in the street's transfer queue, or gives them a bed at once with `site_id`; home
    observation plans the follow-ups; released closes the case."""
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    if not triage_policies.may_dispose(actor):
        raise NotAllowed(_("Your role may not do this to a case."))

    def action() -> tuple[int, int]:
        site = _site(actor, payload.site_id, required=False)
        _renamed(
            lambda: decisions.case_disposition_set(
                actor=actor,
                case=case,
                disposition=payload.disposition,
                reason=payload.reason,
                site=site,
            )
        )
        return 200, case.pk

    api_once(request, actor, payload.idempotency_key, action)
    return case_detail(actor, selectors.access_case(actor, case_id))


@router.post("/triage/cases/{case_id}/bed", response={200: CaseDetailOut, **ERRORS})
def assign_bed(request: HttpRequest, case_id: int, payload: BedIn) -> Any:
    """A bed (or room) at a site with room for a person waiting in the transfer queue; a full
    site refuses (422 on `site_id`) and nothing changes."""
    actor = actor_of(request)
    case = selectors.access_case(actor, case_id)
    if not triage_policies.may_dispose(actor):
        raise NotAllowed(_("Your role may not do this to a case."))

    def action() -> tuple[int, int]:
        site = _site(actor, payload.site_id, required=True)
        assert site is not None
        _renamed(lambda: decisions.bed_assign(actor=actor, case=case, site=site))
        return 200, case.pk

    api_once(request, actor, payload.idempotency_key, action)
    return case_detail(actor, selectors.access_case(actor, case_id))


# ---- the street's transfer queue and the sites -------------------------------------------------


@router.get("/triage/transfers", response={200: TransfersOut, **ERRORS})
def get_transfers(request: HttpRequest, query: Query[TransferQuery]) -> Any:
    """People waiting for a bed (应收尽收), longest wait first, and the first of those triaged
    into the four categories who still have no disposition; `street` narrows to one street."""
    actor = _case_reader(request)
    waiting = listed(selectors.transfer_queue(actor, street_id=query.street))
    awaiting = listed(selectors.awaiting_disposition(actor, street_id=query.street))
    page = _page(waiting, query, case_row)
    return {
        **page,
        "awaiting_disposition": [case_row(c) for c in awaiting[: query.limit]],
        "awaiting_disposition_count": awaiting.count(),
    }


@router.get("/triage/sites", response={200: SitePageOut, **ERRORS})
def list_sites(request: HttpRequest, query: Query[SiteQuery]) -> Any:
    """Designated hospitals and isolation sites serving the caller's area, with free places."""
    actor = _case_reader(request)
    if query.kind not in ("", *SiteKind.values):
        raise field_error("kind", _("Choose a designated hospital or an isolation site."))
    return _page(selectors.sites_for(actor, kind=query.kind), query, site_row)


# ---- home-observation follow-ups ----------------------------------------------------------------

FOLLOW_UP_VIEWS = ("overdue", "today")
FOLLOW_UP_LEVELS = (FollowUpLevel.GRID_WORKER, FollowUpLevel.HEALTH_CENTRE)


@router.get("/triage/follow-ups", response={200: FollowUpPageOut, **ERRORS})
def list_follow_ups(request: HttpRequest, query: Query[FollowUpQuery]) -> Any:
    """Empty follow-up slots past their deadline (`level` grid_worker: the grid worker's list,
    with the ones already with the health centre; health_centre: only those), oldest first; or
    `view=today`: today's follow-ups."""
    actor = _case_reader(request)
    if query.view not in FOLLOW_UP_VIEWS:
        raise field_error("view", _("Choose overdue or today."))
    if query.level not in FOLLOW_UP_LEVELS:
        raise field_error("level", _("Choose the grid worker's or the health centre's list."))
    if query.view == "today":
        rows = selectors.follow_ups_today(actor)
    else:
        rows = selectors.follow_ups_overdue(actor, level=query.level, q=_search(query.q))
    return _page(rows, query, follow_up_row)


@router.post("/triage/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS})
def record_follow_up(request: HttpRequest, follow_up_id: int, payload: FollowUpIn) -> Any:
    """Record a follow-up for the person (a call or a visit at the door). Fever or a symptom
    sends them back to the health centre's queue (`case_waits_for_triage`)."""
    actor = actor_of(request)
    follow_up = selectors.access_follow_up(actor, follow_up_id)
    if not may(actor, FOLLOW_UP_ROLES):
        raise NotAllowed(_("Only grid workers, community admins and health workers do this."))

    def action() -> tuple[int, int]:
        follow_up_services.follow_up_record(
            actor=actor,
            follow_up=follow_up,
            temperature=payload.temperature,
            symptoms=_symptoms(payload.symptoms),
            note=payload.note,
        )
        return 200, follow_up.pk

    api_once(request, actor, payload.idempotency_key, action)
    return follow_up_row(selectors.access_follow_up(actor, follow_up_id))


# The hand-over of an abnormal-report flag: its path is health's, the case it opens triage's.
@router.post(
    "/health-flags/{flag_id}/handover",
    response={200: FlagOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def hand_over_flag(request: HttpRequest, flag_id: int, payload: FlagNoteIn) -> HealthFlag:
    """Hand the person over to triage: their case opens in the health centre's queue (or the
    open case takes the flag); GET /api/triage/cases?q=… finds it."""
    actor = actor_of(request)
    flag = health_selectors.access_flag(actor, flag_id)
    case_services.case_open_from_flag(actor=actor, flag=flag, note=payload.note)
    return health_selectors.access_flag(actor, flag_id)
