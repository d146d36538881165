"""Place pages: the tree a community or street admin browses, fast and scoped."""

from __future__ import annotations

import pytest
from django.test import Client

from places import services
from places.models import PlaceKind
from testkit import ROOT, TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(tc.users[role])
    return client


def test_community_page_lists_its_grids_with_counts(tiny_city: TinyCity) -> None:
    response = _client(tiny_city, "community_admin").get(
        f"/places/{tiny_city.inside.community.pk}/"
    )
    rows = {r.place.name: (r.households, r.residents) for r in response.context["page"]}
    assert rows == {"第3网格": (1, 2), "【SIB】网格": (1, 2)}


def test_search_narrows_the_rows(tiny_city: TinyCity) -> None:
    client = _client(tiny_city, "community_admin")
    response = client.get(f"/places/{tiny_city.inside.community.pk}/", {"q": "SIB"})
    assert [r.place.name for r in response.context["page"]] == ["【SIB】网格"]
    # htmx asks for the rows only.
    response = client.get(
        f"/places/{tiny_city.inside.community.pk}/", {"q": "第3"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "第3网格" in html and "SIB" not in html


def test_building_page_finds_a_household_by_resident_name(tiny_city: TinyCity) -> None:
    client = _client(tiny_city, "grid_worker")
    name = tiny_city.inside.residents[1].person.name
    response = client.get(f"/places/{tiny_city.inside.building.pk}/", {"q": name})
    assert [h.pk for h in response.context["page"]] == [tiny_city.inside.household.pk]


def test_community_page_query_count_does_not_grow_with_grids(
    tiny_city: TinyCity, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = _client(tiny_city, "community_admin")
    url = f"/places/{tiny_city.inside.community.pk}/"
    client.get(url)  # warm the session
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    for i in range(20):
        grid = services.place_create(
            actor=ROOT,
            kind=PlaceKind.GRID,
            name=f"第{10 + i}网格",
            parent=tiny_city.inside.community,
        )
        services.household_create(
            actor=ROOT,
            building=services.place_create(
                actor=ROOT, kind=PlaceKind.BUILDING, name="1栋", parent=grid
            ),
            room="101",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 22
