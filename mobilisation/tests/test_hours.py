"""Hours served add up activity parts and checked-out shifts (never removed ones), equal a
recount, and each reader sees only theirs: a unit's admin their members, a worker their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from accounts.selectors import actor_for_user
from mobilisation.hours import hours_label, hours_rows, hours_totals, person_hours
from mobilisation.models import Activity, ActivityParticipant, Shift, ShiftAssignment
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _shift_hours(tc: TinyCity, user_key: str, hours: str, *, removed: bool = False) -> None:
    shift = Shift.objects.filter(community=tc.inside.community).first()
    assert shift is not None
    now = timezone.now()
    user = tc.users[user_key]
    ShiftAssignment.objects.filter(shift=shift, user=user).delete()
    ShiftAssignment.objects.create(
        community=tc.inside.community,
        community_path=tc.inside.community.path,
        shift=shift,
        user=user,
        unit=tc.unit if user_key == "cadre" else None,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        assigned_by=tc.users["community_admin"],
        assigned_at=now,
        checked_in_at=now,
        checked_out_at=now,
        hours=Decimal(hours),
        removed_at=now if removed else None,
    )


def _part(tc: TinyCity, user_key: str, hours: str) -> None:
    a = Activity.objects.filter(community=tc.inside.community).first()
    assert a is not None
    ActivityParticipant.objects.create(
        community=tc.inside.community,
        community_path=tc.inside.community.path,
        activity=a,
        user=tc.users[user_key],
        hours=Decimal(hours),
    )


def _setup(tc: TinyCity) -> None:
    _shift_hours(tc, "cadre", "5.5")  # plus the sample activity: 2 h, unit 【UNA】
    _shift_hours(tc, "volunteer", "3", removed=True)  # removed: never counted
    _part(tc, "volunteer", "1.25")
    _part(tc, "grid_worker", "4")


def test_hours_sum_equals_a_recount(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _setup(tc)
    city = actor_for_user(tc.users["city_admin"])
    for by in ("person", "unit", "community"):
        rows = hours_rows(city, by=by)
        recount = sum(ActivityParticipant.objects.values_list("hours", flat=True)) + sum(
            ShiftAssignment.objects.filter(
                removed_at__isnull=True, hours__isnull=False
            ).values_list("hours", flat=True)
        )
        assert hours_totals(rows)["total"] == recount
    by_person = {r.key: r for r in hours_rows(city, by="person")}
    cadre = by_person[tc.users["cadre"].pk]
    assert (cadre.activity, cadre.shift, cadre.total) == (
        Decimal(2),
        Decimal("5.5"),
        Decimal("7.5"),
    )
    assert by_person[tc.users["volunteer"].pk].total == Decimal("1.25")
    assert person_hours(tc.users["cadre"].pk).total == Decimal("7.5")
    with translation.override("en"):  # another test may leave Chinese active
        rows = hours_label("unit", hours_rows(city, by="unit"))
        assert {r.label for r in rows} >= {"【UNA】单位", "No work unit"}


def test_a_date_range_counts_only_its_days(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _setup(tc)
    city = actor_for_user(tc.users["city_admin"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert hours_rows(city, since=tomorrow) == []
    past = timezone.localdate() - dt.timedelta(days=30)
    assert hours_totals(hours_rows(city, since=past, until=tomorrow))["total"] > 0
    assert person_hours(tc.users["cadre"].pk, since=tomorrow).total == 0


def test_unit_admin_sees_only_their_members_hours(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _setup(tc)
    unit_admin = actor_for_user(tc.users["unit_admin"])
    rows = hours_rows(unit_admin, by="person")
    assert {r.key for r in rows} == {tc.users["cadre"].pk}
    assert rows[0].total == Decimal("7.5")
    assert {r.key for r in hours_rows(unit_admin, by="unit")} == {tc.unit.pk}
    assert hours_rows(actor_for_user(tc.users["resident"]), by="person") == []


def test_a_worker_sees_their_own_and_offices_their_area(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _setup(tc)
    vol = actor_for_user(tc.users["volunteer"])
    assert [r.key for r in hours_rows(vol)] == [tc.users["volunteer"].pk]
    ost = actor_for_user(tc.users["【OST】_admin"])
    assert {r.key for r in hours_rows(ost, by="community")} == {tc.other_street.community.pk}
    street = actor_for_user(tc.users["street_admin"])
    assert {r.key for r in hours_rows(street, by="community")} == {tc.inside.community.pk}


def test_the_table_is_two_grouped_queries_however_many_people(
    tiny_city: TinyCity, django_assert_num_queries: Any
) -> None:
    tc = tiny_city
    _setup(tc)
    city = actor_for_user(tc.users["city_admin"])
    with django_assert_num_queries(2):
        rows = hours_rows(city, by="person")
    assert len(rows) >= 3
    with django_assert_num_queries(1):
        hours_label("person", rows)
