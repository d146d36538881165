"""What the notice API takes and gives. Write bodies default every field, so that `{}` reaches
the service and is refused naming the missing field (422): nothing changes."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema

from core.pagination import API_PAGE_MAX, PageQuery


class NoticeQuery(PageQuery):
    limit: int = Field(20, ge=1, le=API_PAGE_MAX)
    q: str = ""
    kind: str = ""
    unread: bool = False


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    issuer_id: int
    issuer: str
    published_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    target_ids: list[int]
    building_id: int | None
    is_read: bool
    explanation: str  # the reader's community's explanation, if it relayed the notice
    channels: list[str]


class NoticeListItem(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    issuer: str
    published_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    is_read: bool


class NoticePageOut(Schema):
    items: list[NoticeListItem]
    count: int
    unread: int


class NoticeIn(Schema):
    # NoticeKind; "" is "not sent" and the service answers that it is required.
    kind: Literal["", "order", "announcement", "rebuttal", "deed", "building"] = ""
    title: str = ""
    body: str = ""
    issuer_id: int | None = None
    target_ids: list[int] = []
    building_id: int | None = None
    idempotency_key: str | None = None


class RelayIn(Schema):
    community_id: int | None = None
    channels: list[
        Literal["broadcast", "loudspeaker", "poster", "online_group", "door_to_door"]
    ] = []
    explanation: str = ""


class RelayOut(Schema):
    notice_id: int
    community_id: int
    community: str
    channels: list[str]
    explanation: str
    relayed_by_id: int
    relayed_at: datetime.datetime


class CommunityReachOut(Schema):
    community_id: int
    community: str
    residents: int
    reads: int
    percent: int
    relayed: bool
    channels: list[str]
    relayed_at: datetime.datetime | None


class ReachOut(Schema):
    notice_id: int
    communities: int
    relayed: int
    residents: int
    reads: int
    percent: int
    rows: list[CommunityReachOut]


class ReachQuery(PageQuery):
    q: str = ""
