"""Background jobs of the registry: a confirmed import runs here, never in a web request."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from people import flows


@db_task()
def registry_import_run(import_id: int) -> dict[str, Any]:
    """Idempotent: a second run of the same import (a retry, a duplicate message) does nothing."""
    return flows.import_run(import_id)
