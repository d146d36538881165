"""Community daily reports (日报) through the API: the reports of a day the caller may see, and
submitting one. Same rules as the pages: 404 for what the caller may not see, 403 for what they
may see but not do, 422 naming each wrong field."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from core.api import ErrorOut
from core.http import actor_of
from core.pagination import ApiPagination
from health.models import DailyReport, DailyReportStatus
from reports import selectors as sel
from reports import services as daily

router = Router(tags=["health"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class DailyReportOut(Schema):
    id: int
    community_id: int
    community_name: str
    day: datetime.date
    status: str
    # on_time | submitted_late | late | not_yet (late: the deadline passed, not submitted)
    timeliness: str
    deadline: datetime.datetime
    submitted_at: datetime.datetime | None
    generated_at: datetime.datetime
    figures: dict[str, int]
    # The keys whose value was entered by hand (reports stored before they were computed).
    hand_kept: list[str]
    note: str

    @staticmethod
    def resolve_community_name(obj: DailyReport) -> str:
        return obj.community.name

    @staticmethod
    def resolve_timeliness(obj: DailyReport) -> str:
        submitted = obj.submitted_at if obj.status == DailyReportStatus.SUBMITTED else None
        return sel.report_status(submitted, obj.deadline, timezone.now())

    @staticmethod
    def resolve_figures(obj: DailyReport) -> dict[str, int]:
        return {
            k: v for k, v in obj.figures.items() if k in sel.FIGURES_BY_KEY and isinstance(v, int)
        }

    @staticmethod
    def resolve_hand_kept(obj: DailyReport) -> list[str]:
        return list(obj.figures.get(sel.HAND_MARK, []))


class DailyFilter(Schema):
    day: datetime.date | None = None
    place: int | None = None


class SubmitIn(Schema):
    """The review's last changes, if any: the remarks, and hand-kept figures by key. No figure
    is hand-kept now (new cases come from the triage records, open requests from the request
    records): computed keys sent here are ignored. Should a hand-kept figure return, it must be
    filled in (here or before) to submit."""

    hand_kept: dict[str, Any] | None = None
    note: str | None = None


@router.get("/daily-reports", response={200: list[DailyReportOut], 422: ErrorOut})
@paginate(ApiPagination)
def list_daily_reports(request: HttpRequest, filters: Query[DailyFilter]):  # type: ignore[no-untyped-def]
    """The community daily reports of `day` (default today) the caller may see, optionally
    under one place (a street, district or city). Communities without a report row do not
    appear: they have not opened theirs yet."""
    day = sel.parse_day(filters.day.isoformat() if filters.day else None)
    return sel.daily_report_list(actor_of(request), day=day, place_id=filters.place)


@router.post("/daily-reports/{daily_report_id}/submit", response={200: DailyReportOut, **ERRORS})
def submit_daily_report(
    request: HttpRequest, daily_report_id: int, payload: SubmitIn | None = None
) -> DailyReport:
    """Submit a community's report to its street (community admin). Submitting a report that
    was already submitted returns it unchanged."""
    actor = actor_of(request)
    report = sel.access_daily_report(actor, daily_report_id)
    body = payload or SubmitIn()
    daily.daily_report_submit(actor=actor, report=report, hand_kept=body.hand_kept, note=body.note)
    return sel.access_daily_report(actor, daily_report_id)
