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


@login_not_required
def bare_call_list(request: HttpRequest, grid_id: int) -> JsonResponse:
    """The least a call list page could do: the grid's first 120 living residents with their
    household and phone, one query; no auth, no scoping, no reports excluded, no masking."""
    rows = list(
        Resident.objects.filter(grid_id=grid_id, status="present")
        .order_by("building_id", "household_id", "pk")
        .values("pk", "person__name", "person__phone", "household__room", "building__name")[:120]
    )
    return JsonResponse({"items": rows})


urlpatterns = [
    path("bench/bare-residents/<int:community_id>/", bare_residents),
    path("bench/bare-call-list/<int:grid_id>/", bare_call_list),
    *project_urlpatterns,
]
