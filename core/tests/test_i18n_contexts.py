"""The three places issue 15 #13 found saying the wrong thing in Chinese, rendered as a user sees
them: "Not yet" on the daily report's status (the street and district roll-ups and their Excel
export) and on 应下尽下 said 未排查; "Title" on the notice form (and its error) said 活动名称;
"From" as the start of a vehicle dispatch said 来源."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from accounts.selectors import actor_for_user
from health.models import DailyReport
from service_requests.filing import request_file
from testkit import TinyCity

pytestmark = pytest.mark.django_db

# Tuesday 24 November 2026, 09:00 in Beijing: before the daily report's deadline.
NINE = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture
def city(tiny_city: TinyCity) -> Iterator[TinyCity]:
    with time_machine.travel(NINE, tick=False):
        DailyReport.objects.all().delete()  # no community has sent today's report yet
        yield tiny_city


def _chinese(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "zh-hans"
    return c


def _texts(html: str) -> list[str]:
    """The words of a page between its tags."""
    return [t.strip() for t in re.split(r"<[^>]+>", html) if t.strip()]


def _cells(content: bytes) -> list[Any]:
    wb = load_workbook(io.BytesIO(content))
    return [cell for row in wb.active.iter_rows(values_only=True) for cell in row]


def test_daily_roll_ups_and_their_export_say_not_submitted(city: TinyCity) -> None:
    street = _chinese(city.users["street_admin"]).get(f"/daily/places/{city.inside.street.pk}/")
    assert street.status_code == 200
    words = _texts(street.content.decode())
    assert "未提交" in words and "未排查" not in words

    district = _chinese(city.users["district_admin"])
    page = district.get(f"/daily/places/{city.inside.district.pk}/?day=2026-11-24")
    words = _texts(page.content.decode())
    assert "未提交" in words and "未排查" not in words
    export = district.get(f"/daily/places/{city.inside.district.pk}/export.xlsx?day=2026-11-24")
    assert export.status_code == 200
    cells = _cells(export.content)
    assert "未提交" in cells and "未排查" not in cells


def test_screening_still_says_not_screened(city: TinyCity) -> None:
    page = _chinese(city.users["grid_worker"]).get(
        f"/screening/buildings/{city.inside.building.pk}/"
    )
    assert page.status_code == 200
    assert "未排查" in _texts(page.content.decode())


def test_deployment_coverage_says_not_deployed(city: TinyCity) -> None:
    page = _chinese(city.users["city_admin"]).get(reverse("party:coverage"))
    assert page.status_code == 200
    words = _texts(page.content.decode())
    assert "未下沉" in words and "未排查" not in words


def test_notice_form_and_its_error_say_title(city: TinyCity) -> None:
    office = _chinese(city.users["street_admin"])
    html = office.get("/notices/new/").content.decode()
    assert '<label for="id_title">标题</label>' in html
    assert "活动名称" not in html
    token = re.search(r'name="once" value="([^"]+)"', html)
    assert token
    bad = office.post(
        "/notices/new/",
        {
            "once": token.group(1),
            "issuer": city.inside.street.pk,
            "kind": "order",
            "title": "",
            "body": "各小区只留一个出入口。",
            "whole_area": "on",
        },
    )
    assert bad.status_code == 400
    error = re.search(r'data-testid="error-title">([^<]*)<', bad.content.decode())
    assert error and error.group(1).startswith("标题")
    assert "活动名称" not in bad.content.decode()


def test_vehicle_dispatch_says_start_and_end_time(city: TinyCity) -> None:
    r = request_file(
        actor=actor_for_user(city.users["resident"]),
        resident=city.inside.residents[0],
        category="urgent_trip",
        details="去医院透析",
        urgency="urgent",
    )
    html = _chinese(city.users["community_admin"]).get(f"/requests/{r.pk}/").content.decode()
    form = html[html.index('data-testid="vehicle-form"') :]
    form = form[: form.index("</form>")]
    assert '<label for="id_dispatch_vehicle-slot_start">开始时间</label>' in form
    assert '<label for="id_dispatch_vehicle-slot_end">结束时间</label>' in form
    assert "来源" not in form
