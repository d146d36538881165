"""What notifications keeps past its purpose (core.retention; docs/retention.md): one-time codes,
text messages (they carry the phone number) and inbox lines already read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.retention import Window, delete_in_batches, register
from notifications.models import Delivery, DeliveryStatus, Notification, PhoneCode


def purge_phone_codes(window: Window) -> int:
    # Past its few minutes a code is only a row of the per-number and per-address limits,
    # which look back one day (notifications.codes).
    rows = PhoneCode.objects.filter(created_at__lt=window.before)
    return delete_in_batches(rows, window, "phone_codes")


def purge_text_messages(window: Window) -> int:
    # A queued message is still work for the sender; the rest are settled.
    rows = Delivery.objects.filter(created_at__lt=window.before).exclude(
        status=DeliveryStatus.QUEUED
    )
    return delete_in_batches(rows, window, "text_messages")


def purge_read_notifications(window: Window) -> int:
    # Unread lines stay: they have not reached their reader yet.
    rows = Notification.objects.filter(read_at__lt=window.before)
    return delete_in_batches(rows, window, "read_notifications")


register("phone_codes", _("Text-message codes"), "RETENTION_PHONE_CODE_DAYS", purge_phone_codes)
register(
    "text_messages", _("Text messages sent"), "RETENTION_TEXT_MESSAGE_DAYS", purge_text_messages
)
register(
    "read_notifications",
    _("Inbox lines already read"),
    "RETENTION_READ_NOTIFICATION_DAYS",
    purge_read_notifications,
)
