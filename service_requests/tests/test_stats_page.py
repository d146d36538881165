"""The request statistics page (/requests/stats/): offices only, figures equal to
request_stats for the viewer's area, the period choice, the red mark past the city's target,
and a query count that does not grow with the categories that have requests."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.selectors import actor_for_user
from core.time_format import minutes_text
from service_requests.filing import request_file, targets_for
from service_requests.handling import request_accept, request_done
from service_requests.models import Level, RequestCategory, ServiceRequest
from service_requests.stats import request_stats
from testkit import ROOT, TinyCity

URL = reverse("requests:stats")


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _handled(tc: TinyCity, category: str, respond: int, finish: int) -> ServiceRequest:
    """A request of the inside elder, responded to and finished by the community office
    `respond` and `finish` minutes after filing."""
    admin = actor_for_user(tc.users["community_admin"])
    request = request_file(
        actor=ROOT, resident=tc.inside.residents[1], category=category, details="测试"
    )
    filed = request.created_at
    request_accept(actor=admin, request=request, now=filed + datetime.timedelta(minutes=respond))
    request_done(actor=admin, request=request, now=filed + datetime.timedelta(minutes=finish))
    return request


def _cell(html: str, row_testid: str, key: str, attr: str, testid: str) -> str:
    """The text of cell `testid` (before its target note) in the row with data-`attr`=key."""
    start = html.index(f'data-testid="{row_testid}" data-{attr}="{key}"')
    end = html.index("</tr>", start)
    found = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)', html[start:end])
    assert found, f"{testid} in {key}"
    return found.group(1).strip()


def _row(html: str, key: str) -> str:
    start = html.index(f'data-testid="category-row" data-category="{key}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["community_admin", "street_admin"])
def test_figures_equal_request_stats(tiny_city: TinyCity, role: str) -> None:
    _handled(tiny_city, "medicine", 45, 125)
    _handled(tiny_city, "medicine", 45, 125)
    response = _client(tiny_city, role).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    actor = actor_for_user(tiny_city.users[role])
    stats = request_stats(actor, since=timezone.now() - datetime.timedelta(days=30))
    for level in Level.values:
        for figure in ("open", "overdue", "escalated"):
            shown = _cell(html, "level-row", level, "level", figure)
            assert shown == str(stats["levels"][level][figure]), (level, figure)
    with translation.override("zh-hans"):
        for category in RequestCategory.values:
            figures = stats["categories"][category]
            assert _cell(html, "category-row", category, "category", "count") == str(
                figures["count"]
            )
            respond = _cell(html, "category-row", category, "category", "respond")
            done = _cell(html, "category-row", category, "category", "done")
            assert respond == minutes_text(figures["respond_median_minutes"])
            assert done == minutes_text(figures["done_median_minutes"])
            respond_target, done_target = targets_for(tiny_city.city.pk, category)
            row = _row(html, category)
            assert minutes_text(respond_target.total_seconds() / 60) in row
            assert minutes_text(done_target.total_seconds() / 60) in row
        assert stats["categories"]["medicine"]["respond_median_minutes"] == 45.0
        assert _cell(html, "category-row", "medicine", "category", "respond") == minutes_text(45)
        assert _cell(html, "category-row", "medicine", "category", "done") == minutes_text(125)
    assert 'data-testid="chart-respond"' in html
    assert 'data-testid="nav-stats"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident", "cadre", "volunteer", "building_head"])
def test_others_are_refused(tiny_city: TinyCity, role: str) -> None:
    response = _client(tiny_city, role).get(URL)
    assert response.status_code == 403
    assert "stats-levels" not in response.content.decode()


@pytest.mark.django_db
def test_resident_nav_has_no_statistics_link(tiny_city: TinyCity) -> None:
    html = _client(tiny_city, "resident").get(reverse("requests:mine")).content.decode()
    assert 'data-testid="nav-stats"' not in html


@pytest.mark.django_db
def test_since_choice_and_bad_values(tiny_city: TinyCity) -> None:
    old = _handled(tiny_city, "food", 30, 60)
    ServiceRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    client = _client(tiny_city, "community_admin")

    def food_count(query: str) -> str:
        html = client.get(URL + query).content.decode()
        return _cell(html, "category-row", "food", "category", "count")

    assert food_count("?since=90") == "1"
    assert food_count("?since=30") == "0"
    assert food_count("") == "0"
    assert food_count("?since=7") == "0"
    for bad in ("?since=45", "?since=abc", "?since=", "?since=-1", "?since=90x"):
        response = client.get(URL + bad)
        assert response.status_code == 200
        html = response.content.decode()
        assert re.search(r'aria-current="page" data-testid="since-30"', html), bad
        assert _cell(html, "category-row", "food", "category", "count") == "0"


@pytest.mark.django_db
def test_red_when_median_is_over_the_target(tiny_city: TinyCity) -> None:
    # Urgent trips: respond within 30 min, done within 2 h (defaults); 45 min and 2 h 5 min are
    # both late. Medicine: 2 h and 24 h; the same times are in time.
    assert targets_for(tiny_city.city.pk, "urgent_trip") == (
        datetime.timedelta(minutes=30),
        datetime.timedelta(minutes=120),
    )
    _handled(tiny_city, "urgent_trip", 45, 125)
    _handled(tiny_city, "medicine", 45, 125)
    html = _client(tiny_city, "community_admin").get(URL).content.decode()
    urgent, medicine = _row(html, "urgent_trip"), _row(html, "medicine")
    assert re.search(r'class="num over" data-testid="respond" data-over="1"', urgent)
    assert re.search(r'class="num over" data-testid="done" data-over="1"', urgent)
    assert "over" not in medicine
    # The bar of the late category is red too.
    chart = html[html.index('data-testid="stats-chart"') :]
    assert 'class="over"' in chart


@pytest.mark.django_db
def test_queries_do_not_grow_with_categories(
    tiny_city: TinyCity, django_assert_max_num_queries: Any
) -> None:
    client = _client(tiny_city, "street_admin")
    _handled(tiny_city, "medicine", 10, 20)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for category in RequestCategory.values:
        _handled(tiny_city, category, 10, 20)
        _handled(tiny_city, category, 50, 90)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="chart-done"') == len(
        RequestCategory.values
    )
