"""On PostgreSQL: two admins putting one person on two overlapping shifts at the same moment
leave exactly one assignment (the person's user row is locked during the overlap check)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mobilisation.models import ShiftAssignment
from mobilisation.roster import shift_assign
from mobilisation.tests.roster_helpers import admin, new_post, new_shift, second_admin
from testkit import build_tiny_city, in_threads


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("admins", [2, 5])
def test_admins_booking_one_person_at_once_leave_one_shift(admins: int) -> None:
    tc = build_tiny_city()
    start = timezone.now() + dt.timedelta(days=1)
    shifts = [
        new_shift(new_post(tc, f"岗{i}"), tc, start + dt.timedelta(minutes=10 * i))
        for i in range(admins)
    ]
    actors = [admin(tc)] + [second_admin(tc, f"admin-{i}") for i in range(admins - 1)]
    person = tc.users["volunteer"].pk
    results = in_threads(
        [
            functools.partial(shift_assign, actor=a, shift=s, user_id=person)
            for a, s in zip(actors, shifts, strict=True)
        ]
    )
    done = [r for r in results if isinstance(r, ShiftAssignment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1, results
    assert len(refused) == admins - 1, results
    assert ShiftAssignment.objects.filter(user_id=person, shift__in=shifts).count() == 1
