"""What users missed on their home (issue 15 item 18): the resident's home says whether today's
report is done and links their building's duty team; every office's home links today's daily
report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.selectors import actor_for_user
from health.reporting import ReportInput, health_reports_submit
from testkit import TinyCity

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


@pytest.mark.django_db
def test_the_residents_home_says_whether_todays_report_is_done(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "resident")
    with time_machine.travel(MORNING, tick=False):
        home = c.get("/", follow=True).content.decode()
        assert 'data-testid="report-status-am" data-done="0"' in home
        assert "12:00" in home  # the afternoon opens at noon
        assert f'href="{reverse("duty:my_zone")}"' in home
        assert f'href="{reverse("health:report")}"' in home
        health_reports_submit(
            actor=actor_for_user(tc.users["resident"]),
            items=[
                ReportInput(
                    resident_id=r.pk, day=MORNING.date(), slot="am", temperature=Decimal("36.5")
                )
                for r in tc.inside.residents
            ],
        )
        home = c.get("/", follow=True).content.decode()
    assert 'data-testid="report-status-am" data-done="1"' in home
    assert "09:00" in home


@pytest.mark.django_db
def test_my_building_is_in_the_residents_navigation(tiny_city: TinyCity) -> None:
    page = _client(tiny_city, "resident").get("/", follow=True).content.decode()
    assert 'data-testid="nav-building"' in page
    assert _client(tiny_city, "resident").get(reverse("duty:my_zone")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "place"),
    [
        ("community_admin", "community"),
        ("street_admin", "street"),
        ("district_admin", "district"),
    ],
)
def test_every_offices_home_links_todays_daily_report(
    tiny_city: TinyCity, role: str, place: str
) -> None:
    target = getattr(tiny_city.inside, place)
    page = _client(tiny_city, role).get("/").content.decode()
    if place == "community":  # the community's own report, to review and submit
        url = f"{reverse('daily:home')}?community={target.pk}"
    else:
        url = reverse("daily:place", args=[target.pk])
    assert f'href="{url}"' in page.replace("&amp;", "&")
    r = _client(tiny_city, role).get(url, follow=True)
    assert r.status_code == 200
