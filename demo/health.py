"""The demo city's health reports: yesterday's two rounds nearly complete, today's under way, a
few abnormal ones (which raise flags), so coverage, call lists and flags have something to show.
The demo resident's own household is left unreported: that is for the visitor to try."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Grant
from core.actor import Actor
from core.roles import Role
from health.models import Slot
from health.reporting import SYNC_MAX, ReportInput, health_reports_submit
from people.models import Resident, ResidentStatus

ROOT = Actor(user_id=0, username="demo", is_superuser=True)


def seed_health_reports(*, seed: int, now: datetime.datetime | None = None) -> int:
    rng = random.Random(seed)
    local = timezone.localtime(now)
    today = local.date()
    yesterday = today - datetime.timedelta(days=1)
    rounds = [(yesterday, Slot.MORNING, 0.95), (yesterday, Slot.AFTERNOON, 0.92)]
    if local.hour < 12:
        rounds.append((today, Slot.MORNING, 0.62))
    else:
        rounds += [(today, Slot.MORNING, 0.9), (today, Slot.AFTERNOON, 0.55)]
    kept = set(
        Grant.objects.filter(role=Role.RESIDENT, household__isnull=False).values_list(
            "household_id", flat=True
        )
    )
    residents = list(
        Resident.objects.filter(status=ResidentStatus.PRESENT)
        .exclude(household_id__in=kept)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = 0
    for day, slot, share in rounds:
        items = [_report(rng, pk, day, slot) for pk in residents if rng.random() < share]
        for start in range(0, len(items), SYNC_MAX):
            result = health_reports_submit(actor=ROOT, items=items[start : start + SYNC_MAX])
            made += len(result.created)
    return made


def _report(rng: random.Random, pk: int, day: datetime.date, slot: str) -> ReportInput:
    roll = rng.random()
    temperature = Decimal(rng.choice(["36.2", "36.4", "36.5", "36.6", "36.8", "37.0"]))
    symptoms = 0
    if roll < 0.004:
        temperature = Decimal(rng.choice(["37.5", "37.8", "38.2", "38.9"]))
    elif roll < 0.007:
        symptoms = rng.choice([2, 8, 2 | 8])  # cough, fatigue
    return ReportInput(
        resident_id=pk, day=day, slot=slot, temperature=temperature, symptoms=symptoms
    )
