"""What the opinion API takes and gives. Write bodies default every field so the endpoint
first finds the object (404) and then names the missing field (422): `{}` changes nothing."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema

from core.pagination import PageQuery


class IncidentQuery(PageQuery):
    status: str = "open"  # open, all, reported, handling, closed
    urgency: str = ""
    q: str = ""


class ActionOut(Schema):
    id: int
    at: datetime.datetime
    by: str
    note: str
    status: str


class RebuttalOut(Schema):
    id: int
    title: str
    published_at: datetime.datetime


class IncidentOut(Schema):
    id: int
    kind: str
    summary: str
    where_seen: str
    reach: int
    urgency: str
    status: str
    status_label: str
    street_id: int
    street: str
    community_id: int | None
    community: str
    reported_by: str
    reported_at: datetime.datetime
    closed_at: datetime.datetime | None
    may_handle: bool


class IncidentDetailOut(IncidentOut):
    actions: list[ActionOut]
    rebuttals: list[RebuttalOut]


class IncidentPageOut(Schema):
    items: list[IncidentOut]
    count: int


class IncidentIn(Schema):
    # IncidentKind and Urgency; "" is "not sent" and the service answers that it is required.
    kind: Literal["", "rumour", "incident"] = ""
    summary: str = ""
    where_seen: str = ""
    reach: int | None = Field(None, ge=0)
    urgency: Literal["", "normal", "urgent", "critical"] = "normal"
    place_id: int | None = None  # a street or community; default: the reporter's community
    idempotency_key: str | None = None


class ActionIn(Schema):
    status: Literal["", "handling", "closed"] = ""  # the IncidentStatus the step leaves
    note: str = ""
    idempotency_key: str | None = None
