"""Background jobs of the registry: a confirmed import runs here, never in a web request, and
so does the check of a big upload."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from people.registry_import import run


@db_task()
def registry_import_run(import_id: int) -> dict[str, Any]:
    """Idempotent: a second run of the same import (a retry, a duplicate message) does nothing."""
    return run.import_run(import_id)


@db_task()
def registry_import_check(import_id: int) -> dict[str, Any]:
    """The check (preview) of a big upload; idempotent like the run."""
    return run.import_check(import_id)
