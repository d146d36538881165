from __future__ import annotations

from typing import Any

from core.actor import Actor
from core.masking import mask_in_text
from core.models import AuditEvent, AuditResult
from core.request_origin import current_origin


def _masked(value: Any) -> Any:
    """Free text in a detail (a reason, a note) with ID and phone numbers masked: a number typed
    into "why do you need it" must not land in the access log in full."""
    if isinstance(value, str):
        return mask_in_text(value)
    if isinstance(value, dict):
        return {key: _masked(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    place_path: str = "",
    detail: dict[str, Any] | None = None,
    result: str = AuditResult.OK,
) -> AuditEvent:
    """Write one audit row: who (actor), when (now), from where (the current request's address
    and browser, core.request_origin), what (action on target), the result (ok / denied /
    failed). `detail` must name fields, never carry their values; any ID or phone number in its
    text (a typed reason) is masked here, whoever calls."""
    origin = current_origin()
    return AuditEvent.objects.create(
        user_id=actor.user_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        place_path=place_path,
        detail=_masked(detail or {}),
        ip=origin.ip,
        user_agent=origin.user_agent,
        result=AuditResult(result),
    )
