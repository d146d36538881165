"""Retention of text-message codes, text messages and read inbox lines (docs/retention.md): a
row just inside its retention stays, one just past it goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from accounts.models import User
from core.retention_runs import retention_run
from notifications.models import (
    CodePurpose,
    Delivery,
    DeliveryStatus,
    Notification,
    PhoneCode,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def run_at(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return retention_run().counts


def code(at: datetime) -> PhoneCode:
    return PhoneCode.objects.create(
        phone="13912345678",
        purpose=CodePurpose.LOGIN,
        code_hash="x",
        created_at=at,
        expires_at=at + timedelta(minutes=5),
    )


def test_a_code_goes_once_its_days_have_passed() -> None:
    days = timedelta(days=settings.RETENTION_PHONE_CODE_DAYS)
    old, recent = code(T0), code(T0 + 2 * MINUTE)
    counts = run_at(T0 + days + MINUTE)
    assert counts["phone_codes"] == 1
    assert not PhoneCode.objects.filter(pk=old.pk).exists()
    assert PhoneCode.objects.filter(pk=recent.pk).exists()


def delivery(at: datetime, status: str, phone: str = "13912345678") -> Delivery:
    return Delivery.objects.create(phone=phone, template="code", status=status, created_at=at)


def test_a_settled_text_message_goes_a_queued_one_stays() -> None:
    days = timedelta(days=settings.RETENTION_TEXT_MESSAGE_DAYS)
    sent = delivery(T0, DeliveryStatus.DELIVERED)
    failed = delivery(T0, DeliveryStatus.FAILED)
    queued = delivery(T0, DeliveryStatus.QUEUED)
    inside = delivery(T0 + 2 * MINUTE, DeliveryStatus.SENT)
    counts = run_at(T0 + days + MINUTE)
    assert counts["text_messages"] == 2
    left = set(Delivery.objects.values_list("pk", flat=True))
    assert {queued.pk, inside.pk} <= left
    assert not {sent.pk, failed.pk} & left


def test_a_read_inbox_line_goes_an_unread_one_stays() -> None:
    user = User.objects.create_user(username="reader")
    days = timedelta(days=settings.RETENTION_READ_NOTIFICATION_DAYS)

    def line(key: str, read_at: datetime | None) -> Notification:
        return Notification.objects.create(
            recipient=user, kind="k", dedupe_key=key, created_at=T0, read_at=read_at
        )

    read_long_ago = line("a", T0)
    read_lately = line("b", T0 + 2 * MINUTE)
    unread = line("c", None)
    texted = delivery(T0 + days, DeliveryStatus.QUEUED)
    texted.notification = read_long_ago
    texted.save()
    counts = run_at(T0 + days + MINUTE)
    assert counts["read_notifications"] == 1
    left = set(Notification.objects.values_list("pk", flat=True))
    assert left == {read_lately.pk, unread.pk}
    texted.refresh_from_db()
    assert texted.notification_id is None  # its text message is not lost with the line
