"""On PostgreSQL: two organisation-department admins proposing one person for the same honour at
the same moment leave one open nomination (the person's row is locked during the check)."""

from __future__ import annotations

import functools

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from outreach import recognition
from outreach.models import Nomination
from testkit import build_tiny_city, in_threads


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_admins_nominating_at_once_leave_one_open_nomination() -> None:
    tc = build_tiny_city()
    second = User.objects.create(username="district_admin_2")
    Grant.objects.create(user=second, role=Role.DISTRICT_ADMIN, place=tc.inside.district)
    actors = [actor_for_user(tc.users["district_admin"]), actor_for_user(second)]
    member = tc.inside.member
    assert member is not None
    results = in_threads(
        [
            functools.partial(
                recognition.nominate,
                actor=a,
                person=member.person,
                title="全市优秀共产党员",
                deeds="坚守卡口",
            )
            for a in actors
        ]
    )
    assert sum(isinstance(r, Nomination) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert Nomination.objects.filter(person=member.person, title="全市优秀共产党员").count() == 1
