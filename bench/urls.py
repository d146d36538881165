"""The project's URLs plus the bare view the benchmarks use as their ceiling."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from people.models import Resident


@login_not_required
def bare_residents(request: HttpRequest, community_id: int) -> JsonResponse:
    """The least a residents page could do: one query, no auth, no scoping, no masking."""
    rows = list(
        Resident.objects.filter(community_id=community_id)
        .order_by("pk")
        .values("pk", "person__name", "relation", "status", "household_id")[:50]
    )
    return JsonResponse({"items": rows})


urlpatterns = [
    path("bench/bare-residents/<int:community_id>/", bare_residents),
    *project_urlpatterns,
]
