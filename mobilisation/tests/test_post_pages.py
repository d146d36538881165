"""The posts and zones pages: the duty home sends each role to its page; the admin sets up
posts and zones (a form sent twice counts once, errors next to the field); a worker sees only
their own posts; a resident sees who is responsible for their building; others are refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mobilisation.models import Post, PostMember, Zone
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _client(tc: TinyCity, role: str) -> Client:
    c = Client()
    c.force_login(tc.users[role])
    return c


def _token(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("community_admin", "/duty/roster/"),
        ("cadre", "/duty/mine/"),
        ("grid_worker", "/duty/mine/"),
        ("resident", "/duty/my-building/"),
        ("street_admin", "/duty/posts/"),
        ("city_admin", "/duty/posts/"),
    ],
)
def test_duty_home_by_role(tiny_city: TinyCity, role: str, target: str) -> None:
    r = _client(tiny_city, role).get("/duty/")
    assert r.status_code == 302 and r["Location"] == target


def test_duty_home_refuses_a_unit_admin(tiny_city: TinyCity) -> None:
    assert _client(tiny_city, "unit_admin").get("/duty/").status_code == 403


def test_post_list_scoping(tiny_city: TinyCity) -> None:
    tc = tiny_city
    html = _client(tc, "community_admin").get("/duty/posts/?kind=gate&q=东门").content.decode()
    assert "东门卡口" in html and "【OST】" not in html and "【ODI】" not in html
    assert 'data-testid="gap"' in html  # the sample shift has 1 of 2
    street = _client(tc, "street_admin").get("/duty/posts/").content.decode()
    assert 'data-testid="posts-overview"' in street and "甲社区" in street
    assert "【OST】" not in street
    # The volunteer is on no post: sees none of them.
    volunteer = _client(tc, "volunteer").get("/duty/posts/").content.decode()
    assert "东门卡口" not in volunteer
    for role in ("resident", "unit_admin"):
        assert _client(tc, role).get("/duty/posts/").status_code == 403


def test_post_detail_for_the_people_on_it_only(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = Post.objects.get(community=tc.inside.community)
    ost = Post.objects.get(community=tc.other_street.community)
    assert _client(tc, "cadre").get(f"/duty/posts/{post.pk}/").status_code == 200
    assert _client(tc, "volunteer").get(f"/duty/posts/{post.pk}/").status_code == 404
    assert _client(tc, "community_admin").get(f"/duty/posts/{ost.pk}/").status_code == 404
    assert _client(tc, "cadre").get(f"/duty/posts/{post.pk}/edit/").status_code == 403
    assert _client(tc, "cadre").get("/duty/posts/new/").status_code == 403


def test_new_post_sent_twice_counts_once_and_errors_name_the_field(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "community_admin")
    page = c.get("/duty/posts/new/").content.decode()
    assert "第3网格" in page and "grid_worker" in page
    form = {
        "once": _token(page, "post-form"),
        "name": "菜场价格监督岗",
        "kind": "price_watch",
        "leader": str(tc.users["resident"].pk),
        "needed_per_shift": "2",
    }
    bad = c.post("/duty/posts/new/", form)
    assert bad.status_code == 400
    assert 'data-testid="error-leader"' in bad.content.decode()
    assert not Post.objects.filter(name="菜场价格监督岗").exists()
    form["leader"] = str(tc.users["volunteer"].pk)
    first = c.post("/duty/posts/new/", form)
    second = c.post("/duty/posts/new/", form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    post = Post.objects.get(name="菜场价格监督岗")
    assert post.leader_id == tc.users["volunteer"].pk


def test_members_added_and_removed_on_the_post_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = Post.objects.get(community=tc.inside.community)
    c = _client(tc, "community_admin")
    url = f"/duty/posts/{post.pk}/"
    page = c.get(url).content.decode()
    form = {
        "once": _token(page, "member-add-form"),
        "action": "add",
        "user": str(tc.users["volunteer"].pk),
    }
    assert c.post(url, form).status_code == 302
    assert c.post(url, form).status_code == 302
    active = PostMember.objects.filter(post=post, removed_at__isnull=True)
    assert active.filter(user=tc.users["volunteer"]).count() == 1
    page = c.get(url).content.decode()
    remove = {
        "once": _token(page, "member"),
        "action": "remove",
        "user": str(tc.users["volunteer"].pk),
    }
    assert c.post(url, remove).status_code == 302
    assert not active.filter(user=tc.users["volunteer"]).exists()
    # A worker on the post may read it but not change it.
    assert _client(tc, "cadre").post(url, form | {"once": "x"}).status_code == 403


def test_zone_new_with_buildings_and_the_residents_page(tiny_city: TinyCity) -> None:
    tc = tiny_city
    c = _client(tc, "community_admin")
    page = c.get("/duty/zones/new/").content.decode()
    assert 'type="checkbox"' in page and "【SIB】楼" in page and "【OST】" not in page
    form = {
        "once": _token(page, "zone-form"),
        "name": "三片区",
        "places": [str(tc.inside.building.pk), str(tc.sibling.building.pk)],
        "leader": str(tc.users["building_head"].pk),
    }
    assert c.post("/duty/zones/new/", form).status_code == 302
    assert c.post("/duty/zones/new/", form).status_code == 302
    zone = Zone.objects.get(name="三片区")
    assert zone.zone_places.count() == 2
    empty = c.post("/duty/zones/new/", form | {"once": "y", "places": []})
    assert empty.status_code == 400 and 'data-testid="error-places"' in empty.content.decode()
    # The resident of 1栋 sees both zones over their building, with a work phone to call.
    head = tc.users["building_head"]
    head.phone = "13911112222"
    head.save(update_fields=["phone"])
    r = _client(tc, "resident").get("/duty/my-building/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "三片区" in html and "一片区" in html and "13911112222" in html
    assert "【OST】" not in html and "东门卡口" not in html
    assert _client(tc, "cadre").get("/duty/my-building/").status_code == 403
    listing = _client(tc, "grid_worker").get("/duty/zones/").content.decode()
    assert "三片区" in listing and "【OST】" not in listing
    assert _client(tc, "resident").get("/duty/zones/").status_code == 302
