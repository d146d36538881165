"""The registry list: search the way workers ask (pinyin, last four digits, address), filters,
scoping, masking and a query count that does not grow with the page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from people import services
from people.models import Relation, ResidentStatus
from people.selectors import RegistryFilters, registry_counts, registry_residents
from people.tests.registry_helpers import actor, client_for, register
from testkit import ROOT, TinyCity

pytestmark = pytest.mark.django_db


def _names(tc: TinyCity, role: str, **filters: object) -> set[str]:
    found = registry_residents(actor(tc, role), RegistryFilters(**filters))  # type: ignore[arg-type]
    return {r.person.name for r in found}


def test_pinyin_finds_the_name(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "张伟")
    register(tiny_city.inside.household, "章薇")  # same pinyin, other characters: found too
    register(tiny_city.inside.household, "王芳")
    for term in ("zhangwei", "ZhangWei", "zhang wei", "zw"):
        assert _names(tiny_city, "community_admin", q=term) == {"张伟", "章薇"}, term
    assert _names(tiny_city, "community_admin", q="张伟") == {"张伟"}
    assert _names(tiny_city, "community_admin", q="wangfang") == {"王芳"}


def test_surname_with_two_readings(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "曾志强")
    assert _names(tiny_city, "grid_worker", q="zengzhiqiang") == {"曾志强"}
    assert _names(tiny_city, "grid_worker", q="cengzhiqiang") == {"曾志强"}


def test_last_four_of_phone_and_id(tiny_city: TinyCity) -> None:
    r = register(tiny_city.inside.household, "李娜", phone="13912345678")
    assert "李娜" in _names(tiny_city, "grid_worker", q="5678")
    id_last4 = (r.person.id_number or "")[-4:]
    assert "李娜" in _names(tiny_city, "grid_worker", q=id_last4)
    register(tiny_city.inside.household, "赵老伯", phone="027-85551234")
    assert "赵老伯" in _names(tiny_city, "grid_worker", q="1234")


def test_address_finds_the_household(tiny_city: TinyCity) -> None:
    names = {r.person.name for r in tiny_city.inside.residents}
    assert _names(tiny_city, "grid_worker", q="1单元101") == names
    assert _names(tiny_city, "grid_worker", q="1栋") == names


def test_results_are_scoped_to_the_searcher(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "张伟")
    register(tiny_city.sibling.household, "张薇")  # another grid of the same community
    register(tiny_city.other_district.household, "张维")
    assert _names(tiny_city, "grid_worker", q="zhangwei") == {"张伟"}
    assert _names(tiny_city, "community_admin", q="zhangwei") == {"张伟", "张薇"}
    assert _names(tiny_city, "district_admin", q="zhangwei") == {"张伟", "张薇"}
    assert _names(tiny_city, "city_admin", q="zhangwei") == {"张伟", "张薇", "张维"}
    assert _names(tiny_city, "volunteer", q="zhangwei") == set()
    # A grid filter naming another area shows nothing of it.
    assert _names(tiny_city, "grid_worker", grid_id=tiny_city.sibling.grid.pk) == set()


def test_filters_by_status_flag_grid_and_building(tiny_city: TinyCity) -> None:
    alone = register(tiny_city.inside.household, "孙奶奶", flags=("is_elderly_alone",))
    register(tiny_city.sibling.household, "钱爷爷", flags=("has_chronic_illness",))
    services.resident_set_status(
        actor=ROOT,
        resident=alone,
        status=ResidentStatus.AWAY,
        since=timezone.localdate(),
        note="滞留外地",
    )
    assert _names(tiny_city, "community_admin", status="away") == {"孙奶奶"}
    assert "孙奶奶" in _names(tiny_city, "community_admin", status="living")
    assert "孙奶奶" not in _names(tiny_city, "community_admin", status="present")
    assert _names(tiny_city, "community_admin", flags=("is_elderly_alone",)) == {"孙奶奶"}
    assert _names(tiny_city, "community_admin", flags=("has_chronic_illness",)) == {"钱爷爷"}
    sib = tiny_city.sibling
    assert "钱爷爷" in _names(tiny_city, "community_admin", grid_id=sib.grid.pk)
    assert "孙奶奶" not in _names(tiny_city, "community_admin", building_id=sib.building.pk)
    counts = registry_counts(actor(tiny_city, "community_admin"), RegistryFilters())
    assert counts.total == 6 and counts.by_status["away"] == 1 and counts.vulnerable == 2


def test_list_page_masks_and_links(tiny_city: TinyCity) -> None:
    r = register(tiny_city.inside.household, "张伟", phone="13912345678")
    html = client_for(tiny_city, "grid_worker").get("/registry/", {"q": "zhangwei"}).content
    text = html.decode()
    assert f'href="/residents/{r.pk}/"' in text
    assert "139****5678" in text and "13912345678" not in text
    id_number = r.person.id_number or ""
    assert id_number not in text and f"{id_number[:6]}********{id_number[-4:]}" in text
    assert "【SIB】" not in text


def test_htmx_search_returns_the_results_only(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "张伟")
    response = client_for(tiny_city, "community_admin").get(
        "/registry/", {"q": "zhangwei"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "张伟" in html and "张内0" not in html
    assert 'data-testid="registry-count"' in html


def test_roles_without_the_registry_are_refused(tiny_city: TinyCity) -> None:
    for role in ("volunteer", "cadre", "unit_admin", "resident"):
        assert client_for(tiny_city, role).get("/registry/").status_code == 403, role


def test_nav_link_for_registry_readers_only(tiny_city: TinyCity) -> None:
    assert (
        'data-testid="nav-registry"'
        in client_for(tiny_city, "building_head").get("/places/").content.decode()
    )
    assert (
        'data-testid="nav-registry"'
        not in client_for(tiny_city, "volunteer").get("/places/").content.decode()
    )


def test_list_query_count_does_not_grow_with_rows(
    tiny_city: TinyCity, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(tiny_city, "community_admin")
    client.get("/registry/")  # warm the session
    with django_assert_max_num_queries(10) as few:
        response = client.get("/registry/")
    assert len(response.context["page"]) == 4
    for i in range(60):
        household = tiny_city.inside.household if i % 2 else tiny_city.sibling.household
        register(
            household,
            "张" + "伟芳娜敏静丽强磊军洋"[i % 10] + "一二三四五六"[i % 6],
            relation=Relation.CHILD,
            flags=("is_disabled",) if i % 3 == 0 else (),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/registry/", {"q": "zhang", "flag": "is_disabled"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/registry/")
    assert len(response.context["page"]) == 50
    assert re.search(r"64 residents", response.content.decode())


def test_a_bad_filter_value_is_ignored_not_the_others(tiny_city: TinyCity) -> None:
    register(tiny_city.inside.household, "张伟")
    client = client_for(tiny_city, "community_admin")
    response = client.get("/registry/", {"q": "ｚｈａｎｇｗｅｉ", "grid": "abc", "status": "nope"})
    assert response.status_code == 200
    assert [r.person.name for r in response.context["page"]] == ["张伟"]
