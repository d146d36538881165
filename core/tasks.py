"""Periodic upkeep of core. Each job is idempotent: running it twice does nothing new."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core.audit_archive import archive_due


@db_periodic_task(crontab(minute="41", hour="3"))
def audit_archive() -> int:
    """Daily: audit months past retention to their files (core.audit_archive)."""
    return len(archive_due())
