"""The abnormal-report flag as the API shows it, and the note of its hand-over or dismissal.
Health's flag routes and triage's hand-over endpoint both answer with these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema

from health.models import HealthFlag
from health.rules import symptom_codes


class FlagOut(Schema):
    id: int
    resident: int
    name: str
    household: int
    building: str
    room: str
    status: str
    raised_at: datetime.datetime
    report_count: int
    max_temperature: Decimal | None
    symptoms: list[str]
    contact: bool
    declared: str
    closed_at: datetime.datetime | None
    close_note: str

    @staticmethod
    def resolve_resident(obj: HealthFlag) -> int:
        return obj.resident_id

    @staticmethod
    def resolve_name(obj: HealthFlag) -> str:
        return obj.resident.person.name

    @staticmethod
    def resolve_household(obj: HealthFlag) -> int:
        return obj.household_id

    @staticmethod
    def resolve_building(obj: HealthFlag) -> str:
        return obj.building.name

    @staticmethod
    def resolve_room(obj: HealthFlag) -> str:
        return obj.household.room

    @staticmethod
    def resolve_symptoms(obj: HealthFlag) -> list[str]:
        return symptom_codes(obj.symptoms)


class FlagNoteIn(Schema):
    note: str = ""
