"""The access log's admin, searching by resident too: the registry knows residents, core does
not, so the registry registers the log's admin with its search."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.admin import AuditEventAdmin
from core.admin_site import site
from core.models import AuditEvent
from people.models import Resident
from people.search import resident_search_q

# How many residents a name search in the access log may stand for.
PERSON_SEARCH_LIMIT = 500


class AuditEventByResidentAdmin(AuditEventAdmin):
    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
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


site.unregister(AuditEvent)
site.register(AuditEvent, AuditEventByResidentAdmin)
