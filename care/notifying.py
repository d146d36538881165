"""Carers are told of their overdue care contacts through `notifications.services.notify`: one
line a day per carer with the count, once the working day has begun (a job run twice, or every
ten minutes, tells nobody twice)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from care.models import CareAssignment
from notifications.kinds import Kind
from notifications.services import notify

# Carers are told from this hour of the day (Beijing time), not in the night.
TELL_FROM_HOUR = 8


def care_overdue_tell(now: datetime.datetime | None = None) -> int:
    """Each carer with active assignments whose phone check or visit day has passed (or whose
    no-contact alarm is on) gets one line today with how many."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < TELL_FROM_HOUR:
        return 0
    today = local.date()
    per_carer = (
        CareAssignment.objects.filter(
            Q(phone_due_on__lt=today) | Q(visit_due_on__lt=today) | Q(alarm_at__isnull=False),
            ended_at__isnull=True,
            carer__is_active=True,
        )
        .values("carer_id")
        .annotate(n=Count("pk"))
        .order_by("carer_id")
        .values_list("carer_id", "n")
    )
    link = reverse("care:mine") + "?show=overdue"
    told = 0
    for carer_id, n in per_carer:
        told += notify(
            Kind.CARE_OVERDUE,
            [carer_id],
            {"count": n},
            dedupe_key=f"care_overdue:{carer_id}:{today.isoformat()}",
            link=link,
        )
    return told
