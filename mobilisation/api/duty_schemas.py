"""What the duty API takes and gives: a worker's own posts, zones and shifts, check-in and
check-out, the roster of a community's day with its gaps, who is on duty now, patrol findings,
hours served and a worker's need. Write bodies default every field so the endpoint first finds
the object (404 for what the caller may not see), then names the missing field (422)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema


class PostOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    community_id: int
    community: str
    location: str
    duties: str
    leader: str
    leads: bool


class ZoneOut(Schema):
    id: int
    name: str
    community_id: int
    leader: str
    leads: bool
    places: list[str]


class MyShiftOut(Schema):
    shift_assignment_id: int
    shift_id: int
    post_id: int
    post: str
    community_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    hours: Decimal | None
    can_check_in: bool
    can_check_out: bool


class MineOut(Schema):
    posts: list[PostOut]
    zones: list[ZoneOut]
    shifts: list[MyShiftOut]


class CheckIn(Schema):
    """`shift_id` (optional): the shift of the assignment, as the caller read it; another is 422."""

    shift_id: int | None = None


class PersonOnShift(Schema):
    shift_assignment_id: int
    user_id: int
    name: str
    health: str  # today's worker health report: fit, unwell or not_reported
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None


class RosterShiftOut(Schema):
    shift_id: int
    post_id: int
    post: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str
    needed: int
    assigned: int
    gap: int
    flagged: int
    people: list[PersonOnShift]


class RosterQuery(Schema):
    community: int | None = None
    day: datetime.date | None = None


class RosterOut(Schema):
    community_id: int
    community: str
    day: datetime.date
    shifts: list[RosterShiftOut]
    gaps: int


class OnDutyQuery(Schema):
    community: int | None = None


class OnDutyOut(Schema):
    shift_assignment_id: int
    user_id: int
    name: str
    post_id: int
    post: str
    community_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    checked_in_at: datetime.datetime | None


class FindingIn(Schema):
    # FindingKind; "" is "not sent" and the service answers that it is required.
    kind: Literal[
        "", "gathering", "unmasked", "elderly_alone", "fever", "sanitation", "outsider", "other"
    ] = ""
    details: str = ""
    where: str = ""
    building_id: int | None = None
    resident_id: int | None = None
    to_request: Literal[
        "", "urgent_trip", "treatment_trip", "medicine", "food", "care", "psychological", "other"
    ] = ""  # a RequestCategory: file a request
    to_case: bool = False
    idempotency_key: str | None = None


class FindingOut(Schema):
    id: int
    patrol_id: int
    kind: str
    kind_label: str
    at: datetime.datetime
    building_id: int | None
    where: str
    details: str
    resident_id: int | None
    request_id: int | None
    case_id: int | None


class HoursQuery(Schema):
    by: str = "person"
    since: datetime.date | None = None
    until: datetime.date | None = None


class HoursRowOut(Schema):
    key: int | None
    label: str
    activity: Decimal
    shift: Decimal
    total: Decimal


class HoursOut(Schema):
    by: str
    rows: list[HoursRowOut]
    activity: Decimal
    shift: Decimal
    total: Decimal


class NeedIn(Schema):
    # NeedKind; "" is "not sent" and the service answers that it is required.
    kind: Literal["", "meals", "commuting", "protection", "family", "living", "health", "other"] = (
        ""
    )
    details: str = ""
    worker_id: int | None = None
    idempotency_key: str | None = None


class NeedOut(Schema):
    id: int
    kind: str
    kind_label: str
    details: str
    worker_id: int
    community_id: int
    status: str
    filed_at: datetime.datetime
