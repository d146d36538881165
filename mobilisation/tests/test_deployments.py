"""Cadre deployment: check-in links, registration, the check-in (once, one community at a time),
the community's decision, the end with its handover, and the unit's deployment call. A refused
action changes nothing."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from care.models import CareAssignment, EndReason
from care.tests.helpers import assign, household_with
from core.actor import Actor
from core.errors import NotAllowed
from core.roles import Role
from mobilisation import deployment_selectors as sel
from mobilisation.deployments import (
    cadre_register,
    checkin_link_create,
    checkin_link_open,
    checkin_link_revoke,
    deployment_accept,
    deployment_check_in,
    deployment_decline,
    deployment_end,
    deployment_withdraw,
    member_deploy_mark,
)
from mobilisation.models import CheckInLink, Deployment, DeploymentStatus
from party.models import DeployCall, ExemptReason
from people.models import Person
from places.models import Place
from testkit import PASSWORD, TinyCity, build_tiny_city, in_threads, synthetic_id_number

pytestmark = pytest.mark.django_db


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _link(tc: TinyCity, chain: str = "inside") -> CheckInLink:
    community = getattr(tc, chain).community
    admin = User.objects.create(username=f"admin-{community.pk}-{CheckInLink.objects.count()}")
    Grant.objects.create(user=admin, role=Role.COMMUNITY_ADMIN, place=community)
    return checkin_link_create(actor=actor_for_user(admin), community=community)


def _newcomer(tc: TinyCity, *, member: bool = True) -> User:
    """A cadre account with no deployment yet (the unit's member when `member`)."""
    person = tc.unit_member.person if member else None
    return User.objects.create_user(username=f"new-{User.objects.count()}", person=person)


def _snapshot() -> list[tuple]:
    return list(
        Deployment.objects.order_by("pk").values_list("pk", "user_id", "community_id", "status")
    )


def _accepted(tc: TinyCity) -> tuple[User, Deployment]:
    user = _newcomer(tc)
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    return user, deployment_accept(actor=_actor(tc, "community_admin"), deployment=d)


# --- links ----------------------------------------------------------------------------------


def test_community_admin_makes_a_link_and_others_may_not(tiny_city: TinyCity) -> None:
    tc = tiny_city
    link = checkin_link_create(actor=_actor(tc, "community_admin"), community=tc.inside.community)
    assert len(link.token) >= 30 and link.expires_at > timezone.now() + datetime.timedelta(days=29)
    assert checkin_link_open(link.token) == link
    before = CheckInLink.objects.count()
    for role in ("street_admin", "cadre", "unit_admin"):
        with pytest.raises(NotAllowed):
            checkin_link_create(actor=_actor(tc, role), community=tc.inside.community)
    with pytest.raises(NotAllowed):  # another community than the admin's
        checkin_link_create(
            actor=_actor(tc, "community_admin"), community=tc.other_street.community
        )
    assert CheckInLink.objects.count() == before


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked"])
def test_a_bad_link_checks_no_one_in(tiny_city: TinyCity, state: str) -> None:
    tc = tiny_city
    link = _link(tc)
    token = link.token
    if state == "unknown":
        token = "no-such-token"
    elif state == "expired":
        CheckInLink.objects.filter(pk=link.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    else:
        checkin_link_revoke(actor=_actor(tc, "community_admin"), link=link)
    before = _snapshot()
    with pytest.raises(ValidationError) as e:
        deployment_check_in(actor=actor_for_user(_newcomer(tc)), token=token)
    assert e.value.error_dict["token"][0].code == state
    assert _snapshot() == before


def test_only_the_community_admin_revokes(tiny_city: TinyCity) -> None:
    link = _link(tiny_city)
    with pytest.raises(NotAllowed):
        checkin_link_revoke(actor=_actor(tiny_city, "street_admin"), link=link)
    link.refresh_from_db()
    assert link.revoked_at is None


# --- check-in -------------------------------------------------------------------------------


def test_check_in_twice_is_one_deployment_with_the_members_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc)
    token = _link(tc).token
    first = deployment_check_in(actor=actor_for_user(user), token=token, note="周末可全天")
    again = deployment_check_in(actor=actor_for_user(user), token=token)
    assert first.pk == again.pk
    assert Deployment.objects.filter(user=user).count() == 1
    assert first.status == DeploymentStatus.PENDING
    assert first.member == tc.unit_member and first.unit == tc.unit
    assert first.community == tc.inside.community and first.note == "周末可全天"


def test_a_second_community_is_refused_and_nothing_changes(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc)
    deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    elsewhere = _link(tc, "other_street").token
    before = _snapshot()
    with pytest.raises(ValidationError) as e:
        deployment_check_in(actor=actor_for_user(user), token=elsewhere)
    assert e.value.error_dict["token"][0].code == "already_deployed"
    assert tc.inside.community.name in e.value.error_dict["token"][0].message
    assert _snapshot() == before
    # The seeded cadre is active in the first community: also refused elsewhere.
    with pytest.raises(ValidationError):
        deployment_check_in(actor=_actor(tc, "cadre"), token=elsewhere)
    assert _snapshot() == before


def test_anonymous_cannot_check_in(tiny_city: TinyCity) -> None:
    with pytest.raises(NotAllowed):
        deployment_check_in(actor=Actor.anonymous(), token=_link(tiny_city).token)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_cadre_checking_in_at_once_holds_one_deployment() -> None:
    tc = build_tiny_city()
    user = _newcomer(tc)
    tokens = [_link(tc).token, _link(tc, "other_street").token] * 2
    actor = actor_for_user(user)
    results = in_threads(
        [functools.partial(deployment_check_in, actor=actor, token=t) for t in tokens]
    )
    assert Deployment.objects.filter(user=user).holding().count() == 1
    assert all(isinstance(r, Deployment | ValidationError) for r in results), results


# --- the community's decision ---------------------------------------------------------------


def test_accept_gives_the_cadre_grant_and_the_communitys_places(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc)
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    assert not Place.objects.for_actor(actor_for_user(user)).exists()
    with pytest.raises(NotAllowed):
        deployment_accept(actor=_actor(tc, "street_admin"), deployment=d)
    assert not Grant.objects.filter(user=user).exists()
    deployment_accept(actor=_actor(tc, "community_admin"), deployment=d)
    d.refresh_from_db()
    assert d.status == DeploymentStatus.ACTIVE and d.decided_by == tc.users["community_admin"]
    assert Grant.objects.filter(user=user, role=Role.CADRE, place=tc.inside.community).exists()
    places = Place.objects.for_actor(actor_for_user(user))
    assert places.filter(pk=tc.inside.building.pk).exists()
    assert not places.filter(pk=tc.other_street.community.pk).exists()
    with pytest.raises(ValidationError):  # accepting twice
        deployment_accept(actor=_actor(tc, "community_admin"), deployment=d)


def test_decline_needs_a_reason_and_frees_the_cadre(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc)
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    with pytest.raises(ValidationError) as e:
        deployment_decline(actor=_actor(tc, "community_admin"), deployment=d, reason=" ")
    assert "reason" in e.value.error_dict
    deployment_decline(actor=_actor(tc, "community_admin"), deployment=d, reason="人员已满")
    assert Deployment.objects.get(pk=d.pk).status == DeploymentStatus.DECLINED
    again = deployment_check_in(actor=actor_for_user(user), token=_link(tc, "other_street").token)
    assert again.pk != d.pk and again.community == tc.other_street.community


def test_only_the_cadre_withdraws_a_pending_check_in(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc)
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    with pytest.raises(NotAllowed):
        deployment_withdraw(actor=_actor(tc, "community_admin"), deployment=d)
    deployment_withdraw(actor=actor_for_user(user), deployment=d)
    assert Deployment.objects.get(pk=d.pk).status == DeploymentStatus.WITHDRAWN


# --- the end and its handover ---------------------------------------------------------------


def test_end_removes_the_grant_and_hands_over_care_and_duties(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user, d = _accepted(tc)
    tc.users["new_cadre"] = user
    households = [household_with(tc.inside.building), household_with(tc.sibling.building)]
    for h in households:
        assign(tc, h, role="new_cadre")
    with pytest.raises(ValidationError) as e:
        deployment_end(actor=_actor(tc, "community_admin"), deployment=d, note="")
    assert "note" in e.value.error_dict
    with pytest.raises(NotAllowed):
        deployment_end(actor=_actor(tc, "street_admin"), deployment=d, note="任务结束")
    assert Grant.objects.filter(user=user, role=Role.CADRE).exists()
    deployment_end(actor=_actor(tc, "community_admin"), deployment=d, note="任务结束")
    d.refresh_from_db()
    assert d.status == DeploymentStatus.ENDED and d.end_note == "任务结束"
    assert not Grant.objects.filter(user=user, role=Role.CADRE).exists()
    assert d.handover["care"] == 2 and d.handover["dispatches"] == 0
    assert {"posts", "zones", "shifts"} <= set(d.handover)
    ended = CareAssignment.objects.filter(carer=user)
    assert all(a.end_reason == EndReason.CARER_LEFT and a.ended_at for a in ended)
    assert not Place.objects.for_actor(actor_for_user(user)).exists()


def test_the_cadre_ends_their_own_deployment_with_posts_and_dispatches(
    tiny_city: TinyCity,
) -> None:
    """The seeded cadre leads a post, is on its shift, cares for households and is dispatched."""
    from mobilisation.models import PostMember
    from service_requests.models import Dispatch, DispatchStatus, EventKind, RequestEvent

    tc = tiny_city
    cadre = tc.users["cadre"]
    d = Deployment.objects.get(user=cadre, status=DeploymentStatus.ACTIVE)
    dispatched = Dispatch.objects.filter(person=cadre, status=DispatchStatus.ACTIVE).count()
    deployment_end(actor=_actor(tc, "cadre"), deployment=d, note="回单位")
    d.refresh_from_db()
    assert d.status == DeploymentStatus.ENDED and d.ended_by == cadre
    assert (
        d.handover["care"]
        == CareAssignment.objects.filter(carer=cadre, end_reason=EndReason.CARER_LEFT).count()
    )
    assert d.handover["dispatches"] == dispatched
    assert not Dispatch.objects.filter(
        person=cadre, status=DispatchStatus.ACTIVE, request__community_id=tc.inside.community.pk
    ).exists()
    if dispatched:
        assert RequestEvent.objects.filter(kind=EventKind.DISPATCH_CANCELLED).exists()
    assert d.handover["posts"] >= 1
    assert not PostMember.objects.filter(
        user=cadre, post__community=tc.inside.community, removed_at__isnull=True
    ).exists()
    assert not Grant.objects.filter(user=cadre, role=Role.CADRE).exists()
    with pytest.raises(ValidationError):  # ending twice
        deployment_end(actor=_actor(tc, "community_admin"), deployment=d, note="again")


# --- registration ---------------------------------------------------------------------------


def _seeded_token(tc: TinyCity) -> str:
    link = CheckInLink.objects.filter(community=tc.inside.community).first()
    assert link is not None
    return link.token


def _register(tc: TinyCity, **kw: object) -> User:
    data: dict = {
        "token": _seeded_token(tc),
        "name": "王下沉",
        "id_number": synthetic_id_number(),
        "phone": "13911112222",
        "unit_id": tc.unit.pk,
        "password": "mountain-river-42",
    }
    data.update(kw)
    return cadre_register(**data)


def _wrong_check_digit(id_number: str) -> str:
    """A synthetic ID number whose last character is not its check digit."""
    return id_number[:-1] + ("1" if id_number[-1] != "1" else "2")


def test_register_collects_every_field_error_and_creates_nothing(tiny_city: TinyCity) -> None:
    users, people = User.objects.count(), Person.objects.count()
    with pytest.raises(ValidationError) as e:
        _register(
            tiny_city,
            name="",
            id_number=_wrong_check_digit(synthetic_id_number()),
            phone="12",
            unit_id="x",
            password="1",
        )
    assert set(e.value.error_dict) == {"name", "id_number", "phone", "unit", "password"}
    assert (User.objects.count(), Person.objects.count()) == (users, people)


def test_register_with_a_known_id_claims_the_person_until_the_admin_confirms(
    tiny_city: TinyCity,
) -> None:
    """Issue 15 item 21: registering with a party member's ID number bound the new account to
    that member's person (and their organisation's views). Now it only claims it."""
    tc = tiny_city
    known = tc.unit_member.person
    user = _register(tc, id_number=known.id_number, name="王下沉")
    assert user.username == "13911112222" and user.check_password("mountain-river-42")
    assert user.person is None and user.claimed_person == known
    assert Person.objects.get(pk=known.pk).name == known.name
    assert not Grant.objects.filter(user=user).exists()
    with pytest.raises(ValidationError) as e:  # the same phone again
        _register(tc, id_number=synthetic_id_number())
    assert e.value.error_dict["phone"][0].code == "registered"
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    # Not the member yet: no membership, no person on the check-in.
    assert d.member is None and d.person is None
    assert actor_for_user(user).person_id is None
    # Accepted without confirming who it is: deployed, still not that person.
    d = deployment_accept(actor=_actor(tc, "community_admin"), deployment=d)
    user.refresh_from_db()
    assert user.person is None and user.claimed_person == known


def test_the_admin_confirms_the_claimed_person_when_accepting(tiny_city: TinyCity) -> None:
    tc = tiny_city
    known = tc.unit_member.person
    user = _register(tc, id_number=known.id_number, name="王下沉")
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    d = deployment_accept(actor=_actor(tc, "community_admin"), deployment=d, confirm_identity=True)
    user.refresh_from_db()
    assert user.person == known and user.claimed_person is None
    assert d.person == known and d.member == tc.unit_member


def test_a_registered_cadre_without_membership_keeps_the_chosen_unit(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _register(tc, unit_id=tc.other_unit.pk)
    assert user.person is not None and user.person.name == "王下沉"
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token, unit_id=tc.unit.pk)
    assert d.member is None and d.unit == tc.unit
    deployment_withdraw(actor=actor_for_user(user), deployment=d)
    later = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    assert later.unit == tc.unit


def test_register_from_a_bad_link_is_refused(tiny_city: TinyCity) -> None:
    users = User.objects.count()
    with pytest.raises(ValidationError) as e:
        _register(tiny_city, token="nope")
    assert "token" in e.value.error_dict
    assert User.objects.count() == users
    assert PASSWORD  # the fixture's accounts keep their password


# --- the unit's call ------------------------------------------------------------------------


def test_member_deploy_mark(tiny_city: TinyCity) -> None:
    tc = tiny_city
    m = tc.unit_member
    with pytest.raises(ValidationError) as e:
        member_deploy_mark(actor=_actor(tc, "unit_admin"), member=m, call=DeployCall.EXEMPT)
    assert "exempt_reason" in e.value.error_dict
    for role in ("community_admin", "street_admin", "cadre"):
        with pytest.raises(NotAllowed):
            member_deploy_mark(actor=_actor(tc, role), member=m, call=DeployCall.SHOULD)
    with pytest.raises(NotAllowed):  # another unit's member
        member_deploy_mark(
            actor=_actor(tc, "unit_admin"), member=tc.other_unit_member, call=DeployCall.SHOULD
        )
    m.refresh_from_db()
    assert m.deploy_call == "" and m.deploy_marked_at is None
    member_deploy_mark(
        actor=_actor(tc, "unit_admin"),
        member=m,
        call=DeployCall.EXEMPT,
        exempt_reason=ExemptReason.PREGNANT,
    )
    m.refresh_from_db()
    assert (m.deploy_call, m.exempt_reason) == ("exempt", "pregnant")
    assert m.deploy_marked_by == tc.users["unit_admin"]
    member_deploy_mark(actor=_actor(tc, "district_admin"), member=m, call=DeployCall.UNMARKED)
    m.refresh_from_db()
    assert (m.deploy_call, m.exempt_reason) == ("", "")


# --- who sees which deployment --------------------------------------------------------------


def test_scoping_of_deployments(tiny_city: TinyCity) -> None:
    tc = tiny_city
    mine = Deployment.objects.get(user=tc.users["cadre"])
    unit_rows = list(sel.deployment_list(_actor(tc, "unit_admin")))
    assert unit_rows and all(d.unit_id == tc.unit.pk for d in unit_rows)
    assert [d.pk for d in sel.deployment_list(_actor(tc, "cadre"))] == [mine.pk]
    assert [d.pk for d in sel.my_deployments(_actor(tc, "cadre"))] == [mine.pk]
    community_rows = list(sel.deployment_list(_actor(tc, "community_admin")))
    assert {d.community_id for d in community_rows} == {tc.inside.community.pk}
    for role in ("resident", "volunteer", "grid_worker"):
        assert not sel.deployment_list(_actor(tc, role)).exists()
    other = Deployment.objects.exclude(community=tc.inside.community).first()
    assert other is not None
    with pytest.raises(Exception) as e:
        sel.access_deployment(_actor(tc, "unit_admin"), other.pk)
    assert e.typename == "Http404"


def test_pending_first_and_counts(tiny_city: TinyCity) -> None:
    tc = tiny_city
    user = _newcomer(tc, member=False)
    d = deployment_check_in(actor=actor_for_user(user), token=_link(tc).token)
    rows = list(sel.deployment_list(_actor(tc, "community_admin")))
    assert rows[0].pk == d.pk
    counts = sel.deployment_counts(_actor(tc, "community_admin"))
    assert counts["pending"] == 1 and counts["active"] == 1 and counts["all"] == 2
