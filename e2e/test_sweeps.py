"""A sweep campaign (拉网式排查) on a desk: the district admin opens it, a grid worker's visits
count towards it, the progress per level shows, and closing it freezes the campaign report with
the four categories found, exported to .xlsx."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import User
from accounts.selectors import actor_for_user
from e2e.conftest import DESK
from e2e.test_foundation import granted_place, login, ui
from health.models import SweepCampaign, SweepStatus
from health.screening import MemberFinding, screening_visit_record
from people.models import Resident

pytestmark = pytest.mark.browser


def test_district_admin_runs_a_sweep(demo_city: Any, new_page: Any, shot: Any) -> None:
    district = granted_place("district_admin")
    today = timezone.localdate()
    page = new_page(DESK)
    login(page, "district_admin")
    page.goto("/sweeps/")
    page.get_by_test_id("open-sweep").click()
    # The last day before the first: refused, nothing opened.
    page.fill("#id_name", "江汉区拉网式排查")
    page.select_option("#id_scope", str(district.pk))
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_end_date", (today - datetime.timedelta(days=1)).isoformat())
    page.get_by_test_id("form-submit").click()
    expect(page.locator(".error").first).to_be_visible()
    shot(page, "01-wrong-dates")
    assert not SweepCampaign.objects.exists()
    page.fill("#id_end_date", (today + datetime.timedelta(days=2)).isoformat())
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("sweep-name")).to_have_text("江汉区拉网式排查")
    sweep = SweepCampaign.objects.get()

    # The grid worker screens a household of their grid: a fever found, and a declared contact.
    grid = granted_place("grid_worker")
    resident = (
        Resident.objects.filter(grid=grid, status="present", household__residents__isnull=False)
        .order_by("household_id")
        .first()
    )
    assert resident is not None
    members = list(resident.household.residents.filter(status__in=["present", "away"]))
    findings = [MemberFinding(members[0].pk, "present", "38.3", ["cough"])]
    findings += [
        MemberFinding(m.pk, "present", "36.6", declared="close_contact") for m in members[1:]
    ]
    worker = actor_for_user(User.objects.get(username="grid_worker"))
    result = screening_visit_record(
        actor=worker, household=resident.household, outcome="screened", members=findings
    )
    assert result.visit.campaign_id == sweep.pk

    page.reload()
    expect(page.get_by_test_id("sweep-levels")).to_be_visible()
    expect(page.get_by_test_id("sweep-done")).to_contain_text("1")
    shot(page, "02-progress")

    page.get_by_test_id("sweep-close").click()
    page.get_by_test_id("close-submit").click()
    expect(page.get_by_test_id("sweep-closed")).to_be_visible()
    expect(page.get_by_test_id("sweep-categories")).to_be_visible()
    shot(page, "03-closed-report")
    sweep.refresh_from_db()
    assert sweep.status == SweepStatus.CLOSED
    frozen = str(sweep.report)
    assert sweep.report and "close_contact" in frozen

    with page.expect_download() as download:
        page.get_by_test_id("sweep-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    assert "江汉区拉网式排查" in text and ui("Close contact") in text
