"""The daily report in the browser: a community admin reviews today's report (its residents'
request figures counted from the request records; a remark too long first), submits it to the
street, and the street admin sees it submitted with its roll-up; a
grid worker reports feeling unwell on a phone and the community admin sees them not fit."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import DESK, PHONE
from e2e.test_foundation import granted_place, login, url_path
from health.models import DailyReport, WorkerHealth
from places.models import Place
from reports.selectors import HAND_MARK, REQUEST_KEYS, day_bounds

pytestmark = pytest.mark.browser


def _file_requests(community: Place) -> None:
    """Requests of the community's residents: one filed yesterday and never answered, one filed
    just now, one done today, one escalated to the street today (still the community's)."""
    from people.models import Resident
    from service_requests.filing import request_file
    from service_requests.models import ServiceRequest
    from testkit import ROOT

    now = timezone.now()
    start, _end = day_bounds(timezone.localdate())
    earlier_today = max(start, now - datetime.timedelta(minutes=10))
    yesterday = start - datetime.timedelta(hours=14)
    residents = list(
        Resident.objects.filter(community_id=community.pk, status="present").order_by("pk")[:4]
    )
    assert len(residents) == 4

    def file(resident: Any, at: datetime.datetime, **columns: Any) -> None:
        request = request_file(
            actor=ROOT, resident=resident, category="food", details="米和油", now=at
        )
        if columns:
            ServiceRequest.objects.filter(pk=request.pk).update(**columns)

    file(residents[0], yesterday)
    file(residents[1], earlier_today)
    file(residents[2], yesterday, status="done", done_at=earlier_today)
    file(residents[3], yesterday, level="street", escalated_at=earlier_today)


def _recount(community: Place, day: datetime.date, at: datetime.datetime) -> dict[str, int]:
    """The request figures counted one request at a time, as of `at`."""
    from service_requests.models import ServiceRequest

    start, end = day_bounds(day)
    end = min(end, at + datetime.timedelta(microseconds=1))

    def during(t: datetime.datetime | None) -> bool:
        return t is not None and start <= t < end

    def not_by_then(t: datetime.datetime | None) -> bool:
        return t is None or t >= end

    out = dict.fromkeys(REQUEST_KEYS, 0)
    for r in ServiceRequest.objects.filter(community_id=community.pk, created_at__lt=end):
        out["requests_new"] += during(r.created_at)
        out["requests_escalated"] += during(r.escalated_at)
        out["requests_done"] += during(r.done_at)
        if not_by_then(r.done_at) and not_by_then(r.closed_at):
            out["requests_open"] += 1
            out["requests_overdue"] += (
                r.respond_due_at < end and not_by_then(r.responded_at)
            ) or r.done_due_at < end
    return out


def test_community_admin_submits_and_street_admin_sees_it(
    demo_city: Any, new_page: Any, shot: Any
) -> None:
    community = granted_place("community_admin")
    street = granted_place("street_admin")
    assert community.path.startswith(street.path)
    _file_requests(community)

    page = new_page(DESK)
    login(page, "community_admin")
    page.goto("/daily/")
    expect(page).to_have_url(re.compile(r"/daily/\d+/$"))
    report = DailyReport.objects.get(community=community)
    expect(page.get_by_test_id("report-title")).to_contain_text(community.name)
    # The street's deadline is a time of day: a run after it sees the report late (CI runs at
    # any hour), so the expected status follows the stored deadline, not the wall clock.
    late = timezone.now() >= report.deadline
    expect(page.get_by_test_id("report-status")).to_have_attribute(
        "data-status", "late" if late else "not_yet"
    )
    expect(page.get_by_test_id("figure-am_expected")).to_contain_text(
        str(report.figures["am_expected"])
    )
    # The request figures are computed (a recount of the request rows as of the report's
    # generation), nothing is entered by hand, and there is no "entered by the community" part.
    got = {k: report.figures[k] for k in REQUEST_KEYS}
    assert got == _recount(community, report.day, report.generated_at)
    assert got["requests_escalated"] >= 1 and got["requests_done"] >= 1
    assert got["requests_open"] >= 3 and got["requests_overdue"] >= 2
    for key, value in got.items():
        expect(page.get_by_test_id(f"figure-{key}").locator("strong")).to_have_text(str(value))
    expect(page.get_by_test_id("figures-requests")).to_be_visible()
    expect(page.get_by_test_id("figures-hand_kept")).to_have_count(0)
    expect(page.locator("#id_requests_open")).to_have_count(0)
    expect(page.get_by_test_id("figures-note")).to_be_visible()
    shot(page, "01-report-draft")

    # A remark too long is refused, naming the field; nothing is submitted.
    page.locator("#id_note").fill("长" * 1001)
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("error-note")).to_be_visible()
    shot(page, "02-wrong-remark")
    report.refresh_from_db()
    assert report.status == "draft"

    page.locator("#id_note").fill("口罩和消毒液库存只够两天，请街道协调。")
    page.get_by_test_id("review-submit").click()
    expect(page.get_by_test_id("report-frozen")).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_have_attribute(
        "data-status", "submitted_late" if late else "on_time"
    )
    expect(page.get_by_test_id("review-form")).to_have_count(0)
    shot(page, "03-submitted")
    report.refresh_from_db()
    assert report.status == "submitted" and report.figures[HAND_MARK] == []

    office = new_page(DESK)
    login(office, "street_admin")
    office.goto("/daily/")
    expect(office).to_have_url(url_path(f"/daily/places/{street.pk}/"))
    row = office.get_by_test_id("overview-row").filter(has_text=community.name)
    expect(row).to_have_attribute("data-status", "submitted_late" if late else "on_time")
    expect(office.get_by_test_id("count-submitted")).to_have_text("1")
    expect(office.get_by_test_id("figure-home_observation")).to_contain_text(
        str(report.figures["home_observation"])
    )
    # The roll-up sums the request figures of the submitted report (the only one).
    for key in REQUEST_KEYS:
        expect(office.get_by_test_id(f"figure-{key}").locator("strong")).to_have_text(
            str(report.figures[key])
        )
    shot(office, "04-street-overview")
    row.get_by_role("link", name=community.name).click()
    expect(office).to_have_url(url_path(f"/daily/{report.pk}/"))
    expect(office.get_by_test_id("report-note")).to_contain_text("口罩")
    shot(office, "05-street-reads-report")
    with office.expect_download() as download:
        office.get_by_test_id("report-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_unwell_worker_is_shown_not_fit(demo_city: Any, new_page: Any, shot: Any) -> None:
    phone = new_page(PHONE)
    login(phone, "grid_worker")
    phone.goto("/workers/health/")
    shot(phone, "01-form")
    phone.locator("#id_temperature").fill("37.8")
    phone.get_by_test_id("worker-submit").click()
    expect(phone.get_by_test_id("worker-status")).to_have_attribute("data-fit", "no")
    shot(phone, "02-not-fit")
    row = WorkerHealth.objects.get(user__username="grid_worker")
    assert row.fit is False

    desk = new_page(DESK)
    login(desk, "community_admin")
    desk.goto("/workers/")
    first = desk.get_by_test_id("worker-row").first
    expect(first).to_have_attribute("data-status", "unwell")
    expect(desk.get_by_test_id("count-unwell")).to_have_text("1")
    shot(desk, "03-community-workers")
