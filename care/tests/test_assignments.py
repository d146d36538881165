"""Assigning carers: who may be a carer, which households, handovers, a carer leaving, and the
safety net for a carer whose grant was removed. A refused action changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Grant
from care.assignments import care_assign, care_end, care_plan_set, carer_leave
from care.models import CareAssignment, EndReason
from care.selectors import handover_households, household_counts, vulnerable_households
from care.tasks import care_orphans_release
from care.tests.helpers import actor_of, admin, assign, household_with
from core.errors import NotAllowed
from core.roles import Role
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple]:
    return list(
        CareAssignment.objects.order_by("pk").values_list(
            "pk", "carer_id", "ended_at", "end_reason"
        )
    )


def test_assign_sets_first_due_days_today(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building)
    a = assign(tiny_city, h, phone=2, visit=0)
    assert a.carer == tiny_city.users["cadre"]
    assert a.phone_due_on is not None and a.visit_due_on is None
    assert a.community_id == tiny_city.inside.community.pk


@pytest.mark.parametrize("role", ["property_staff", "health_worker", "resident"])
def test_carer_without_carer_grant_is_refused(tiny_city: TinyCity, role: str) -> None:
    h = household_with(tiny_city.inside.building)
    before = _snapshot()
    with pytest.raises(ValidationError) as e:
        assign(tiny_city, h, role=role)
    assert "carer" in e.value.error_dict
    assert _snapshot() == before


def test_grid_worker_of_another_grid_is_refused(tiny_city: TinyCity) -> None:
    # The grid worker account is granted at the inside grid; the sibling grid is another.
    h = household_with(tiny_city.sibling.building)
    with pytest.raises(ValidationError) as e:
        assign(tiny_city, h, role="grid_worker")
    assert "carer" in e.value.error_dict
    assert assign(tiny_city, household_with(tiny_city.inside.building), role="grid_worker")


def test_household_outside_the_admins_community_is_refused(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.other_street.building)
    before = _snapshot()
    with pytest.raises(NotAllowed):
        assign(tiny_city, h)
    assert _snapshot() == before


def test_household_without_vulnerable_resident_is_refused(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building, flags=())
    before = _snapshot()
    with pytest.raises(ValidationError) as e:
        assign(tiny_city, h)
    assert "household" in e.value.error_dict
    assert _snapshot() == before


def test_plan_bounds(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building)
    for phone, visit, field in [
        (0, 0, "phone_every_days"),
        (15, 3, "phone_every_days"),
        (1, 31, "visit_every_days"),
    ]:
        with pytest.raises(ValidationError) as e:
            assign(tiny_city, h, phone=phone, visit=visit)
        assert field in e.value.error_dict
    assert not CareAssignment.objects.filter(household=h).exists()


def test_only_the_community_admin_assigns(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building)
    for role in ("grid_worker", "cadre", "street_admin"):
        with pytest.raises(NotAllowed):
            care_assign(
                actor=actor_of(tiny_city, role),
                household=h,
                carer_user_id=tiny_city.users["cadre"].pk,
                phone_every_days=1,
                visit_every_days=3,
            )
    assert not CareAssignment.objects.filter(household=h).exists()


def test_reassigning_is_a_handover(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building)
    first = assign(tiny_city, h, role="cadre")
    second = assign(tiny_city, h, role="volunteer")
    first.refresh_from_db()
    assert first.ended_at is not None and first.end_reason == EndReason.REASSIGNED
    assert CareAssignment.objects.filter(household=h, ended_at__isnull=True).get() == second
    # The same carer again keeps the assignment and takes the new plan.
    again = assign(tiny_city, h, role="volunteer", phone=3, visit=0)
    assert again.pk == second.pk and again.phone_every_days == 3 and again.visit_due_on is None


def test_carer_leave_puts_every_household_on_the_handover_list(tiny_city: TinyCity) -> None:
    tc = tiny_city
    households = [household_with(tc.inside.building) for _ in range(3)]
    for h in households:
        assign(tc, h, role="volunteer")
    n = carer_leave(
        actor=admin(tc),
        carer_user_id=tc.users["volunteer"].pk,
        community=tc.inside.community,
        note="部署结束",
    )
    assert n == 3
    assert not CareAssignment.objects.filter(
        carer=tc.users["volunteer"], ended_at__isnull=True
    ).exists()
    listed = set(handover_households(admin(tc)).values_list("pk", flat=True))
    assert {h.pk for h in households} <= listed
    assert household_counts(admin(tc))["handover"] == len(listed)
    # Reassigning one takes it off the list.
    assign(tc, households[0], role="cadre")
    listed = set(handover_households(admin(tc)).values_list("pk", flat=True))
    assert households[0].pk not in listed and households[1].pk in listed


def test_carer_leave_of_someone_without_households_changes_nothing(tiny_city: TinyCity) -> None:
    before = _snapshot()
    with pytest.raises(ValidationError) as e:
        carer_leave(
            actor=admin(tiny_city),
            carer_user_id=tiny_city.users["property_staff"].pk,
            community=tiny_city.inside.community,
        )
    assert "carer" in e.value.error_dict
    assert _snapshot() == before


def test_removed_grant_releases_the_carers_households(tiny_city: TinyCity) -> None:
    tc = tiny_city
    h = household_with(tc.inside.building)
    a = assign(tc, h, role="volunteer")
    care_orphans_release()
    a.refresh_from_db()
    assert a.ended_at is None  # a granted carer keeps their households
    Grant.objects.filter(user=tc.users["volunteer"], role=Role.VOLUNTEER).delete()
    released = care_orphans_release()
    assert released >= 1
    a.refresh_from_db()
    assert a.end_reason == EndReason.CARER_LEFT
    assert h.pk in set(handover_households(admin(tc)).values_list("pk", flat=True))
    assert care_orphans_release() == 0  # idempotent


def test_end_and_plan_change(tiny_city: TinyCity) -> None:
    h = household_with(tiny_city.inside.building)
    a = assign(tiny_city, h)
    care_plan_set(actor=admin(tiny_city), assignment=a, phone_every_days=2, visit_every_days=0)
    a.refresh_from_db()
    assert (a.phone_every_days, a.visit_every_days, a.visit_due_on) == (2, 0, None)
    with pytest.raises(ValidationError):
        care_end(actor=admin(tiny_city), assignment=a, reason="bored")
    with pytest.raises(NotAllowed):
        care_end(actor=actor_of(tiny_city, "cadre"), assignment=a, reason=EndReason.NOT_NEEDED)
    care_end(actor=admin(tiny_city), assignment=a, reason=EndReason.NOT_NEEDED)
    a.refresh_from_db()
    assert a.ended_at is not None
    # Not needed any more: not on the handover list, but uncovered.
    rows = vulnerable_households(admin(tiny_city), show="uncovered")
    assert h.pk in set(rows.values_list("pk", flat=True))
    assert h.pk not in set(handover_households(admin(tiny_city)).values_list("pk", flat=True))
