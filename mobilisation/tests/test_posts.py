"""Posts and zones (M5): only the community's admin sets them up; leaders and members are
workers of the community; places are its grids and buildings; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from core.roles import Role
from mobilisation import posts
from mobilisation.models import Post, PostKind, PostMember, Shift, ShiftAssignment, Zone, ZonePlace
from mobilisation.roster import shift_assign
from mobilisation.tests.roster_helpers import actor, admin, new_post, new_shift
from mobilisation.workers import community_worker_ids, community_worker_options
from testkit import TinyCity


def _fields(e: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(e.value.error_dict)


def test_workers_are_the_worker_roles_of_the_community_and_its_grids(tiny_city: TinyCity) -> None:
    tc = tiny_city
    ids = community_worker_ids(tc.inside.community.path)
    for role in ("community_admin", "grid_worker", "building_head", "cadre", "volunteer"):
        assert tc.users[role].pk in ids
    for role in ("resident", "unit_admin", "street_admin", "district_admin"):
        assert tc.users[role].pk not in ids
    assert tc.users["cadre"].pk not in community_worker_ids(tc.other_street.community.path)
    labels = {o.user.pk: o.label for o in community_worker_options(tc.inside.community)}
    assert tc.users["grid_worker"].pk in labels


def test_admin_creates_and_edits_a_post(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = posts.post_save(
        actor=admin(tc),
        post=None,
        community=tc.inside.community,
        name="  北门 先锋岗 ",
        kind=PostKind.VANGUARD,
        place_id=tc.sibling.building.pk,
        leader_id=tc.users["cadre"].pk,
        needed_per_shift="3",
    )
    assert (post.name, post.leader_id, post.needed_per_shift) == (
        "北门 先锋岗",
        tc.users["cadre"].pk,
        3,
    )
    assert post.community_path == tc.inside.community.path
    posts.post_save(
        actor=admin(tc),
        post=post,
        community=tc.inside.community,
        name="北门卡口",
        kind=PostKind.GATE,
        leader_id="",
    )
    post.refresh_from_db()
    assert (post.name, post.kind, post.leader_id) == ("北门卡口", PostKind.GATE, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "bogus"}, "kind"),
        ({"leader_id": "resident"}, "leader"),
        ({"leader_id": "unit_admin"}, "leader"),
        ({"leader_id": "x"}, "leader"),
        ({"place_id": "other"}, "place"),
        ({"needed_per_shift": 0}, "needed_per_shift"),
    ],
)
def test_bad_post_input_names_the_field_and_changes_nothing(
    tiny_city: TinyCity, change: dict[str, object], field: str
) -> None:
    tc = tiny_city
    post = new_post(tc)
    data: dict[str, object] = {"name": "新名", "kind": PostKind.MODEL, **change}
    if data.get("leader_id") in tc.users:
        data["leader_id"] = tc.users[str(data["leader_id"])].pk
    if data.get("place_id") == "other":
        data["place_id"] = tc.other_street.building.pk
    with pytest.raises(ValidationError) as e:
        posts.post_save(actor=admin(tc), post=post, community=tc.inside.community, **data)  # type: ignore[arg-type]
    assert field in _fields(e)
    post.refresh_from_db()
    assert post.name == "北门先锋岗" and post.kind == PostKind.VANGUARD


@pytest.mark.parametrize("role", ["cadre", "grid_worker", "street_admin", "resident"])
def test_only_the_community_admin_sets_up_posts(tiny_city: TinyCity, role: str) -> None:
    tc = tiny_city
    before = Post.objects.count()
    with pytest.raises(NotAllowed):
        posts.post_save(
            actor=actor(tc, role),
            post=None,
            community=tc.inside.community,
            name="x",
            kind=PostKind.GATE,
        )
    assert Post.objects.count() == before


def test_another_communitys_admin_cannot_touch_the_post(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = new_post(tc)
    user = User.objects.create(username="ost-community-admin")
    Grant.objects.create(user=user, role=Role.COMMUNITY_ADMIN, place=tc.other_street.community)
    other = actor_for_user(user)
    with pytest.raises(NotAllowed):
        posts.post_member_add(actor=other, post=post, user_id=tc.users["cadre"].pk)
    with pytest.raises(NotAllowed):
        posts.post_save(
            actor=other, post=post, community=tc.other_street.community, name="x", kind="gate"
        )
    assert not PostMember.objects.filter(post=post).exists()


def test_members_join_once_and_leave(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = new_post(tc)
    a = posts.post_member_add(actor=admin(tc), post=post, user_id=tc.users["volunteer"].pk)
    b = posts.post_member_add(actor=admin(tc), post=post, user_id=str(tc.users["volunteer"].pk))
    assert a.pk == b.pk
    with pytest.raises(ValidationError) as e:
        posts.post_member_add(actor=admin(tc), post=post, user_id=tc.users["resident"].pk)
    assert _fields(e) == {"user"}
    posts.post_member_remove(actor=admin(tc), post=post, user_id=tc.users["volunteer"].pk)
    assert not PostMember.objects.filter(post=post, removed_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        posts.post_member_remove(actor=admin(tc), post=post, user_id=tc.users["volunteer"].pk)


def test_closing_a_post_removes_members_and_cancels_future_shifts(tiny_city: TinyCity) -> None:
    tc = tiny_city
    post = new_post(tc)
    posts.post_member_add(actor=admin(tc), post=post, user_id=tc.users["volunteer"].pk)
    future = new_shift(post, tc, timezone.now() + dt.timedelta(days=1))
    a = shift_assign(actor=admin(tc), shift=future, user_id=tc.users["volunteer"].pk)
    posts.post_close(actor=admin(tc), post=post)
    future.refresh_from_db()
    a.refresh_from_db()
    assert future.cancelled_at is not None and a.removed_at is not None
    assert not PostMember.objects.filter(post=post, removed_at__isnull=True).exists()
    with pytest.raises(ValidationError) as e:
        posts.post_member_add(actor=admin(tc), post=post, user_id=tc.users["volunteer"].pk)
    assert _fields(e) == {"post"}
    assert Shift.objects.filter(post=post, cancelled_at__isnull=True).count() == 0
    assert ShiftAssignment.objects.filter(shift__post=post, removed_at__isnull=True).count() == 0


def test_zone_places_are_grids_or_buildings_of_the_community(tiny_city: TinyCity) -> None:
    tc = tiny_city
    zone = posts.zone_save(
        actor=admin(tc),
        zone=None,
        community=tc.inside.community,
        name="二片区",
        place_ids=[tc.inside.building.pk, str(tc.sibling.grid.pk)],
        leader_id=tc.users["grid_worker"].pk,
    )
    assert set(zone.zone_places.values_list("place_id", flat=True)) == {
        tc.inside.building.pk,
        tc.sibling.grid.pk,
    }
    for bad in ([tc.other_street.building.pk], [], [tc.inside.community.pk], ["x"]):
        with pytest.raises(ValidationError) as e:
            posts.zone_save(
                actor=admin(tc),
                zone=zone,
                community=tc.inside.community,
                name="改名",
                place_ids=bad,
            )
        assert _fields(e) == {"places"}
    zone.refresh_from_db()
    assert zone.name == "二片区"
    posts.zone_save(
        actor=admin(tc),
        zone=zone,
        community=tc.inside.community,
        name="二片区",
        place_ids=[tc.sibling.building.pk],
    )
    assert list(ZonePlace.objects.filter(zone=zone).values_list("place_id", flat=True)) == [
        tc.sibling.building.pk
    ]
    m = posts.zone_member_add(actor=admin(tc), zone=zone, user_id=tc.users["building_head"].pk)
    assert m.removed_at is None
    posts.zone_close(actor=admin(tc), zone=zone)
    m.refresh_from_db()
    assert m.removed_at is not None
    assert Zone.objects.get(pk=zone.pk).closed_at is not None
