"""The project's URLs plus the bare views the deployment benchmark uses as its ceiling."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone

from config.urls import urlpatterns as project_urlpatterns
from mobilisation.models import Shift, ShiftAssignment


@login_not_required
def bare_coverage(request: HttpRequest, unit_id: int) -> JsonResponse:
    """The least per-unit coverage could do: one grouped SQL statement over the members of one
    unit (0: every unit), with whether each has an active deployment; no scoping."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT u.id, u.name, count(m.id), "
            "count(m.id) FILTER (WHERE m.deploy_call = 'should'), "
            "count(m.id) FILTER (WHERE m.deploy_call = 'exempt'), "
            "count(m.id) FILTER (WHERE m.deploy_call = ''), "
            "count(m.id) FILTER (WHERE m.deploy_call = 'should' AND d.id IS NOT NULL), "
            "count(m.id) FILTER (WHERE m.deploy_call = '' AND d.id IS NOT NULL) "
            "FROM party_unit u JOIN party_partymember m ON m.unit_id = u.id "
            "LEFT JOIN party_deployment d ON d.member_id = m.id AND d.status = 'active' "
            "WHERE %s = 0 OR u.id = %s GROUP BY u.id, u.name ORDER BY u.name",
            [unit_id, unit_id],
        )
        rows = cur.fetchall()
    return JsonResponse({"units": rows})


@login_not_required
def bare_roster(request: HttpRequest, community_id: int, day: str) -> JsonResponse:
    """The least a roster day could do: the day's live shifts with their post's name and the
    people on them (two queries, no scoping, no health flags)."""
    d = datetime.date.fromisoformat(day)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(d, datetime.time()), tz)
    shifts = list(
        Shift.objects.filter(
            community_id=community_id,
            cancelled_at__isnull=True,
            starts_at__gte=start,
            starts_at__lt=start + datetime.timedelta(days=1),
        )
        .order_by("starts_at", "pk")
        .values("pk", "starts_at", "ends_at", "needed", "post__name")
    )
    people = list(
        ShiftAssignment.objects.filter(
            shift_id__in=[s["pk"] for s in shifts], removed_at__isnull=True
        ).values("shift_id", "user_id", "user__display_name", "checked_in_at")
    )
    return JsonResponse({"shifts": shifts, "people": people})


urlpatterns = [
    path("bench/bare-coverage/<int:unit_id>/", bare_coverage),
    path("bench/bare-roster/<int:community_id>/<str:day>/", bare_roster),
    *project_urlpatterns,
]
