"""On PostgreSQL: two admins assigning the same household at the same moment leave exactly one
active assignment (the household row is locked while it changes hands)."""

from __future__ import annotations

import functools

import pytest

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from care.assignments import care_assign
from care.models import CareAssignment
from care.tests.helpers import household_with
from core.roles import Role
from testkit import build_tiny_city, in_threads


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("admins", [2, 6])
def test_admins_assigning_at_once_leave_one_active(admins: int) -> None:
    tc = build_tiny_city()
    households = [household_with(tc.inside.building), household_with(tc.inside.building)]
    actors = [actor_for_user(tc.users["community_admin"])]
    for i in range(admins - 1):
        user = User.objects.create(username=f"second-admin-{i}")
        Grant.objects.create(user=user, role=Role.COMMUNITY_ADMIN, place=tc.inside.community)
        actors.append(actor_for_user(user))
    carers = [tc.users["cadre"], tc.users["volunteer"], tc.users["grid_worker"]]
    for household in households:
        results = in_threads(
            [
                functools.partial(
                    care_assign,
                    actor=actor,
                    household=household,
                    carer_user_id=carers[i % len(carers)].pk,
                    phone_every_days=1,
                    visit_every_days=3,
                )
                for i, actor in enumerate(actors)
            ]
        )
        assert all(isinstance(r, CareAssignment) for r in results), results
        active = CareAssignment.objects.filter(household=household, ended_at__isnull=True)
        assert active.count() == 1
