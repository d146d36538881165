"""Close contacts: linked to their index case (and contacts of contacts), observed until 14 days
after the last contact (not after the day they were entered); a later contact extends the
observation, an earlier one never shortens it; self-links and cycles of index cases are refused
with nothing changed, and so is a last contact in the future or longer ago than 14 days."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from core.roles import Role
from people.models import Resident
from testkit import TinyCity
from triage.contacts import contact_link
from triage.decisions import case_disposition_set
from triage.models import (
    CaseEvent,
    Category,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpStatus,
    Origin,
    TriageCase,
)
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    DAY,
    START,
    act,
    denied,
    disposed,
    person,
    refused,
    triaged,
)

city, clock = shared.city, shared.clock
D = datetime.timedelta


def _link(
    tc: TinyCity,
    index: TriageCase,
    resident: Resident,
    last: datetime.date | None,
    role: str = "health_worker",
) -> TriageCase:
    return contact_link(
        actor=act(tc, role),
        index_case=index,
        resident=resident,
        last_contact_on=last,
        note="同桌用餐",
    )


def _due_days(case: TriageCase) -> list[datetime.date]:
    return sorted(
        set(
            FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE).values_list(
                "day", flat=True
            )
        )
    )


def test_a_contact_is_linked_to_its_index_case(city: TinyCity, clock: Any) -> None:
    index = triaged(city, Category.CONFIRMED)
    clinician = act(city, "health_worker")
    clock.shift(D(hours=2))
    contact = _link(city, index, person(city.inside), DAY - D(days=2))
    assert contact.index_case_id == index.pk and contact.origin == Origin.CONTACT
    assert contact.last_contact_on == DAY - D(days=2)
    # Linked by the health centre: a close contact at once, not waiting for triage.
    assert contact.category == Category.CLOSE_CONTACT and contact.triage_due_since is None
    assert contact.triaged_at == START + D(hours=2)
    linked = CaseEvent.objects.get(case=contact, kind=EventKind.CONTACT_LINKED)
    assert (linked.by_id, linked.at, linked.to_value, linked.reason) == (
        clinician.user_id,
        START + D(hours=2),
        str(index.pk),
        "同桌用餐",
    )
    assert linked.data == {"last_contact_on": (DAY - D(days=2)).isoformat()}
    category = CaseEvent.objects.get(case=contact, kind=EventKind.CATEGORY)
    assert (category.by_id, category.from_value, category.to_value) == (
        clinician.user_id,
        "",
        Category.CLOSE_CONTACT,
    )
    assert f"#{index.pk}" in category.reason
    assert list(TriageCase.objects.filter(index_case=index)) == [contact]


def test_linked_by_the_community_the_contact_waits_for_triage(city: TinyCity) -> None:
    index = triaged(city, Category.SUSPECTED)
    contact = _link(city, index, person(city.inside), DAY, role="community_admin")
    assert contact.index_case_id == index.pk
    assert contact.category == "" and contact.triage_due_since == START
    assert not CaseEvent.objects.filter(case=contact, kind=EventKind.CATEGORY).exists()


def test_contacts_of_contacts_form_a_chain(city: TinyCity) -> None:
    index = triaged(city, Category.CONFIRMED)
    first = _link(city, index, person(city.inside, "一代"), DAY - D(days=1))
    second = _link(city, first, person(city.inside, "二代"), DAY)
    assert second.index_case_id == first.pk and first.index_case_id == index.pk
    assert second.index_case is not None and second.index_case.index_case_id == index.pk


def test_an_existing_case_keeps_its_category_when_linked(city: TinyCity) -> None:
    index = triaged(city, Category.CONFIRMED)
    other = triaged(city, Category.SUSPECTED)
    linked = _link(city, index, other.resident, DAY)
    assert linked.pk == other.pk and linked.category == Category.SUSPECTED
    assert TriageCase.objects.filter(resident=other.resident).count() == 1


def test_observation_ends_14_days_after_the_last_contact_not_after_entry(
    city: TinyCity, clock: Any
) -> None:
    index = triaged(city, Category.CONFIRMED)
    last = DAY - D(days=3)
    contact = _link(city, index, person(city.inside), last)
    clock.shift(D(hours=1))  # 10:00: both of today's slots still ahead
    case_disposition_set(
        actor=act(city, "community_admin"), case=contact, disposition=Disposition.HOME_OBSERVATION
    )
    contact.refresh_from_db()
    assert contact.observation_start == DAY
    assert contact.observation_end == last + D(days=14) == DAY + D(days=11)
    days = _due_days(contact)
    assert days[0] == DAY and days[-1] == DAY + D(days=11) and len(days) == 12
    assert FollowUp.objects.filter(case=contact, status=FollowUpStatus.DUE).count() == 24


def test_a_later_contact_extends_an_earlier_one_never_shortens(city: TinyCity, clock: Any) -> None:
    index = triaged(city, Category.CONFIRMED)
    resident = person(city.inside)
    contact = _link(city, index, resident, DAY - D(days=3))
    case_disposition_set(
        actor=act(city, "community_admin"), case=contact, disposition=Disposition.HOME_OBSERVATION
    )
    # Two days later, a second index case met the contact yesterday: two more days to watch.
    clock.shift(D(days=2))
    second_index = triaged(city, Category.CONFIRMED)
    later = _link(city, second_index, resident, DAY + D(days=1))
    assert later.pk == contact.pk and later.index_case_id == second_index.pk
    assert later.last_contact_on == DAY + D(days=1)
    assert later.observation_end == DAY + D(days=15)
    assert _due_days(later)[-1] == DAY + D(days=15)
    row = TriageCase.objects.get(pk=contact.pk)
    assert row.observation_end == DAY + D(days=15)
    # An earlier contact reported afterwards changes nothing of the watch.
    due = _due_days(row)
    earlier = _link(city, index, resident, DAY - D(days=5))
    assert earlier.last_contact_on == DAY + D(days=1)
    assert earlier.observation_end == DAY + D(days=15)
    assert _due_days(earlier) == due
    assert CaseEvent.objects.filter(case=contact, kind=EventKind.CONTACT_LINKED).count() == 3


def test_a_person_cannot_be_their_own_contact(city: TinyCity) -> None:
    index = triaged(city, Category.CONFIRMED)
    refused(lambda: _link(city, index, index.resident, DAY), "resident", "self")


def test_a_cycle_of_index_cases_is_refused(city: TinyCity) -> None:
    a = triaged(city, Category.CONFIRMED)
    b = _link(city, a, person(city.inside, "乙"), DAY)
    c = _link(city, b, person(city.inside, "丙"), DAY)
    # a ← b ← c: neither a nor b may become a contact of c, nor a of b.
    refused(lambda: _link(city, b, a.resident, DAY), "resident", "cycle")
    refused(lambda: _link(city, c, a.resident, DAY), "resident", "cycle")
    refused(lambda: _link(city, c, b.resident, DAY), "resident", "cycle")
    # Not a cycle: a second contact of a, or c linked to another index as well.
    other = triaged(city, Category.SUSPECTED)
    _link(city, other, c.resident, DAY)


@pytest.mark.parametrize(
    ("days_ago", "code"),
    [(-1, "future"), (-10, "future"), (15, "too_old"), (30, "too_old"), (None, "required")],
)
def test_a_bad_last_contact_day_is_refused(city: TinyCity, days_ago: int | None, code: str) -> None:
    index = triaged(city, Category.CONFIRMED)
    last = None if days_ago is None else DAY - D(days=days_ago)
    resident = person(city.inside)
    refused(lambda: _link(city, index, resident, last), "last_contact_on", code)


def test_the_last_contact_14_days_ago_is_the_last_day_taken(city: TinyCity) -> None:
    index = triaged(city, Category.CONFIRMED)
    contact = _link(city, index, person(city.inside), DAY - D(days=14))
    case_disposition_set(
        actor=act(city, "community_admin"), case=contact, disposition=Disposition.HOME_OBSERVATION
    )
    contact.refresh_from_db()
    assert contact.observation_end == DAY
    assert _due_days(contact) == [DAY]


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_health_centre_and_the_community_link_contacts(city: TinyCity, role: str) -> None:
    index = triaged(city, Category.CONFIRMED)
    resident = person(city.inside)
    if role in (Role.HEALTH_WORKER, Role.COMMUNITY_ADMIN):
        assert _link(city, index, resident, DAY, role=role).index_case_id == index.pk
    else:
        denied(lambda: _link(city, index, resident, DAY, role=role))


def test_contacts_outside_the_area_and_closed_index_cases_are_refused(city: TinyCity) -> None:
    index = triaged(city, Category.CONFIRMED)
    refused(lambda: _link(city, index, city.other_street.residents[1], DAY), "resident", "scope")
    closed = disposed(city, Category.CLEARED, Disposition.RELEASED)
    resident = person(city.inside)
    refused(lambda: _link(city, closed, resident, DAY), "status", "closed")
