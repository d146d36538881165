"""Queue work for text messages: each delivery is sent by a worker, and a minute's sweep hands
out what is due (retries, a reminder round queued in bulk, a hand-over a restart lost) in
batches, so several consumers share a city's round. Every step is idempotent: a delivery is
sent only while queued, under a row lock."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notifications.delivery import deliveries_claim, delivery_attempt

BATCH = 200
SWEEP_LIMIT = 20_000  # under SQLite's 32,766 parameters of one statement


@db_task()
def text_send(delivery_id: int) -> str:
    return delivery_attempt(delivery_id)


@db_task()
def text_send_batch(delivery_ids: list[int]) -> int:
    return sum(delivery_attempt(pk) == "sent" for pk in delivery_ids)


@db_periodic_task(crontab(minute="*"))
def texts_due() -> int:
    due = deliveries_claim(SWEEP_LIMIT)
    for i in range(0, len(due), BATCH):
        text_send_batch(due[i : i + BATCH])
    return len(due)
