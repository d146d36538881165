"""Queue work for notices: a published notice is told to everyone in its places (a city is
millions of users: in batches, by a worker, after the commit), and rectifications due soon or
overdue are told each morning. Both are idempotent."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notices.notifying import notice_published_tell, rectifications_due_tell

log = logging.getLogger(__name__)


@db_task()
def notice_tell(notice_id: int) -> int:
    return notice_published_tell(notice_id)


# Huey schedules in UTC: 01:00 UTC is 09:00 in Beijing (and again at 14:00 for one that came
# due since; the dedupe key keeps each stage to one line).
@db_periodic_task(crontab(minute="0", hour="1,6"))
def rectifications_due_periodic() -> None:
    log.info("rectifications due told: %s", rectifications_due_tell())
