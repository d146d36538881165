"""What the study API takes and gives. The study body defaults every field so the endpoint first
finds the material (404 for what the caller may not see) and then names what is missing (422):
`{}` changes nothing."""

from __future__ import annotations

import datetime

from ninja import Schema

from core.pagination import PageQuery


class ProgrammeQuery(PageQuery):
    q: str = ""


class ProgressOut(Schema):
    studied: int
    total: int
    percent: int
    complete: bool


class ProgrammeOut(Schema):
    id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    place_id: int
    open: bool
    materials: int
    taking_part: bool
    progress: ProgressOut


class ProgrammePageOut(Schema):
    items: list[ProgrammeOut]
    count: int


class MaterialOut(Schema):
    id: int
    position: int
    title: str
    source: str
    issued_on: datetime.date | None
    studied: bool


class ProgrammeDetailOut(ProgrammeOut):
    intro: str
    material_list: list[MaterialOut]


class StudyIn(Schema):
    studied: bool | None = None
    reflection: str | None = None


class RecordOut(Schema):
    material_id: int
    studied_at: datetime.datetime
    reflection: str
    reflected_at: datetime.datetime | None
    progress: ProgressOut


class CompletionQuery(Schema):
    org: int | None = None


class CompletionRowOut(Schema):
    key: str
    label: str
    org_id: int | None
    members: int
    started: int
    completed: int
    not_started: int


class NotStartedOut(Schema):
    name: str
    org: str


class CompletionOut(Schema):
    programme_id: int
    org_id: int | None
    materials: int
    total: CompletionRowOut
    rows: list[CompletionRowOut]
    areas: list[CompletionRowOut]
    units: list[CompletionRowOut]
    not_started: list[NotStartedOut]
    not_started_count: int
