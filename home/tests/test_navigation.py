"""The main navigation comes from one list (home.navigation): the tab bar and the phone menu
show the same destinations, every destination of the role (issue 15, item 15)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accounts.models import User
from accounts.selectors import actor_for_user
from core.actor import Actor, ScopeGrant
from core.roles import Role
from demo.city import DEMO_USERNAMES, build_demo_city
from home.navigation import DESTINATIONS, destinations


def _links(html: str, testid: str) -> list[tuple[str, str]]:
    block = re.search(rf'<(nav|ul)[^>]*data-testid="{testid}".*?</\1>', html, re.S)
    assert block is not None, testid
    return re.findall(r'href="([^"]+)" data-testid="(?:nav|menu)-([a-z]+)"', block.group(0))


@pytest.mark.django_db
def test_for_every_demo_role_the_phone_menu_has_every_destination_of_the_tab_bar() -> None:
    build_demo_city(scale=0.02, seed=2020)
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        html = client.get("/", follow=True).content.decode()
        tabs, menu = _links(html, "tabs"), _links(html, "menu-list")
        expected = [(d.url, d.key) for d in destinations(actor_for_user(user))]
        assert tabs == menu == expected, username
        assert len(tabs) >= 5, username  # home and the role's own pages


def _actor(*roles: str) -> Actor:
    return Actor(user_id=1, grants=tuple(ScopeGrant(r, "city", place_id=1) for r in roles))


def keys(*roles: str) -> list[str]:
    return [d.key for d in destinations(_actor(*roles))]


@pytest.mark.django_db
def test_who_sees_what() -> None:
    assert keys(Role.RESIDENT) == ["home", "health", "requests", "notices", "guide", "building"]
    assert [d.url for d in destinations(_actor(Role.RESIDENT))][1:3] == [
        "/health/report/",
        "/requests/mine/",
    ]
    assert keys(Role.UNIT_ADMIN) == [
        "home",
        "party",
        "notices",
        "study",
        "recognition",
        "coverage",
    ]
    city = keys(Role.CITY_ADMIN)
    assert len(city) == 19 and city[-2:] == ["units", "setup"]
    # A resident who also works as a grid worker gets the worker's pages, not the resident's.
    both = destinations(_actor(Role.RESIDENT, Role.GRID_WORKER))
    assert [d.url for d in both if d.key == "health"] == ["/health/"]
    # No grant: home only; not signed in: nothing.
    assert keys() == ["home"]
    assert destinations(Actor.anonymous()) == []


@pytest.mark.django_db
def test_the_page_shown_is_marked_current() -> None:
    links = destinations(_actor(Role.GRID_WORKER), "/registry/export/")
    assert [d.key for d in links if d.current] == ["registry"]
    assert [d.key for d in destinations(_actor(Role.GRID_WORKER), "/") if d.current] == ["home"]


def test_every_destination_names_a_page() -> None:
    from django.urls import reverse

    for d in DESTINATIONS:
        assert reverse(d.url_name).startswith("/"), d.url_name
