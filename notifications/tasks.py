"""Queue work for text messages: each delivery is sent by a worker, and a minute's sweep picks
up retries that are due and any hand-over a restart lost. Both are idempotent."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notifications.delivery import deliveries_due, delivery_attempt


@db_task()
def text_send(delivery_id: int) -> str:
    return delivery_attempt(delivery_id)


@db_periodic_task(crontab(minute="*"))
def texts_due() -> int:
    due = deliveries_due()
    for pk in due:
        delivery_attempt(pk)
    return len(due)
