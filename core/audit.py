from __future__ import annotations

from typing import Any

from core.actor import Actor
from core.models import AuditEvent


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    place_path: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. `detail` must name fields, never carry their values."""
    return AuditEvent.objects.create(
        user_id=actor.user_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        place_path=place_path,
        detail=detail or {},
    )
