"""What the supervision API takes and gives. Write bodies default every field so the endpoint
first finds the object (404) and then names the missing field (422): `{}` changes nothing."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema

from core.pagination import PageQuery


class InspectionQuery(PageQuery):
    q: str = ""


class ItemOut(Schema):
    id: int
    item: str
    result: str
    note: str


class UpdateOut(Schema):
    id: int
    at: datetime.datetime
    by: str
    note: str
    status: str


class RectificationOut(Schema):
    id: int
    inspection_id: int
    finding: str
    owner_name: str
    owner_id: int | None
    deadline: datetime.date
    status: str
    status_label: str
    overdue: bool
    updates: list[UpdateOut]


class InspectionOut(Schema):
    id: int
    place_id: int
    place: str
    team_id: int | None
    team: str
    inspector: str
    inspected_on: datetime.date
    summary: str


class InspectionDetailOut(InspectionOut):
    items: list[ItemOut]
    rectifications: list[RectificationOut]


class InspectionPageOut(Schema):
    items: list[InspectionOut]
    count: int


class UpdateIn(Schema):
    # RectificationStatus: reported (done), closed (verified) or open (reopened).
    status: Literal["", "reported", "closed", "open"] = ""
    note: str = ""
