"""The roster's rules (M7, M13): planning, no double booking, no unwell worker on duty, the
check-in window and the hours at check-out. Bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import NotAllowed, field_errors
from mobilisation import roster
from mobilisation.models import Shift, ShiftAssignment
from mobilisation.tests.roster_helpers import actor, admin, health, local_at, new_post, new_shift
from testkit import TinyCity

DAY = dt.date(2026, 12, 3)
MORNING = local_at(DAY, 7)  # 07:00 in Beijing


def _message(e: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {f["field"]: f["message"] for f in field_errors(e.value)}


@pytest.fixture
def at_morning():  # type: ignore[no-untyped-def]
    with time_machine.travel(MORNING, tick=False):
        yield


def test_plan_makes_the_pattern_once(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    post = new_post(tc)
    made = roster.shifts_plan(
        actor=admin(tc), post=post, first_day=DAY, days=2, pattern=roster.DEFAULT_PATTERN
    )
    assert len(made) == 6
    night = next(s for s in made if roster.local(s.starts_at).hour == 20)
    assert roster.local(night.ends_at) == local_at(DAY + dt.timedelta(days=1), 8)
    assert all(s.needed == post.needed_per_shift for s in made)
    again = roster.shifts_plan(
        actor=admin(tc),
        post=post,
        first_day=DAY.isoformat(),
        days="3",
        pattern=roster.DEFAULT_PATTERN,
    )
    assert len(again) == 3  # only the third day is new
    assert Shift.objects.filter(post=post).count() == 9
    with pytest.raises(ValidationError) as e:
        roster.shifts_plan(actor=admin(tc), post=post, first_day=DAY, days=1, pattern=[("8", "x")])
    assert "pattern" in _message(e)
    with pytest.raises(NotAllowed):
        roster.shifts_plan(
            actor=actor(tc, "cadre"), post=post, first_day=DAY, days=1, pattern=[("08:00", "09:00")]
        )
    assert Shift.objects.filter(post=post).count() == 9


def test_a_shift_is_not_made_twice_nor_backwards(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    post = new_post(tc)
    new_shift(post, tc, local_at(DAY, 8))
    with pytest.raises(ValidationError) as e:
        new_shift(post, tc, local_at(DAY, 8))
    assert "starts_at" in _message(e)
    with pytest.raises(ValidationError) as e:
        roster.shift_create(
            actor=admin(tc), post=post, starts_at=local_at(DAY, 9), ends_at=local_at(DAY, 8)
        )
    assert "ends_at" in _message(e)
    assert Shift.objects.filter(post=post).count() == 1


def test_overlapping_shift_is_refused_naming_the_clash(
    tiny_city: TinyCity, at_morning: None
) -> None:
    tc = tiny_city
    gate = new_post(tc, "南门卡口")
    other = new_post(tc, "物资配送")
    first = new_shift(gate, tc, local_at(DAY, 8))
    second = new_shift(other, tc, local_at(DAY, 12))
    later = new_shift(other, tc, local_at(DAY, 14))
    volunteer = tc.users["volunteer"].pk
    a = roster.shift_assign(actor=admin(tc), shift=first, user_id=volunteer)
    assert roster.shift_assign(actor=admin(tc), shift=first, user_id=str(volunteer)).pk == a.pk
    with pytest.raises(ValidationError) as e:
        roster.shift_assign(actor=admin(tc), shift=second, user_id=volunteer)
    message = _message(e)["user"]
    assert "南门卡口" in message and "08:00" in message and "14:00" in message
    assert not ShiftAssignment.objects.filter(shift=second).exists()
    # Back to back is not an overlap.
    assert roster.shift_assign(actor=admin(tc), shift=later, user_id=volunteer)


def test_only_workers_of_the_community_are_assigned(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    shift = new_shift(new_post(tc), tc, local_at(DAY, 8))
    for role in ("resident", "unit_admin", "street_admin"):
        with pytest.raises(ValidationError) as e:
            roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users[role].pk)
        assert set(_message(e)) == {"user"}
    with pytest.raises(NotAllowed):
        roster.shift_assign(actor=actor(tc, "cadre"), shift=shift, user_id=tc.users["cadre"].pk)
    assert not ShiftAssignment.objects.filter(shift=shift).exists()


def test_the_assignment_carries_the_cadres_unit_and_times(
    tiny_city: TinyCity, at_morning: None
) -> None:
    tc = tiny_city
    shift = new_shift(new_post(tc), tc, local_at(DAY + dt.timedelta(days=1), 8))
    a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["cadre"].pk)
    assert a.unit_id == tc.unit.pk
    assert (a.starts_at, a.ends_at) == (shift.starts_at, shift.ends_at)
    b = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    assert b.unit_id is None


def test_unwell_worker_cannot_be_put_on_duty(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    post = new_post(tc)
    today = new_shift(post, tc, local_at(DAY, 8))
    tonight = new_shift(post, tc, local_at(DAY, 20), hours=12)
    tomorrow = new_shift(post, tc, local_at(DAY + dt.timedelta(days=1), 14))
    after = new_shift(post, tc, local_at(DAY + dt.timedelta(days=2), 14))
    worker = tc.users["grid_worker"]
    health(worker, tc.inside.community, DAY, fit=False)
    for shift in (today, tonight, tomorrow):
        with pytest.raises(ValidationError) as e:
            roster.shift_assign(actor=admin(tc), shift=shift, user_id=worker.pk)
        assert "unwell" in {f["code"] for f in field_errors(e.value)}
    assert not ShiftAssignment.objects.filter(user=worker, shift__post=post).exists()
    # Fit again on the day of the shift: may go.
    health(worker, tc.inside.community, DAY + dt.timedelta(days=2), fit=True)
    assert roster.shift_assign(actor=admin(tc), shift=after, user_id=worker.pk)
    # A worker who has not reported is not blocked (the roster flags them).
    assert roster.shift_assign(actor=admin(tc), shift=today, user_id=tc.users["volunteer"].pk)


def test_check_in_window_and_hours(tiny_city: TinyCity) -> None:
    tc = tiny_city
    with time_machine.travel(MORNING, tick=False):
        shift = new_shift(new_post(tc), tc, local_at(DAY, 8))
        a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    me = actor(tc, "volunteer")
    with pytest.raises(ValidationError) as e:
        roster.shift_check_in(actor=me, assignment=a, now=local_at(DAY, 7))
    assert "07:30" in _message(e)["time"] and "14:00" in _message(e)["time"]
    with pytest.raises(ValidationError):
        roster.shift_check_in(actor=me, assignment=a, now=local_at(DAY, 14))
    with pytest.raises(ValidationError) as e:
        roster.shift_check_out(actor=me, assignment=a, now=local_at(DAY, 9))
    assert "time" in _message(e)
    a.refresh_from_db()
    assert a.checked_in_at is None and a.checked_out_at is None
    with pytest.raises(NotAllowed):
        roster.shift_check_in(actor=actor(tc, "cadre"), assignment=a, now=local_at(DAY, 8))
    with pytest.raises(NotAllowed):
        roster.shift_check_in(actor=admin(tc), assignment=a, now=local_at(DAY, 8))
    early = local_at(DAY, 7) + dt.timedelta(minutes=45)
    done = roster.shift_check_in(actor=me, assignment=a, now=early)
    assert done.checked_in_at == early
    again = roster.shift_check_in(actor=me, assignment=a, now=local_at(DAY, 9))
    assert again.checked_in_at == early
    out = roster.shift_check_out(actor=me, assignment=a, now=local_at(DAY, 14))
    assert out.hours == Decimal("6.25")
    assert roster.shift_check_out(actor=me, assignment=a, now=local_at(DAY, 15)).hours == Decimal(
        "6.25"
    )


def test_forgotten_check_out_counts_up_to_two_hours_after_the_end(tiny_city: TinyCity) -> None:
    tc = tiny_city
    with time_machine.travel(MORNING, tick=False):
        shift = new_shift(new_post(tc), tc, local_at(DAY, 8))
        a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    me = actor(tc, "volunteer")
    roster.shift_check_in(actor=me, assignment=a, now=local_at(DAY, 8))
    out = roster.shift_check_out(actor=me, assignment=a, now=local_at(DAY, 23))
    assert out.hours == Decimal("8.00")


def test_unwell_worker_cannot_check_in(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    shift = new_shift(new_post(tc), tc, local_at(DAY, 8))
    a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    health(tc.users["volunteer"], tc.inside.community, DAY, fit=False)
    with pytest.raises(ValidationError):
        roster.shift_check_in(actor=actor(tc, "volunteer"), assignment=a, now=local_at(DAY, 8))
    a.refresh_from_db()
    assert a.checked_in_at is None


def test_cancel_and_unassign(tiny_city: TinyCity, at_morning: None) -> None:
    tc = tiny_city
    shift = new_shift(new_post(tc), tc, local_at(DAY, 8))
    a = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    with pytest.raises(NotAllowed):
        roster.shift_unassign(actor=actor(tc, "volunteer"), assignment=a)
    roster.shift_unassign(actor=admin(tc), assignment=a, note="改派")
    a.refresh_from_db()
    assert a.removed_at is not None and a.removed_note == "改派"
    b = roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["volunteer"].pk)
    roster.shift_cancel(actor=admin(tc), shift=shift)
    b.refresh_from_db()
    assert b.removed_at is not None
    with pytest.raises(ValidationError) as e:
        roster.shift_assign(actor=admin(tc), shift=shift, user_id=tc.users["cadre"].pk)
    assert "shift" in _message(e)


def test_a_cadre_sees_only_their_own_posts_and_shifts(tiny_city: TinyCity) -> None:
    from accounts.models import Grant, User
    from accounts.selectors import actor_for_user
    from core.roles import Role
    from mobilisation.post_selectors import post_list
    from mobilisation.roster_selectors import my_shifts
    from mobilisation.roster_selectors import roster as roster_of

    tc = tiny_city
    other_post = new_post(tc, "物资配送")
    later = timezone.now() + dt.timedelta(hours=3)
    other_shift = new_shift(other_post, tc, later)
    roster.shift_assign(actor=admin(tc), shift=other_shift, user_id=tc.users["volunteer"].pk)
    cadre = actor(tc, "cadre")
    names = {p.name for p in post_list(cadre)}
    assert names == {"东门卡口"}
    assert Shift.objects.for_actor(cadre).filter(pk=other_shift.pk).count() == 0
    assert ShiftAssignment.objects.for_actor(cadre).filter(shift=other_shift).count() == 0
    assert [a.shift.post.name for a in my_shifts(cadre)] == ["东门卡口"]
    # Another community's admin sees nothing of this community's roster.
    user = User.objects.create(username="ost-community-admin")
    Grant.objects.create(user=user, role=Role.COMMUNITY_ADMIN, place=tc.other_street.community)
    ost = actor_for_user(user)
    assert roster_of(ost, tc.inside.community.pk, timezone.localdate(), days=7) == []
    assert not post_list(ost).filter(community=tc.inside.community).exists()
