from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin_site import ScopedModelAdmin, site
from core.models import AuditEvent

# How many residents a name search in the access log may stand for.
PERSON_SEARCH_LIMIT = 500


class AuditEventAdmin(ScopedModelAdmin):
    """The access log (M20): read here, never written, changed or deleted.

    Filter by user (only users who appear in the rows the admin may see are offered) and by
    person: the search box takes a record number, a username, or a resident's name (also in
    pinyin, or the last four digits of their phone or ID), which finds the events about them.
    """

    list_display = ["at", "user", "action", "target_type", "target_id"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter), "action", "target_type"]
    search_fields = ["=target_id", "user__username"]
    search_help_text = _(
        "Record number, username, or a resident's name (pinyin, last 4 of phone or ID too)."
    )
    list_select_related = ["user"]
    readonly_fields = ["at", "user", "action", "target_type", "target_id", "place_path", "detail"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        from people.models import Resident
        from people.search import resident_search_q

        resident_ids = [
            str(pk)
            for pk in Resident.objects.for_actor(self.actor(request))
            .filter(resident_search_q(term))
            .values_list("pk", flat=True)[:PERSON_SEARCH_LIMIT]
        ]
        if resident_ids:
            about = queryset.filter(Q(target_type="resident", target_id__in=resident_ids))
            results = results | about
        return results, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(AuditEvent, AuditEventAdmin)
