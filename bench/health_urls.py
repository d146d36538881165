"""The project's URLs plus the bare view the health-report benchmark uses as its ceiling."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from health.models import HealthReport

PLACE_COLUMNS = ("city", "district", "street", "community", "grid", "building", "household")


@csrf_exempt
@login_not_required
def bare_report(request: HttpRequest) -> JsonResponse:
    """The least a report endpoint could do: parse JSON, insert one row with the ORM. No login,
    no scoping, no validation, no idempotency, no counters."""
    data = json.loads(request.body)
    report = HealthReport.objects.create(
        **{f"{c}_id": data[c] for c in PLACE_COLUMNS},
        resident_id=data["resident"],
        day=data["day"],
        slot=data["slot"],
        temperature=data["temperature"],
        source="self",
        idempotency_key=data["idempotency_key"],
        created_at=timezone.now(),
    )
    return JsonResponse({"id": report.pk}, status=201)


urlpatterns = [
    path("bench/bare-report", bare_report),
    *project_urlpatterns,
]
