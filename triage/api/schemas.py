"""What the triage API takes and gives. Lists show the person's name masked and no phone; the
case detail names the person only to those whose job is to call them, and shows the phone masked
as the case page does (in full through POST /api/residents/{resident_id}/reveal, recorded)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from core.disclosure import InstitutionPhone, MaskedPhone
from core.pagination import PageQuery

# ---- queries ----------------------------------------------------------------------------------


class QueueQuery(PageQuery):
    q: str = ""  # name, pinyin, last four digits of the phone or ID, "#<case number>"
    community: int | None = None  # one of the communities the health centre serves


class CaseQuery(PageQuery):
    q: str = ""
    status: str = "open"  # open | closed | all
    category: str = ""  # a category, or "none" (not triaged yet)
    disposition: str = ""  # a disposition, or "none"
    place: int | None = None  # a district, street, community, grid or building


class TransferQuery(PageQuery):
    street: int | None = None


class SiteQuery(PageQuery):
    kind: str = ""  # hospital | isolation


class FollowUpQuery(PageQuery):
    view: str = "overdue"  # overdue | today
    level: str = "grid_worker"  # overdue: grid_worker (and above) | health_centre
    q: str = ""


# ---- bodies -----------------------------------------------------------------------------------


class CaseOpenIn(Schema):
    resident_id: int | None = None
    origin: str = ""  # flag | screening | call | walk_in | contact
    note: str = ""  # what was found; required for screening, call and walk-in
    idempotency_key: str | None = None  # or the Idempotency-Key header


class AssessIn(Schema):
    category: str = ""  # confirmed | suspected | febrile | close_contact | cleared
    temperature: str | float | None = None
    symptoms: list[str] = []  # fever, cough, short_breath, fatigue, diarrhoea, taste_smell | none
    test_result: str = ""
    notes: str = ""
    reason: str = ""  # required when the category changes
    idempotency_key: str | None = None


class DispositionIn(Schema):
    disposition: str = ""  # hospital | isolation | fever_clinic | home_observation | released
    reason: str = ""  # required when the disposition changes
    site_id: int | None = None  # a bed at once, for hospital or isolation
    idempotency_key: str | None = None


class BedIn(Schema):
    site_id: int | None = None
    idempotency_key: str | None = None


class FollowUpIn(Schema):
    temperature: str | float | None = None
    symptoms: list[str] = []
    note: str = ""
    idempotency_key: str | None = None


# ---- answers ----------------------------------------------------------------------------------


class CaseRowOut(Schema):
    id: int
    status: str
    origin: str
    category: str
    category_label: str
    disposition: str
    disposition_label: str
    name: str  # masked
    resident_id: int
    household_id: int
    room: str
    building_id: int
    building: str
    grid_id: int
    community_id: int
    community: str
    street_id: int
    site_id: int | None
    site: str
    temperature: Decimal | None
    symptoms: list[str]
    note: str
    transport: str
    first_flagged_at: datetime.datetime
    opened_at: datetime.datetime
    triage_due_since: datetime.datetime | None
    triaged_at: datetime.datetime | None
    bed_wanted_since: datetime.datetime | None
    queue_alarm_at: datetime.datetime | None
    observation_end: datetime.date | None
    closed_at: datetime.datetime | None
    close_reason: str


class CasePageOut(Schema):
    items: list[CaseRowOut]
    count: int


class TransfersOut(Schema):
    """The people waiting for a bed, longest wait first (a page of them), and the triaged
    people in the four categories still without a disposition (the first of them)."""

    items: list[CaseRowOut]
    count: int
    awaiting_disposition: list[CaseRowOut]
    awaiting_disposition_count: int


class CaseEventOut(Schema):
    at: datetime.datetime
    kind: str
    label: str
    by: str  # empty: the system (a periodic job)
    from_value: str
    to_value: str
    reason: str
    data: dict[str, Any]


class CaseFollowUpOut(Schema):
    id: int
    day: datetime.date
    slot: str
    due_at: datetime.datetime
    status: str
    level: str
    source: str
    temperature: Decimal | None
    symptoms: list[str]
    abnormal: bool


class ContactOut(Schema):
    id: int
    name: str
    category: str
    disposition: str
    status: str
    last_contact_on: datetime.date | None


class CaseDetailOut(CaseRowOut):
    named: bool  # whether the name is shown in full (else masked)
    phone: MaskedPhone
    test_result: str
    index_case_id: int | None
    last_contact_on: datetime.date | None
    observation_start: datetime.date | None
    isolated_at: datetime.datetime | None
    hospitalised_at: datetime.datetime | None
    timeline: list[CaseEventOut]
    follow_ups: list[CaseFollowUpOut]
    contacts: list[ContactOut]


class SiteOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    address: str
    phone: InstitutionPhone  # the site's own contact number
    place_id: int
    place: str
    capacity: int
    occupied: int
    free: int
    is_active: bool


class SitePageOut(Schema):
    items: list[SiteOut]
    count: int


class FollowUpOut(Schema):
    id: int
    case_id: int
    resident_id: int
    name: str  # masked
    building: str
    grid_id: int
    community_id: int
    day: datetime.date
    slot: str
    due_at: datetime.datetime
    status: str
    level: str
    escalated_at: datetime.datetime | None
    source: str
    temperature: Decimal | None
    symptoms: list[str]
    abnormal: bool
    note: str
    done_at: datetime.datetime | None
    case_waits_for_triage: bool  # a fever or symptom sent the person back to triage


class FollowUpPageOut(Schema):
    items: list[FollowUpOut]
    count: int
