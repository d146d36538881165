"""Retention of answered join requests (docs/retention.md): waiting ones always stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from core.retention_runs import retention_run
from front_door.models import JoinRequest, JoinRequestStatus
from testkit import TinyCity

MINUTE = timedelta(minutes=1)


@pytest.mark.django_db
def test_an_answered_request_goes_its_days_after_the_answer(tiny_city: TinyCity) -> None:
    t0 = timezone.now()
    days = timedelta(days=settings.RETENTION_JOIN_REQUEST_DAYS)
    waiting, confirmed, refused = JoinRequest.objects.order_by("pk")[:3]
    JoinRequest.objects.filter(pk=confirmed.pk).update(
        status=JoinRequestStatus.CONFIRMED, answered_at=t0
    )
    JoinRequest.objects.filter(pk=refused.pk).update(
        status=JoinRequestStatus.REFUSED, answered_at=t0 + 2 * MINUTE
    )
    with time_machine.travel(t0 + days + MINUTE, tick=False):
        assert retention_run().counts["join_requests"] == 1
    left = set(JoinRequest.objects.values_list("pk", flat=True))
    assert {waiting.pk, refused.pk} <= left
    assert confirmed.pk not in left
    with time_machine.travel(t0 + days + 3 * MINUTE, tick=False):
        assert retention_run().counts["join_requests"] == 1
    assert JoinRequest.objects.filter(pk=waiting.pk, status=JoinRequestStatus.PENDING).exists()
