"""The notice API (M14): the caller's notices, one notice (opening it records the read), publishing
to a scope, a community's relay and the reach per community.

Same rules as the pages: 404 for what the caller may not see, 403 for what they may see but not
do, 422 naming each wrong field; nothing changes on a refusal. `{}` lacks `issuer_id` (publish)
or `community_id` (relay): 422."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from core.api import ErrorOut, api_once
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error, rename_fields
from core.http import actor_of
from core.pagination import search_text
from notices import notice_selectors as selectors
from notices import policies as notices_policies
from notices.api.notice_schemas import (
    NoticeIn,
    NoticeOut,
    NoticePageOut,
    NoticeQuery,
    ReachOut,
    ReachQuery,
    RelayIn,
    RelayOut,
)
from notices.models import Notice, NoticeKind, NoticeRelay
from notices.publishing import notice_publish
from notices.reads import notice_read
from notices.relays import notice_relay_save

router = Router(tags=["notice"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
NAMES = {"issuer": "issuer_id", "targets": "target_ids", "building": "building_id"}


def _notice_out(notice: Notice, is_read: bool, relay: NoticeRelay | None) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": str(NoticeKind(notice.kind).label),
        "title": notice.title,
        "body": notice.body,
        "issuer_id": notice.issuer_id,
        "issuer": notice.issuer.name,
        "published_at": notice.published_at,
        "withdrawn_at": notice.withdrawn_at,
        "target_ids": [t.place_id for t in selectors.notice_targets(notice)],
        "building_id": notice.building_id,
        "is_read": is_read,
        "explanation": relay.explanation if relay else "",
        "channels": list(relay.channels) if relay else [],
    }


@router.get("/notices", response={200: NoticePageOut, **ERRORS})
def list_notices(request: HttpRequest, query: Query[NoticeQuery]) -> Any:
    """The caller's notices, newest first: `q` (title, text), `kind`, `unread`."""
    actor = actor_of(request)
    if query.kind not in ("", *NoticeKind.values):
        raise field_error("kind", _("Choose the kind of notice."))
    rows = selectors.notices_for(
        actor, q=search_text(query.q), kind=query.kind, unread=query.unread
    )
    page = rows[query.offset : query.offset + query.limit]
    items = [
        {
            "id": n.pk,
            "kind": n.kind,
            "kind_label": str(NoticeKind(n.kind).label),
            "title": n.title,
            "issuer": n.issuer.name,
            "published_at": n.published_at,
            "withdrawn_at": n.withdrawn_at,
            "is_read": n.is_read,  # type: ignore[attr-defined]
        }
        for n in page
    ]
    return {"items": items, "count": rows.count(), "unread": selectors.unread_count(actor)}


@router.get("/notices/{notice_id}", response={200: NoticeOut, **ERRORS})
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    """One notice; opening it records that the caller read it (once)."""
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    read = notice_read(actor=actor, notice=notice)
    return _notice_out(notice, read is not None, selectors.relay_for_reader(actor, notice))


@router.post("/notices", response={201: NoticeOut, 200: NoticeOut, **ERRORS})
def publish(request: HttpRequest, payload: NoticeIn) -> Status[dict[str, Any]]:
    """Publish for the command of `issuer_id` to `target_ids` (places under it; the issuer's id
    for its whole area), or a building notice (`kind` "building", `building_id`)."""
    actor = actor_of(request)
    if payload.issuer_id is None:
        raise field_error(
            "issuer_id", _("Choose the command that issues the notice."), CoreError.REQUIRED
        )
    issuers = {p.pk: p for p in selectors.issuer_choices(actor)}
    issuer = issuers.get(payload.issuer_id)
    if issuer is None:
        raise NotAllowed(_("Only the command of this place publishes its notices."))
    places = {p.pk: p for p in selectors.target_choices(issuer)}
    places[issuer.pk] = issuer
    if any(t not in places for t in payload.target_ids):
        raise field_error("target_ids", _("Choose places under the issuer."))
    building = None
    if payload.building_id is not None:
        building = next(
            (b for b in selectors.building_choices(actor, issuer) if b.pk == payload.building_id),
            None,
        )
        if building is None:
            raise field_error("building_id", _("Choose a building with cases under the issuer."))

    def action() -> tuple[int, int]:
        try:
            notice = notice_publish(
                actor=actor,
                kind=payload.kind,
                title=payload.title,
                body=payload.body,
                issuer=issuer,
                targets=[places[t] for t in payload.target_ids],
                building=building,
            )
        except ValidationError as e:
            raise rename_fields(e, NAMES) from None
        return 201, notice.pk

    status, pk = api_once(request, actor, payload.idempotency_key, action)
    notice = selectors.access_notice(actor, pk)
    return Status(status, _notice_out(notice, False, None))


def _relay_out(relay: NoticeRelay) -> dict[str, Any]:
    return {
        "notice_id": relay.notice_id,
        "community_id": relay.community_id,
        "community": relay.community.name,
        "channels": list(relay.channels),
        "explanation": relay.explanation,
        "relayed_by_id": relay.relayed_by_id,
        "relayed_at": relay.relayed_at,
    }


@router.post("/notices/{notice_id}/relay", response={200: RelayOut, **ERRORS})
def relay(request: HttpRequest, notice_id: int, payload: RelayIn) -> Any:
    """The community's admin records (or updates) how the community relayed the notice:
    `community_id`, `channels` (at least one), `explanation` for residents."""
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    if payload.community_id is None:
        raise field_error("community_id", _("Choose the community."), CoreError.REQUIRED)
    communities = {c.pk: c for c in selectors.relay_choices(actor, notice)}
    community = communities.get(payload.community_id)
    if community is None:
        raise NotAllowed(_("Only the community's admin records how it relayed a notice."))
    try:
        saved = notice_relay_save(
            actor=actor,
            notice=notice,
            community=community,
            channels=payload.channels,
            explanation=payload.explanation,
        )
    except ValidationError as e:
        raise rename_fields(e, {"community": "community_id"}) from None
    return _relay_out(saved)


@router.get("/notices/{notice_id}/reach", response={200: ReachOut, **ERRORS})
def reach(request: HttpRequest, notice_id: int, query: Query[ReachQuery]) -> Any:
    """Reach per community the caller follows: residents (living there or away), readers among
    them, relayed or not; totals over all of them, rows `offset`..`offset+limit`."""
    actor = actor_of(request)
    notice = selectors.access_notice(actor, notice_id)
    if not notices_policies.may_see_reach(actor):
        raise NotAllowed(_("The offices follow a notice's reach."))
    communities = selectors.reach_communities(actor, notice, q=search_text(query.q))
    shown = list(communities[query.offset : query.offset + query.limit])
    totals = selectors.notice_reach(actor, notice, communities, shown)
    return {
        "notice_id": notice.pk,
        "communities": totals.communities,
        "relayed": totals.relayed,
        "residents": totals.residents,
        "reads": totals.reads,
        "percent": totals.percent,
        "rows": [
            {
                "community_id": r.community.pk,
                "community": r.community.name,
                "residents": r.residents,
                "reads": r.reads,
                "percent": r.percent,
                "relayed": r.relay is not None,
                "channels": list(r.relay.channels) if r.relay else [],
                "relayed_at": r.relay.relayed_at if r.relay else None,
            }
            for r in totals.rows
        ],
    }
