"""What the recognition API takes and gives (M17). Write bodies default every field so that the
endpoint first finds the person (404 for what the caller may not see) and then names the field
that is missing (422): an empty body changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema

from core.pagination import PageQuery


class DeploymentDaysOut(Schema):
    community_id: int
    community: str
    days: int
    active: bool


class EntryOut(Schema):
    id: int
    org_id: int
    org: str
    happened_on: datetime.date
    text: str
    recorded_at: datetime.datetime


class NominationOut(Schema):
    id: int
    person_id: int
    person: str
    org: str
    title: str
    deeds: str
    status: str
    status_label: str
    commendation_id: int | None


class AccountabilityOut(Schema):
    id: int
    org: str
    finding: str
    decision: str
    authority: str
    decided_on: datetime.date


class ActivistOut(Schema):
    id: int
    org: str
    found_where: str
    found_on: datetime.date
    note: str


class CommendationOut(Schema):
    id: int
    title: str
    authority: str
    decided_on: datetime.date
    place_id: int
    place: str
    notice_id: int | None


class CommendationDetailOut(CommendationOut):
    decision_text: str
    nominations: list[NominationOut]


class FrontlineOut(Schema):
    person_id: int
    name: str
    deployment_days: int
    deployments: list[DeploymentDaysOut]
    hours: Decimal
    activity_hours: Decimal
    shift_hours: Decimal
    care_contacts: int
    requests_done: int
    shifts_worked: int
    entries: list[EntryOut]
    nominations: list[NominationOut]
    commendations: list[CommendationOut]
    accountability: list[AccountabilityOut]
    activist: list[ActivistOut]


class EntryIn(Schema):
    happened_on: str = ""
    text: str = ""
    org_id: int | None = None
    idempotency_key: str | None = None


class CommendationQuery(PageQuery):
    q: str = ""


class CommendationPageOut(Schema):
    count: int
    items: list[CommendationOut]
