"""Home pages of issue 8: a resident's notices (unread first counted), what a community has not
relayed yet, the street's open rumours, and a member's study reminder."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.selectors import actor_for_user
from notices.models import IncidentStatus, NoticeKind, OpinionIncident
from notices.publishing import notice_publish
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def _page(username: str, url: str = "/") -> str:
    client = Client()
    client.cookies["django_language"] = "en"
    assert client.login(username=username, password=PASSWORD)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _city_order(tc: TinyCity) -> None:
    notice_publish(
        actor=actor_for_user(tc.users["city_admin"]),
        kind=NoticeKind.ORDER,
        title="全市封闭管理通告",
        body="即日起全市小区封闭管理。",
        issuer=tc.city,
        targets=[tc.city],
    )


def test_resident_home_lists_notices_and_counts_the_unread(tiny_city: TinyCity) -> None:
    html = _page("resident")  # lands on the household page
    assert 'data-testid="home-notices"' in html
    assert "区指挥部通告" in html  # the district's notice, already read
    assert 'data-testid="home-notices-unread"' not in html
    _city_order(tiny_city)
    html = _page("resident")
    assert "全市封闭管理通告" in html
    assert "1 unread" in html
    # Another district's notice never reaches them.
    assert "【ODI】区指挥部通告" not in html


def test_community_admin_sees_notices_not_yet_relayed(tiny_city: TinyCity) -> None:
    def to_relay(html: str) -> int:
        part = html.split("Notices to relay")[0].rsplit("<strong>", 1)[1]
        return int(part.split("</strong>")[0])

    assert to_relay(_page("community_admin")) == 0  # the district's notice was relayed
    _city_order(tiny_city)
    assert to_relay(_page("community_admin")) == 1


def test_street_home_counts_rumours_being_handled(tiny_city: TinyCity) -> None:
    html = _page("street_admin")
    open_here = OpinionIncident.objects.filter(
        street=tiny_city.inside.street,
        status__in=[IncidentStatus.REPORTED, IncidentStatus.HANDLING],
    ).count()
    assert open_here == 1
    part = html.split("Rumours being handled")[0].rsplit("<strong>", 1)[1]
    assert int(part.split("</strong>")[0]) == open_here
    assert "/opinion/new/" in html  # any worker can report one from home


def test_a_reminded_member_sees_it_on_the_home_page_until_they_study(tiny_city: TinyCity) -> None:
    from outreach import study
    from outreach.tests.test_study_helpers import build_study_world, study_all

    world = build_study_world(tiny_city)
    study.reminder_send(
        actor=actor_for_user(tiny_city.users["community_admin"]),
        programme=world.programme,
        org=world.branch,
    )
    title = world.programme.title
    assert 'data-testid="study-reminder"' in _page("study-a1") and title in _page("study-a1")
    # Another district's member was not reminded of it (only of their own district's day).
    assert title not in _page("study-d1")
    study_all(world, "a1", 1)
    assert title not in _page("study-a1")
