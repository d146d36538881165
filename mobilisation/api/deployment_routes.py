"""Cadre deployment through the API (M4): a cadre's own deployments and check-in by a link's
token (from a phone), the community admin's accept / decline / end, the list of the caller's
area or unit, the coverage figures per unit (应下尽下) and a unit's deployment call for one member.

Same rules as the pages: 404 for what the caller may not see, 403 for what they may see but not
do, 422 naming each wrong field, 409 when the deployment moved on since the caller read it;
nothing changes on any refusal. Every write needs a field an empty body lacks (`token`,
`from_status`, `call`), so `{}` changes nothing. A check-in sent again with the same
`idempotency_key` (or `Idempotency-Key` header) counts once: the replay answers 200.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from core.actor import Actor
from core.api import ErrorOut, api_once
from core.disclosure import shown_phone
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.http import actor_of
from core.pagination import search_text
from mobilisation import deployments
from mobilisation.api.deployment_schemas import (
    CheckInIn,
    CoverageOut,
    CoverageQuery,
    DecideIn,
    DeclineIn,
    DeployCallIn,
    DeployCallOut,
    DeploymentOut,
    DeploymentPageOut,
    DeploymentQuery,
    EndIn,
    UnitCoverageOut,
)
from mobilisation.coverage import UnitCoverage, coverage_totals, reads_coverage, unit_coverage
from mobilisation.deployment_selectors import (
    access_deployment,
    cadre_phone,
    deployment_list,
    my_deployments,
)
from mobilisation.models import Deployment, DeploymentStatus
from mobilisation.policies import calls_cadre
from party.models import DeployCall, PartyMember
from party.selectors import access_party_member

router = Router(tags=["deployment"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def deployment_row(actor: Actor, d: Deployment) -> dict[str, Any]:
    user = d.user
    name = (d.person.name if d.person_id and d.person else "") or user.display_name
    community = d.community
    return {
        "id": d.pk,
        "status": d.status,
        "status_label": str(DeploymentStatus(d.status).label),
        "user_id": d.user_id,
        "name": name or user.username,
        "phone": shown_phone(cadre_phone(d), full=calls_cadre(actor, d.user_id, d.community_id)),
        "unit_id": d.unit_id,
        "unit": d.unit.name if d.unit_id and d.unit else "",
        "community_id": d.community_id,
        "community": community.name,
        "street": community.parent.name if community.parent_id and community.parent else "",
        "note": d.note,
        "requested_at": d.requested_at,
        "decided_at": d.decided_at,
        "decline_reason": d.decline_reason,
        "ended_at": d.ended_at,
        "end_note": d.end_note,
        "handover": d.handover or {},
    }


def _expect(deployment: Deployment, from_status: str) -> Deployment:
    """The community's decisions say which status they act on: missing is 422, stale is 409."""
    if not from_status:
        raise field_error(
            "from_status",
            _("Send the status the deployment had when you read it."),
            CoreError.REQUIRED,
        )
    if from_status != deployment.status:
        raise HttpError(409, _("The deployment has changed since you read it; reload it."))
    return deployment


def _fresh(actor: Actor, deployment_id: int) -> dict[str, Any]:
    return deployment_row(actor, access_deployment(actor, deployment_id))


# ---- a cadre's own --------------------------------------------------------------------------


@router.get("/deployments/mine", response={200: list[DeploymentOut], **ERRORS})
def mine(request: HttpRequest) -> Any:
    """The caller's own deployments, the pending or active one first."""
    actor = actor_of(request)
    return [deployment_row(actor, d) for d in my_deployments(actor)]


@router.post("/deployments/check-in", response={200: DeploymentOut, 201: DeploymentOut, **ERRORS})
def check_in(request: HttpRequest, payload: CheckInIn) -> Status[dict[str, Any]]:
    """Check in (报到) at the community of a check-in link's `token` (201; pending until its
    admin accepts). The same check-in again answers 200 with the first; a deployment held
    elsewhere, an unknown, expired or withdrawn link are 422 on `token`."""
    actor = actor_of(request)

    def action() -> tuple[int, int]:
        holding = {d.pk for d in my_deployments(actor) if d.status in ("pending", "active")}
        made = deployments.deployment_check_in(actor=actor, token=payload.token, note=payload.note)
        return (200 if made.pk in holding else 201), made.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    return Status(status, _fresh(actor, pk))


# ---- the community's decision --------------------------------------------------------------


@router.get("/deployments/{deployment_id}", response={200: DeploymentOut, **ERRORS})
def get_deployment(request: HttpRequest, deployment_id: int) -> Any:
    actor = actor_of(request)
    return _fresh(actor, deployment_id)


@router.post("/deployments/{deployment_id}/accept", response={200: DeploymentOut, **ERRORS})
def accept(request: HttpRequest, deployment_id: int, payload: DecideIn) -> Any:
    """The community admin accepts a pending check-in (`from_status`: "pending")."""
    actor = actor_of(request)
    target = _expect(access_deployment(actor, deployment_id), payload.from_status)
    deployments.deployment_accept(actor=actor, deployment=target)
    return _fresh(actor, deployment_id)


@router.post("/deployments/{deployment_id}/decline", response={200: DeploymentOut, **ERRORS})
def decline(request: HttpRequest, deployment_id: int, payload: DeclineIn) -> Any:
    """The community admin declines a pending check-in with a `reason`."""
    actor = actor_of(request)
    target = _expect(access_deployment(actor, deployment_id), payload.from_status)
    deployments.deployment_decline(actor=actor, deployment=target, reason=payload.reason)
    return _fresh(actor, deployment_id)


@router.post("/deployments/{deployment_id}/end", response={200: DeploymentOut, **ERRORS})
def end(request: HttpRequest, deployment_id: int, payload: EndIn) -> Any:
    """The community admin (or the cadre) ends an active deployment with a `note`; what the
    cadre held is handed over and counted in `handover`."""
    actor = actor_of(request)
    target = _expect(access_deployment(actor, deployment_id), payload.from_status)
    deployments.deployment_end(actor=actor, deployment=target, note=payload.note)
    return _fresh(actor, deployment_id)


# ---- lists and figures -----------------------------------------------------------------------


@router.get("/deployments", response={200: DeploymentPageOut, **ERRORS})
def list_deployments(request: HttpRequest, query: Query[DeploymentQuery]) -> Any:
    """Deployments of the caller's area (offices), unit (its party admin) or their own: waiting
    ones first. Filters: `status`, `community` (an id), `q` (name, unit, community)."""
    actor = actor_of(request)
    if query.status not in ("", *DeploymentStatus.values):
        raise field_error("status", _("Choose a status."))
    rows = deployment_list(actor, q=search_text(query.q), status=query.status or "all")
    if query.community is not None:
        rows = rows.filter(community_id=query.community)
    page = rows[query.offset : query.offset + query.limit]
    return {"items": [deployment_row(actor, d) for d in page], "count": rows.count()}


def _coverage_row(row: UnitCoverage) -> dict[str, Any]:
    return {
        "unit_id": row.unit_id,
        "name": row.name,
        "members": row.members,
        "should": row.should,
        "exempt": row.exempt,
        "unmarked": row.unmarked,
        "deployed": row.deployed,
        "not_yet": row.not_yet,
        "extra": row.extra,
        "deployed_pct": row.deployed_pct,
        "exempt_by_reason": row.exempt_by_reason,
    }


@router.get("/deployment-coverage/units", response={200: CoverageOut, **ERRORS})
def coverage_units(request: HttpRequest, query: Query[CoverageQuery]) -> Any:
    """应下尽下 per unit the caller sees (city and district organisation departments, a unit's
    party admin): members, should deploy, exempt (per reason), not decided, deployed now, not
    yet, deployed although not marked; the largest share not yet deployed first.

    Not under /api/coverage/: the health router, registered first, owns /coverage/{place_id}."""
    actor = actor_of(request)
    if not reads_coverage(actor):
        raise NotAllowed(_("Only organisation departments and units see deployment coverage."))
    rows = unit_coverage(actor, q=search_text(query.q))
    out = [UnitCoverageOut(**_coverage_row(r)) for r in rows]
    return {"units": out, "total": _coverage_row(coverage_totals(rows))}


def _call_row(member: PartyMember) -> dict[str, Any]:
    return {
        "member_id": member.pk,
        "name": member.person.name,
        "unit_id": member.unit_id,
        "call": member.deploy_call,
        "call_label": str(DeployCall(member.deploy_call).label),
        "exempt_reason": member.exempt_reason,
        "note": member.deploy_note,
        "marked_at": member.deploy_marked_at,
    }


@router.put("/party-members/{member_id}/deploy-call", response={200: DeployCallOut, **ERRORS})
def deploy_call(request: HttpRequest, member_id: int, payload: DeployCallIn) -> Any:
    """The unit's decision for one member: `call` "should", "exempt" (with `exempt_reason`:
    unwell, pregnant, essential_post, other) or "" (not decided)."""
    actor = actor_of(request)
    member = access_party_member(actor, member_id)
    if payload.call is None:
        raise field_error(
            "call", _("Choose should deploy, exempt or not decided."), CoreError.REQUIRED
        )
    marked = deployments.member_deploy_mark(
        actor=actor,
        member=member,
        call=payload.call,
        exempt_reason=payload.exempt_reason,
        note=payload.note,
    )
    return _call_row(marked)
