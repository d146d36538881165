"""The access rule itself, per role, on the tiny city (mission.md: "Access is scoped")."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.selectors import actor_for_user
from core.actor import Actor
from party.models import PartyMember, PartyOrg, Unit
from people.models import Person, Resident
from places.models import Household, Place
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def test_resident_sees_only_their_own_household(tiny_city: TinyCity) -> None:
    a = actor(tiny_city, "resident")
    assert list(Household.objects.for_actor(a)) == [tiny_city.inside.household]
    assert set(Resident.objects.for_actor(a)) == set(tiny_city.inside.residents)
    assert not Place.objects.for_actor(a).exists()
    assert not PartyOrg.objects.for_actor(a).exists()


def test_grid_worker_never_sees_another_grid(tiny_city: TinyCity) -> None:
    a = actor(tiny_city, "grid_worker")
    households = set(Household.objects.for_actor(a))
    assert households == {tiny_city.inside.household}
    assert tiny_city.sibling.household not in households
    places = set(Place.objects.for_actor(a))
    assert places == {tiny_city.inside.grid, tiny_city.inside.building}


def test_street_admin_never_sees_another_street(tiny_city: TinyCity) -> None:
    a = actor(tiny_city, "street_admin")
    residents = set(Resident.objects.for_actor(a))
    expected = set(tiny_city.inside.residents) | set(tiny_city.sibling.residents)
    assert residents == expected
    assert not Place.objects.for_actor(a).filter(pk=tiny_city.other_street.street.pk).exists()
    orgs = {o.name for o in PartyOrg.objects.for_actor(a)}
    assert orgs == {"甲社区党委", "第3网格党支部", "【SIB】网格党支部"}


def test_helpers_see_places_but_only_the_residents_assigned_to_them(tiny_city: TinyCity) -> None:
    from care.models import CareAssignment, EndReason
    from service_requests.models import Dispatch

    inside = tiny_city.inside
    for role in ("property_staff", "community_police"):
        a = actor(tiny_city, role)
        assert Place.objects.for_actor(a).filter(pk=tiny_city.sibling.building.pk).exists()
        assert not Resident.objects.for_actor(a).exists(), role
        assert not Person.objects.for_actor(a).exists(), role
    # The cadre cares for the two households of the community: all of them, and nothing else.
    cadre = actor(tiny_city, "cadre")
    sibling = tiny_city.sibling
    assert set(Resident.objects.for_actor(cadre)) == {*inside.residents, *sibling.residents}
    assert set(Household.objects.for_actor(cadre)) == {inside.household, sibling.household}
    # The volunteer was dispatched to one resident's request: that resident only.
    volunteer = actor(tiny_city, "volunteer")
    assert list(Resident.objects.for_actor(volunteer)) == [inside.residents[1]]
    assert list(Person.objects.for_actor(volunteer)) == [inside.residents[1].person]
    # When the care ends and the dispatch is cancelled, they see nobody again.
    CareAssignment.objects.filter(carer_id=cadre.user_id).update(
        ended_at=timezone.now(), end_reason=EndReason.CARER_LEFT
    )
    Dispatch.objects.filter(person_id=volunteer.user_id).update(status="cancelled")
    assert not Resident.objects.for_actor(cadre).exists()
    assert not Household.objects.for_actor(cadre).exists()
    assert not Resident.objects.for_actor(volunteer).exists()


def test_unit_admin_sees_their_unit_and_its_members_only(tiny_city: TinyCity) -> None:
    a = actor(tiny_city, "unit_admin")
    assert list(Unit.objects.for_actor(a)) == [tiny_city.unit]
    assert list(PartyMember.objects.for_actor(a)) == [tiny_city.unit_member]
    assert not Place.objects.for_actor(a).exists()
    assert not Resident.objects.for_actor(a).exists()


def test_district_admin_sees_their_district_and_its_units(tiny_city: TinyCity) -> None:
    a = actor(tiny_city, "district_admin")
    assert set(Unit.objects.for_actor(a)) == {tiny_city.unit}
    assert (
        not Household.objects.for_actor(a).filter(pk=tiny_city.other_district.household.pk).exists()
    )
    assert Household.objects.for_actor(a).count() == 3


def test_anonymous_and_grantless_users_see_nothing(tiny_city: TinyCity) -> None:
    from accounts.models import User

    nobody = actor_for_user(User.objects.create(username="nobody"))
    for model in (Place, Household, Resident, PartyOrg, PartyMember, Unit, Person):
        assert not model.objects.for_actor(Actor.anonymous()).exists()  # type: ignore[attr-defined]
        assert not model.objects.for_actor(nobody).exists()  # type: ignore[attr-defined]


def test_two_grants_add_up(tiny_city: TinyCity) -> None:
    from accounts.models import Grant

    user = tiny_city.users["grid_worker"]
    Grant.objects.create(user=user, role="grid_worker", place=tiny_city.sibling.grid)
    a = actor_for_user(user)
    assert set(Household.objects.for_actor(a)) == {
        tiny_city.inside.household,
        tiny_city.sibling.household,
    }


def test_scope_label_names_the_chain(tiny_city: TinyCity) -> None:
    (grant,) = actor(tiny_city, "grid_worker").grants
    assert grant.label == "甲区 · 甲街道 · 甲社区 · 第3网格"
