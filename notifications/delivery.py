"""Text messages out: queue a delivery row, send it after the transaction commits, retry with
back-off until it is sent or given up. Every app's text goes through here (via `notify`, or
`text_queue` for codes and invitations); no app calls a gateway itself."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.gateways import gateway, gateway_name
from notifications.models import Delivery, DeliveryStatus
from notifications.texts import TextTemplate

log = logging.getLogger("linli.text")

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30  # then 60, 120, 240: a provider's outage of ~8 minutes loses nothing
CLAIM_SECONDS = 300


def text_queue(
    *,
    phone: str,
    template: str,
    params: Mapping[str, str],
    recipient_id: int | None = None,
    notification_id: int | None = None,
    dedupe_key: str | None = None,
) -> Delivery | None:
    """Queue one message; it is sent once the surrounding transaction commits. With a dedupe
    key already used, nothing new is queued and None is returned."""
    now = timezone.now()
    if dedupe_key and Delivery.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    delivery = Delivery.objects.create(
        phone=phone,
        template=str(template),
        params={k: str(v) for k, v in params.items()},
        recipient_id=recipient_id,
        notification_id=notification_id,
        dedupe_key=dedupe_key,
        gateway=gateway_name(),
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: texts_send_soon([delivery.pk]))
    return delivery


def texts_queue(
    *, template: str, params: Mapping[str, str], recipients: list[tuple[int, str, str]]
) -> int:
    """The same message to many users at once: (user id, phone, dedupe key) each. One insert;
    keys already used are skipped; the new ones are sent once the transaction commits.
    Returns how many were queued."""
    if not recipients:
        return 0
    now = timezone.now()
    words = {k: str(v) for k, v in params.items()}
    Delivery.objects.bulk_create(
        [
            Delivery(
                phone=phone,
                template=str(template),
                params=words,
                recipient_id=uid,
                dedupe_key=key,
                gateway=gateway_name(),
                created_at=now,
                next_attempt_at=now,
            )
            for uid, phone, key in recipients
        ],
        ignore_conflicts=True,
    )
    # Those this call wrote (bulk_create skipping conflicts does not say which).
    ids = list(
        Delivery.objects.filter(
            dedupe_key__in=[key for _uid, _phone, key in recipients], created_at=now
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: texts_send_soon(ids))
    return len(ids)


def texts_send_soon(ids: list[int]) -> None:
    """Hand the deliveries to the queue's workers: one at once, many in batches."""
    from notifications.tasks import BATCH, text_send, text_send_batch

    if len(ids) == 1:
        text_send(ids[0])
        return
    for i in range(0, len(ids), BATCH):
        text_send_batch(ids[i : i + BATCH])


def delivery_attempt(delivery_id: int) -> str:
    """One attempt at one queued delivery; returns its status after. Safe to run twice: a
    delivery already sent, failed for good, or claimed by another worker is left alone."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
            .first()
        )
        if row is None:
            return "skipped"
        result = gateway().send(phone=row.phone, template=row.template, params=row.params)
        row.attempts += 1
        if result.ok:
            row.status = DeliveryStatus.SENT
            row.sent_at = now
            row.provider_message_id = result.provider_message_id[:100]
            row.error = ""
            row.next_attempt_at = None
        elif result.retry and row.attempts < MAX_ATTEMPTS:
            row.error = result.error[:200]
            row.next_attempt_at = now + timedelta(seconds=BACKOFF_SECONDS * 2 ** (row.attempts - 1))
        else:
            row.status = DeliveryStatus.FAILED
            row.error = result.error[:200]
            row.next_attempt_at = None
            log.warning("text #%s failed for good: %s", row.pk, row.error)
        # A code is kept only as a hash (codes.py); the message's copy goes once it is out,
        # except on the console gateway, whose outbox page is how the demo is joined.
        if (
            row.template == TextTemplate.CODE
            and row.status != DeliveryStatus.QUEUED
            and row.gateway != "console"
        ):
            row.params = {}
        row.save(
            update_fields=[
                "status",
                "sent_at",
                "provider_message_id",
                "error",
                "next_attempt_at",
                "attempts",
                "params",
            ]
        )
        return str(row.status)


def deliveries_claim(limit: int = 500) -> list[int]:
    """Queued deliveries whose next attempt is due (retries, a round queued in bulk, any a lost
    hand-over left), pushed CLAIM_SECONDS ahead so the next sweep does not hand them out again
    while workers have them; a worker's attempt sets the real next time."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
            )
    return ids


def delivery_receipt(*, provider_message_id: str, delivered: bool, error: str = "") -> int:
    """A provider's delivery report: marks the message delivered (or failed with the reason)."""
    qs = Delivery.objects.filter(
        provider_message_id=provider_message_id, status=DeliveryStatus.SENT
    )
    if delivered:
        return qs.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
    return qs.update(status=DeliveryStatus.FAILED, error=error[:200])
