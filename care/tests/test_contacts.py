"""Contacts move the due days by kind, a failed attempt moves nothing, the alarm job is
idempotent, a need found becomes a request in the same step, and who sees what."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.selectors import actor_for_user
from care.assignments import care_end
from care.contacts import care_contact_log
from care.models import CareAssignment, CareContact, ContactKind, EndReason, HealthState
from care.selectors import my_assignments, vulnerable_households
from care.tasks import care_alarms_raise
from care.tests.helpers import actor_of, admin, assign, household_with
from core.errors import NotAllowed
from service_requests.models import ServiceRequest, Source
from testkit import TinyCity

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _log(tc: TinyCity, a: CareAssignment, kind: str, **kw: Any) -> CareContact:
    return care_contact_log(
        actor=actor_of(tc, "cadre"), assignment=a, kind=kind, health=HealthState.WELL, **kw
    )


def test_phone_check_moves_the_phone_day_only(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building), phone=2, visit=5)
    visit_before = a.visit_due_on
    _log(tiny_city, a, ContactKind.PHONE)
    a.refresh_from_db()
    today = timezone.localdate()
    assert a.phone_due_on == today + 2 * DAY
    assert a.visit_due_on == visit_before == today
    assert a.last_success_at is not None


def test_visit_moves_visit_and_phone(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building), phone=1, visit=3)
    _log(tiny_city, a, ContactKind.VISIT)
    a.refresh_from_db()
    today = timezone.localdate()
    assert (a.phone_due_on, a.visit_due_on) == (today + DAY, today + 3 * DAY)


def test_failed_attempt_moves_nothing(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building))
    before = (a.phone_due_on, a.visit_due_on, a.last_success_at, a.alarm_at)
    contact = _log(tiny_city, a, ContactKind.FAILED)
    a.refresh_from_db()
    assert contact.pk and (a.phone_due_on, a.visit_due_on, a.last_success_at, a.alarm_at) == before


def test_bad_contacts_change_nothing(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building))
    future = timezone.now() + datetime.timedelta(hours=2)
    for kw, field in [
        ({"kind": "shout"}, "kind"),
        ({"kind": ContactKind.PHONE, "at": future}, "at"),
    ]:
        with pytest.raises(ValidationError) as e:
            care_contact_log(actor=actor_of(tiny_city, "cadre"), assignment=a, health="well", **kw)  # type: ignore[arg-type]
        assert field in e.value.error_dict
    care_end(actor=admin(tiny_city), assignment=a, reason=EndReason.NOT_NEEDED)
    with pytest.raises(ValidationError) as e:
        _log(tiny_city, a, ContactKind.PHONE)
    assert "assignment" in e.value.error_dict
    with pytest.raises(NotAllowed):
        care_contact_log(
            actor=actor_of(tiny_city, "volunteer"), assignment=a, kind="phone", health="well"
        )
    assert not CareContact.objects.filter(assignment=a).exists()


def test_alarm_raised_once_and_cleared_by_a_success(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building))
    now = timezone.now()
    assert a.pk not in _alarmed(now + datetime.timedelta(hours=47))
    later = now + datetime.timedelta(hours=49)
    first = _alarmed(later)
    assert a.pk in first
    assert care_alarms_raise(later) == 0
    assert _alarmed(later + DAY) == first  # same rows, same alarm time
    assert set(
        vulnerable_households(admin(tiny_city), show="alarm").values_list("pk", flat=True)
    ) >= {a.household_id}
    _log(tiny_city, a, ContactKind.PHONE)
    a.refresh_from_db()
    assert a.alarm_at is None


def _alarmed(now: datetime.datetime) -> dict[int, datetime.datetime]:
    care_alarms_raise(now)
    return dict(CareAssignment.objects.filter(alarm_at__isnull=False).values_list("pk", "alarm_at"))


def test_contact_raises_a_request(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building))
    contact = _log(
        tiny_city,
        a,
        ContactKind.VISIT,
        needs="降压药快吃完了",
        request_category="medicine",
        request_urgency="soon",
    )
    request = ServiceRequest.objects.get(pk=contact.request_id or 0)
    assert request.source == Source.CARER
    assert request.household_id == a.household_id
    assert request.details == "降压药快吃完了" and request.urgency == "soon"
    assert request.resident.person.name == "李奶奶"


def test_bad_request_category_changes_nothing(tiny_city: TinyCity) -> None:
    a = assign(tiny_city, household_with(tiny_city.inside.building))
    requests_before = ServiceRequest.objects.count()
    with pytest.raises(ValidationError) as e:
        _log(tiny_city, a, ContactKind.VISIT, needs="药", request_category="spaceship")
    assert "request_category" in e.value.error_dict
    a_after = CareAssignment.objects.get(pk=a.pk)
    assert a_after.last_success_at is None and a_after.phone_due_on == a.phone_due_on
    assert ServiceRequest.objects.count() == requests_before
    assert not CareContact.objects.filter(assignment=a).exists()


def test_scoping(tiny_city: TinyCity) -> None:
    tc = tiny_city
    mine = assign(tc, household_with(tc.inside.building), role="cadre")
    theirs = assign(tc, household_with(tc.inside.building), role="volunteer")
    cadre = actor_of(tc, "cadre")
    seen = set(my_assignments(cadre).values_list("pk", flat=True))
    assert mine.pk in seen and theirs.pk not in seen
    assert set(CareAssignment.objects.for_actor(cadre).values_list("carer_id", flat=True)) == {
        tc.users["cadre"].pk
    }
    # The sibling grid's grid worker does not see our grid's households.
    sib_worker = tc.users["grid_worker"].__class__.objects.create(username="sibgw")
    from accounts.models import Grant

    Grant.objects.create(user=sib_worker, role="grid_worker", place=tc.sibling.grid)
    sib = actor_for_user(sib_worker)
    assert not CareAssignment.objects.for_actor(sib).filter(pk__in=[mine.pk, theirs.pk]).exists()
    assert mine.household_id not in set(vulnerable_households(sib).values_list("pk", flat=True))
    # A resident sees no care rows and no vulnerable households list.
    resident = actor_of(tc, "resident")
    assert not CareAssignment.objects.for_actor(resident).exists()
    assert not my_assignments(resident).exists()
    assert not CareContact.objects.for_actor(resident).exists()
