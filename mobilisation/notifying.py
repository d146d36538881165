"""The community's and street's admins are told when a worker on today's roster reported being
unwell (防止带病上岗), through `notifications.services.notify`. Worker health is recorded by
`health` (a floor below, which cannot read the roster), so the roster looks: today's active
shift assignments joined to today's unwell worker-health rows, one query. Once per worker,
community and day."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.recipients import users_over
from core.roles import Role
from health.models import WorkerHealth
from mobilisation.models import ShiftAssignment
from notifications.kinds import Kind
from notifications.services import notify


def unwell_on_roster_tell(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    day_start = datetime.datetime.combine(today, datetime.time(), tz)
    day_end = day_start + datetime.timedelta(days=1)
    unwell = WorkerHealth.objects.filter(user_id=OuterRef("user_id"), day=today, fit=False)
    rows = (
        ShiftAssignment.objects.filter(
            Exists(unwell),
            removed_at__isnull=True,
            shift__cancelled_at__isnull=True,
            starts_at__lt=day_end,
            ends_at__gt=day_start,
        )
        .values_list(
            "user_id",
            "user__display_name",
            "user__username",
            "community_id",
            "community__name",
            "community_path",
        )
        .distinct()
        .order_by("community_id", "user_id")
    )
    link = reverse("duty:roster") + f"?day={today.isoformat()}"
    told = 0
    for user_id, display_name, username, community_id, community_name, path in rows:
        told += notify(
            Kind.UNWELL_ON_ROSTER,
            users_over(path, [Role.COMMUNITY_ADMIN, Role.STREET_ADMIN]),
            {"name": display_name or username, "place": community_name},
            dedupe_key=f"unwell_on_roster:{user_id}:{community_id}:{today.isoformat()}",
            link=link,
        )
    return told
