from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_site import ScopedModelAdmin, site
from core.models import AuditEvent, RetentionRun


class AuditEventAdmin(ScopedModelAdmin):
    """The access log (M20): read here, never written, changed or deleted.

    Filter by user (only users who appear in the rows the admin may see are offered) and by
    person: the search box takes a record number, a username, or a resident's name (also in
    pinyin, or the last four digits of their phone or ID), which finds the events about them:
    the registry adds that search (people/admin.py), being a floor above this one.
    """

    list_display = ["at", "user", "action", "target_type", "target_id"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter), "action", "target_type"]
    search_fields = ["=target_id", "user__username"]
    search_help_text = _(
        "Record number, username, or a resident's name (pinyin, last 4 of phone or ID too)."
    )
    list_select_related = ["user"]
    readonly_fields = ["at", "user", "action", "target_type", "target_id", "place_path", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(AuditEvent, AuditEventAdmin)


class RetentionRunAdmin(ScopedModelAdmin):
    """The retention job's runs (docs/retention.md): when, and how many rows of each kind went;
    read only, for city admins (RetentionRunQuerySet)."""

    list_display = ["started_at", "finished_at", "total", "failed"]
    readonly_fields = ["started_at", "finished_at", "counts", "failed"]

    @admin.display(description=_("rows purged"))
    def total(self, run: RetentionRun) -> int:
        return sum(int(n) for n in run.counts.values())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(RetentionRun, RetentionRunAdmin)
