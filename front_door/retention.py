"""What the front door keeps past its purpose (core.retention; docs/retention.md): a join request
once answered (confirmed: the registry and the account hold the person now; refused: the
reason was given). Waiting ones stay: the grid worker has not answered yet."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.retention import Window, delete_in_batches, register
from front_door.models import JoinRequest, JoinRequestStatus


def purge_join_requests(window: Window) -> int:
    rows = JoinRequest.objects.filter(answered_at__lt=window.before).exclude(
        status=JoinRequestStatus.PENDING
    )
    return delete_in_batches(rows, window, "join_requests")


register(
    "join_requests", _("Answered join requests"), "RETENTION_JOIN_REQUEST_DAYS", purge_join_requests
)
