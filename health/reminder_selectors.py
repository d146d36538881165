"""What the chase shows: per grid and slot, the households reminded and how many reported within
an hour of their reminder (conversion), and when each household on the call list was reminded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, ExpressionWrapper, OuterRef
from django.db.models.fields import DateTimeField

from core.actor import Actor
from health.models import HealthReport, ReportReminder
from places.models import Place

CONVERSION_WINDOW = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Conversion:
    reminded: int
    reported_within_hour: int
    first_sent_at: datetime.datetime | None

    @property
    def rate(self) -> int | None:
        """Per cent, or None before anyone was reminded."""
        return round(100 * self.reported_within_hour / self.reminded) if self.reminded else None


def reminder_conversion(
    actor: Actor, grid: Place, day: datetime.date, slot: str, level: int = 1
) -> Conversion:
    """Households of the grid reminded at this level, and those of them from which a report
    came within an hour of the reminder. The caller has access to the grid (the call list's
    `access_health_place`)."""
    reminders = ReportReminder.objects.filter(grid_id=grid.pk, day=day, slot=slot, level=level)
    later = ExpressionWrapper(OuterRef("sent_at") + CONVERSION_WINDOW, output_field=DateTimeField())
    converted = reminders.filter(
        Exists(
            HealthReport.objects.filter(
                grid_id=grid.pk,
                day=day,
                slot=slot,
                household_id=OuterRef("household_id"),
                created_at__gte=OuterRef("sent_at"),
                created_at__lt=later,
            )
        )
    )
    first = reminders.order_by("sent_at").values_list("sent_at", flat=True).first()
    return Conversion(reminders.count(), converted.count(), first)


def households_reminded(
    grid: Place, day: datetime.date, slot: str, household_ids: list[int]
) -> dict[int, tuple[int, datetime.datetime]]:
    """For each household shown on the call list: the highest level reached and when."""
    out: dict[int, tuple[int, datetime.datetime]] = {}
    for hh, level, at in (
        ReportReminder.objects.filter(
            grid_id=grid.pk, day=day, slot=slot, household_id__in=household_ids
        )
        .order_by("level")
        .values_list("household_id", "level", "sent_at")
    ):
        out[hh] = (level, at)
    return out
