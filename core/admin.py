from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.admin_site import ScopedModelAdmin, site
from core.models import AuditEvent


class AuditEventAdmin(ScopedModelAdmin):
    """The audit trail is read, never written or changed, here."""

    list_display = ["at", "user", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(AuditEvent, AuditEventAdmin)
