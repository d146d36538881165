from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin_site import ScopedModelAdmin, site, widest_setup_path
from core.audit import audit_record
from core.models import AuditEvent, RetentionRun
from core.spreadsheets import new_workbook, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def shown_time(event: AuditEvent) -> str:
    """Stored in UTC, read in Beijing time (settings.TIME_ZONE)."""
    return f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}"


class AuditEventAdmin(ScopedModelAdmin):
    """The access log (M20): read here, never written, changed or deleted.

    Filter by user (only users who appear in the rows the admin may see are offered), action,
    record type, result and date (the date bar, or the time filter's range); search by record
    number, username, an address (IP), or a resident's name (also in pinyin, or the last four
    digits of their phone or ID), which finds the events about them: the registry adds that
    search (people/admin.py), being a floor above this one. "Export" gives the rows shown as
    .xlsx (at most AUDIT_EXPORT_MAX_ROWS), and is itself audited.
    """

    list_display = [
        "time",
        "user",
        "action",
        "target_type",
        "target_id",
        "place_path",
        "result",
        "ip",
    ]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        "action",
        "target_type",
        "result",
        "at",
    ]
    date_hierarchy = "at"
    search_fields = ["=target_id", "user__username"]
    search_help_text = _(
        "Record number, username, address, or a resident's name "
        "(pinyin, last 4 of phone or ID too)."
    )
    list_select_related = ["user"]
    readonly_fields = [
        "time",
        "user",
        "action",
        "target_type",
        "target_id",
        "place_path",
        "result",
        "ip",
        "user_agent",
        "detail",
    ]

    @admin.display(description=_("time (Beijing)"), ordering="at")
    def time(self, event: AuditEvent) -> str:
        return shown_time(event)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, duplicates = super().get_search_results(request, queryset, search_term)
        address = _address(search_term)
        if address is not None:
            results = results | queryset.filter(ip=address)
        return results, duplicates

    def get_urls(self) -> list[URLPattern]:
        export = self.admin_site.admin_view(require_POST(self.export_view))
        return [path("export/", export, name="core_auditevent_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The rows the list shows (its filters and search, the query string), as .xlsx."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        rows = changelist.queryset
        count = rows.count()
        limit = settings.AUDIT_EXPORT_MAX_ROWS
        back = reverse("admin:core_auditevent_changelist") + "?" + request.GET.urlencode()
        if count > limit:
            messages.error(
                request,
                _t(
                    "%(count)s events match; at most %(limit)s can be exported at once. "
                    "Narrow the dates or filters."
                )
                % {"count": count, "limit": limit},
            )
            return HttpResponseRedirect(back)
        actor = self.actor(request)
        body = _workbook(rows)
        audit_record(
            actor=actor,
            action="export",
            target_type="audit",
            target_id="",
            place_path=widest_setup_path(actor),
            # Which filters, not what was typed: a search may be a resident's name.
            detail={"count": count, "filters": sorted(request.GET.keys())},
        )
        response = HttpResponse(body, content_type=XLSX)
        stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
        return response


def _address(term: str) -> str | None:
    try:
        return str(ip_address(term.strip()))
    except ValueError:
        return None


def _workbook(rows: QuerySet) -> bytes:
    wb = new_workbook(write_only=True)
    sheet = wb.create_sheet(_t("audit events"))
    sheet.append(
        [
            _t("time (Beijing)"),
            _t("user"),
            _t("action"),
            _t("record type"),
            _t("record"),
            _t("place"),
            _t("result"),
            _t("address"),
            _t("browser"),
        ]
    )
    for event in rows.select_related("user").order_by("-at", "-pk").iterator(chunk_size=2000):
        sheet.append(
            [
                shown_time(event),
                event.user.username if event.user is not None else "",
                event.action,
                event.target_type,
                event.target_id,
                event.place_path,
                event.get_result_display(),
                event.ip or "",
                event.user_agent,
            ]
        )
    return workbook_bytes(wb)


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
