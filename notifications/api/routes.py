"""One's own inbox through the API (the phone app's bell): the lines, the unread count, and
marking read. Only the caller's own lines exist here: another's id is a 404 and changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from core.api import ErrorOut
from core.http import actor_of
from core.pagination import PageQuery
from notifications import selectors, services

router = Router(tags=["notifications"])
ERRORS = {404: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class InboxQuery(PageQuery):
    unread_only: bool = False


class UnreadOut(Schema):
    unread: int


def _out(n: Any) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": selectors.notification_title(n),
        "link": n.link,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("/notifications", response={200: NotificationPageOut, **ERRORS})
def inbox(request: HttpRequest, query: Query[InboxQuery]) -> Any:
    actor = actor_of(request)
    qs = selectors.inbox(actor, unread_only=query.unread_only)
    rows = list(qs[query.offset : query.offset + query.limit])
    return {
        "items": [_out(n) for n in rows],
        "count": qs.count(),
        "unread": selectors.unread_count(actor),
    }


@router.get("/notifications/unread", response={200: UnreadOut})
def unread(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(actor_of(request))}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS})
def read(request: HttpRequest, notification_id: int) -> Any:
    actor = actor_of(request)
    n = selectors.access_notification(actor, notification_id)
    services.notification_open(actor=actor, notification=n)
    n.refresh_from_db()
    return _out(n)


@router.post("/notifications/read-all", response={200: UnreadOut})
def read_all(request: HttpRequest) -> Any:
    services.notifications_read_all(actor=actor_of(request))
    return Status(200, {"unread": 0})
