"""Periodic upkeep of accounts. Each job is idempotent: running it twice does nothing new."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from accounts import services


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_expired_api_tokens() -> int:
    return services.api_tokens_purge_expired()


@db_periodic_task(crontab(minute="27", hour="3"))
def purge_login_records() -> tuple[int, int]:
    """Counts of wrong passwords past their window, and registry rows of sessions that ended."""
    from accounts.throttle import login_throttles_purge
    from accounts.user_sessions import user_sessions_purge

    return login_throttles_purge(), user_sessions_purge()
