"""Periodic upkeep of accounts. Each job is idempotent: running it twice does nothing new."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts import services


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_expired_api_tokens() -> int:
    return services.api_tokens_purge_expired()
