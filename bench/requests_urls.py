"""The project's URLs plus the bare views the requests benchmark uses as its ceiling."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone

from config.urls import urlpatterns as project_urlpatterns
from service_requests.models import ServiceRequest

OPEN311_COLUMNS = (
    "pk",
    "status",
    "level",
    "category",
    "details",
    "created_at",
    "updated_at",
    "done_due_at",
    "building__name",
    "household__room",
    "household_id",
    "community__name",
)


@login_not_required
def bare_open311(request: HttpRequest, place_id: int) -> JsonResponse:
    """The least requests.json could do: the community's newest 1,000 requests of the last 90
    days with the columns a row needs, one query; no key, no scoping, no mapping."""
    since = timezone.now() - datetime.timedelta(days=90)
    rows = list(
        ServiceRequest.objects.filter(community_id=place_id, created_at__gte=since)
        .order_by("-created_at", "-pk")
        .values(*OPEN311_COLUMNS)[:1000]
    )
    return JsonResponse(rows, safe=False)


@login_not_required
def bare_list(request: HttpRequest, place_id: int) -> JsonResponse:
    """The least the API list could do: the community's newest 50 requests and their number."""
    rows = ServiceRequest.objects.filter(community_id=place_id)
    page = list(
        rows.order_by("-created_at", "-pk").values(*OPEN311_COLUMNS, "resident__person__name")[:50]
    )
    return JsonResponse({"items": page, "count": rows.count()})


@login_not_required
def bare_stats(request: HttpRequest, place_id: int) -> JsonResponse:
    """The least the figures could do: counts per level and medians per category in SQL."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT level, count(*) FILTER (WHERE status IN ('new','accepted','dispatched')), "
            "count(*) FILTER (WHERE status IN ('new','accepted','dispatched') AND "
            "((responded_at IS NULL AND respond_due_at < now()) OR done_due_at < now())) "
            "FROM service_requests_servicerequest WHERE community_id = %s GROUP BY level",
            [place_id],
        )
        levels = cur.fetchall()
        cur.execute(
            "SELECT category, count(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM responded_at - "
            "created_at) / 60), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - "
            "created_at) / 60) "
            "FROM service_requests_servicerequest WHERE community_id = %s GROUP BY category",
            [place_id],
        )
        categories = cur.fetchall()
    return JsonResponse({"levels": levels, "categories": categories})


urlpatterns = [
    path("bench/bare-open311/<int:place_id>/", bare_open311),
    path("bench/bare-requests/<int:place_id>/", bare_list),
    path("bench/bare-request-stats/<int:place_id>/", bare_stats),
    *project_urlpatterns,
]
