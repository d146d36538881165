"""Setup's view of text messages: each delivery's template, status, attempts and error, the
number masked; read-only (the queue writes them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_site import ScopedModelAdmin, site
from core.masking import mask_phone
from notifications.models import Delivery


class DeliveryAdmin(ScopedModelAdmin):
    list_display = ["created_at", "masked_phone", "template", "status", "attempts", "error"]
    list_filter = ["status", "template", "gateway"]
    readonly_fields = [
        "created_at",
        "masked_phone",
        "template",
        "gateway",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "delivered_at",
        "error",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only these: never the number in full, nor a message's params (a code).
        return self.readonly_fields

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Delivery) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(Delivery, DeliveryAdmin)
