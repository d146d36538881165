"""What the deployment API takes and gives (check-in, the community's decision, the list, the
coverage figures and a unit's deployment call). Write bodies default every field so that the
endpoint first finds the object (404 for what the caller may not see) and then names the field
that is missing (422): an empty body changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from core.disclosure import ShownPhone
from core.pagination import PageQuery


class DeploymentQuery(PageQuery):
    status: str = ""  # a deployment status, or "" for all
    community: int | None = None  # a community id
    q: str = ""


class DeploymentOut(Schema):
    id: int
    status: str
    status_label: str
    user_id: int
    name: str
    phone: ShownPhone  # mobilisation.deployment_selectors.calls_cadre, as the page
    unit_id: int | None
    unit: str
    community_id: int
    community: str
    street: str
    note: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decline_reason: str
    ended_at: datetime.datetime | None
    end_note: str
    handover: dict[str, Any]


class DeploymentPageOut(Schema):
    items: list[DeploymentOut]
    count: int


class CheckInIn(Schema):
    token: str = ""
    note: str = ""
    idempotency_key: str | None = None


class DecideIn(Schema):
    """`from_status`: the status the caller read (an empty body is refused; a stale one is 409)."""

    from_status: str = ""


class DeclineIn(DecideIn):
    reason: str = ""


class EndIn(DecideIn):
    note: str = ""


class DeployCallIn(Schema):
    """`call`: "should", "exempt" or "" (not decided); it must be sent, even when empty."""

    call: str | None = None
    exempt_reason: str = ""
    note: str = ""


class DeployCallOut(Schema):
    member_id: int
    name: str
    unit_id: int | None
    call: str
    call_label: str
    exempt_reason: str
    note: str
    marked_at: datetime.datetime | None


class CoverageQuery(Schema):
    q: str = ""


class UnitCoverageOut(Schema):
    unit_id: int
    name: str
    members: int
    should: int
    exempt: int
    unmarked: int
    deployed: int
    not_yet: int
    extra: int
    deployed_pct: int
    exempt_by_reason: dict[str, int]


class CoverageOut(Schema):
    units: list[UnitCoverageOut]
    total: UnitCoverageOut
