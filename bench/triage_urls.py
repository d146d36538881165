"""The project's URLs plus the bare view the triage benchmark uses as its ceiling."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from triage.models import TriageCase


@login_not_required
def bare_queue(request: HttpRequest, place_id: int) -> JsonResponse:
    """The least a queue page could do: the community's 50 oldest cases waiting for triage and
    their number, two queries on the partial index; no auth, no scoping, no masking, no joins
    beyond the person's name."""
    waiting = TriageCase.objects.filter(
        community_id=place_id, status="open", triage_due_since__isnull=False
    )
    rows = list(
        waiting.order_by("triage_due_since", "pk").values(
            "pk", "resident__person__name", "triage_due_since", "note"
        )[:50]
    )
    return JsonResponse({"items": rows, "count": waiting.count()})


@login_not_required
def bare_transfers(request: HttpRequest, place_id: int) -> JsonResponse:
    """The least a transfer page could do: the street's 50 longest waits for a bed and the 50
    first triaged people without a disposition, with their numbers; no auth, no scoping."""
    columns = ("pk", "resident__person__name", "category", "disposition", "note")
    waiting = TriageCase.objects.filter(
        street_id=place_id, status="open", bed_wanted_since__isnull=False
    )
    awaiting = TriageCase.objects.filter(
        street_id=place_id,
        status="open",
        category__in=("confirmed", "suspected", "febrile", "close_contact"),
        disposition="",
    )
    return JsonResponse(
        {
            "items": list(waiting.order_by("bed_wanted_since", "pk").values(*columns)[:50]),
            "count": waiting.count(),
            "awaiting": list(awaiting.order_by("triaged_at", "pk").values(*columns)[:50]),
            "awaiting_count": awaiting.count(),
        }
    )


urlpatterns = [
    path("bench/bare-triage-queue/<int:place_id>/", bare_queue),
    path("bench/bare-triage-transfers/<int:place_id>/", bare_transfers),
    *project_urlpatterns,
]
