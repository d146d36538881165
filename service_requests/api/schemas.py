"""What the requests API takes and gives. Lists show the resident's name masked and no phone;
one request names the resident (with the phone) to those who call them: the office holding it,
the grid worker of the grid, and the resident's own household."""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Schema

from core.disclosure import ShownPhone
from core.pagination import PageQuery


class RequestQuery(PageQuery):
    status: str = ""  # a status, "open" (new, accepted, dispatched) or "" for all
    category: str = ""
    level: str = ""  # community | street | district: the level holding it now
    overdue: bool = False  # only open requests past a clock


class StatsQuery(Schema):
    since: datetime.datetime | None = None  # only requests filed since then


class RequestOut(Schema):
    id: int
    status: str
    status_label: str
    category: str
    category_label: str
    urgency: str
    level: str
    level_label: str
    details: str
    source: str
    name: str
    resident_id: int
    household_id: int
    building: str
    room: str
    grid_id: int
    community_id: int
    community: str
    street_id: int
    needed_by: datetime.datetime | None
    created_at: datetime.datetime
    respond_due_at: datetime.datetime
    done_due_at: datetime.datetime
    responded_at: datetime.datetime | None
    done_at: datetime.datetime | None
    escalated_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    confirmed: bool
    rating: int | None
    overdue: bool


class RequestEventOut(Schema):
    at: datetime.datetime
    kind: str
    label: str
    by: str
    text: str
    public: bool


class RequestDetailOut(RequestOut):
    phone: ShownPhone  # service_requests.selectors.names_resident, as the page
    named: bool
    timeline: list[RequestEventOut]


class RequestPageOut(Schema):
    items: list[RequestOut]
    count: int


class RequestFileIn(Schema):
    resident_id: int | None = None
    # RequestCategory and Urgency; "" is "not sent" and the service answers it is required.
    category: Literal[
        "", "urgent_trip", "treatment_trip", "medicine", "food", "care", "psychological", "other"
    ] = ""
    details: str = ""
    urgency: Literal["urgent", "soon", "normal"] = "normal"
    needed_by: datetime.datetime | None = None
    idempotency_key: str | None = None  # or the Idempotency-Key header


class NoteIn(Schema):
    note: str = ""
    # The status the caller saw: required, so an empty or stale POST changes nothing (409 when
    # the request moved on meanwhile).
    from_status: str = ""


class TextIn(Schema):
    text: str = ""
    public: bool = True


class ReasonIn(Schema):
    reason: str = ""


class ConfirmIn(Schema):
    rating: int | None = None
    comment: str = ""
    from_status: str = ""  # "done"


class LevelCountsOut(Schema):
    open: int
    overdue: int
    escalated: int


class CategoryFiguresOut(Schema):
    count: int
    respond_median_minutes: float | None
    done_median_minutes: float | None


class StatsOut(Schema):
    at: datetime.datetime
    levels: dict[str, LevelCountsOut]
    categories: dict[str, CategoryFiguresOut]
