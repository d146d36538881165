"""Who decides: only health-centre staff set a category, only community and street staff set a
disposition (every other role is refused and nothing changes), each within their own area; the
assessment's own input; transport."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.roles import Role
from testkit import ROOT, TinyCity
from triage.contacts import contact_link
from triage.decisions import case_assess, case_disposition_set, transport_set
from triage.models import (
    CaseEvent,
    CaseStatus,
    Category,
    Disposition,
    EventKind,
    Transport,
    TriageCase,
)
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    DAY,
    START,
    act,
    denied,
    opened,
    refused,
    triaged,
)

city, clock = shared.city, shared.clock

CATEGORY_SETTERS = {Role.HEALTH_WORKER}
DISPOSITION_SETTERS = {Role.COMMUNITY_ADMIN, Role.STREET_ADMIN}


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_health_centre_sets_a_category(city: TinyCity, role: str) -> None:
    case = opened(city)

    def assess() -> TriageCase:
        return case_assess(
            actor=act(city, role), case=case, category=Category.SUSPECTED, temperature="38.2"
        )

    if role in CATEGORY_SETTERS:
        assert assess().category == Category.SUSPECTED
        event = CaseEvent.objects.get(case=case, kind=EventKind.CATEGORY)
        assert event.by_id == city.users[role].pk and event.at == START
    else:
        denied(assess)


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_community_or_street_sets_a_disposition(city: TinyCity, role: str) -> None:
    case = triaged(city, Category.FEBRILE)

    def dispose() -> TriageCase:
        return case_disposition_set(
            actor=act(city, role), case=case, disposition=Disposition.FEVER_CLINIC
        )

    if role in DISPOSITION_SETTERS:
        assert dispose().disposition == Disposition.FEVER_CLINIC
        event = CaseEvent.objects.get(case=case, kind=EventKind.DISPOSITION)
        assert event.by_id == city.users[role].pk and event.at == START
    else:
        denied(dispose)


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_community_or_street_arranges_transport(city: TinyCity, role: str) -> None:
    case = triaged(city, Category.SUSPECTED)

    def need() -> TriageCase:
        return transport_set(actor=act(city, role), case=case, transport=Transport.NEEDED)

    if role in DISPOSITION_SETTERS:
        assert need().transport == Transport.NEEDED
    else:
        denied(need)


@pytest.mark.parametrize("chain", ["sibling", "other_street", "other_district"])
def test_deciders_act_only_in_their_own_area(city: TinyCity, chain: str) -> None:
    """The health centre and the community serve one community; the street its street."""
    where = getattr(city, chain)
    fresh = opened(city, chain=where)
    febrile = triaged(city, Category.FEBRILE, chain=where)
    denied(
        lambda: case_assess(actor=act(city, "grid_worker"), case=fresh, category=Category.FEBRILE)
    )
    if chain != "sibling":  # the sibling grid is in the same community and street
        denied(
            lambda: case_assess(
                actor=act(city, "health_worker"), case=fresh, category=Category.FEBRILE
            )
        )
        denied(
            lambda: case_disposition_set(
                actor=act(city, "community_admin"),
                case=febrile,
                disposition=Disposition.FEVER_CLINIC,
            )
        )
        denied(
            lambda: case_disposition_set(
                actor=act(city, "street_admin"), case=febrile, disposition=Disposition.FEVER_CLINIC
            )
        )
    else:
        case_assess(actor=act(city, "health_worker"), case=fresh, category=Category.FEBRILE)
        case_disposition_set(
            actor=act(city, "street_admin"), case=febrile, disposition=Disposition.FEVER_CLINIC
        )


def test_a_superuser_may_decide_anywhere(city: TinyCity) -> None:
    case = triaged(city, Category.FEBRILE, chain=city.other_district)
    case_disposition_set(actor=ROOT, case=case, disposition=Disposition.FEVER_CLINIC)
    case.refresh_from_db()
    assert case.disposition == Disposition.FEVER_CLINIC
    # The system's own user id (0) is not stored as an author.
    assert CaseEvent.objects.get(case=case, kind=EventKind.DISPOSITION).by_id is None


def test_the_assessment_is_kept_on_the_case_and_the_timeline(city: TinyCity, clock: Any) -> None:
    case = opened(city)
    clinician = act(city, "health_worker")
    case_assess(
        actor=clinician,
        case=case,
        category=Category.SUSPECTED,
        temperature="３８．２℃",
        symptoms=3,
        test_result="CT：双肺磨玻璃影",
        notes="咳嗽三天",
    )
    clock.shift(datetime.timedelta(hours=6))
    case_assess(
        actor=clinician,
        case=case,
        category=Category.SUSPECTED,
        temperature="37.1",
        test_result="核酸待出",
    )
    row = TriageCase.objects.get(pk=case.pk)
    assert row.temperature == Decimal("37.1") and row.symptoms == 0
    assert row.test_result == "核酸待出"
    # Notes left empty keep the earlier note.
    assert row.note == "咳嗽三天"
    assert row.triaged_at == START
    first, second = CaseEvent.objects.filter(case=case, kind=EventKind.ASSESSED).order_by("at")
    # Full-width input is stored half-width (core.validators.normalize_text).
    # The result is kept as typed, its full-width colon too.
    assert first.data == {"temperature": "38.2", "symptoms": 3, "test_result": "CT：双肺磨玻璃影"}
    assert first.reason == "咳嗽三天" and first.by_id == clinician.user_id
    assert second.at == START + datetime.timedelta(hours=6)
    assert second.data["temperature"] == "37.1"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": "50"}, "temperature"),
        ({"symptoms": -1}, "symptoms"),
        ({"symptoms": 1000}, "symptoms"),
        ({"symptoms": "cough"}, "symptoms"),
    ],
)
def test_bad_assessment_input_is_refused(
    city: TinyCity, kwargs: dict[str, Any], field: str
) -> None:
    case = opened(city)
    refused(
        lambda: case_assess(
            actor=act(city, "health_worker"), case=case, category=Category.FEBRILE, **kwargs
        ),
        field,
    )


def test_a_close_contact_is_not_released_before_14_days_after_the_last_contact(
    city: TinyCity, clock: Any
) -> None:
    index = triaged(city, Category.CONFIRMED)
    last = DAY - datetime.timedelta(days=3)
    contact = contact_link(
        actor=act(city, "health_worker"),
        index_case=index,
        resident=shared.person(city.inside),
        last_contact_on=last,
    )
    office = act(city, "community_admin")
    # Sent to an isolation room, or nowhere yet: still watched until the 14 days are over.
    release = lambda: case_disposition_set(  # noqa: E731
        actor=office, case=contact, disposition=Disposition.RELEASED, reason="解除"
    )
    refused(release, "disposition", "too_early")
    case_disposition_set(actor=office, case=contact, disposition=Disposition.ISOLATION)
    clock.move_to(shared.beijing(last + datetime.timedelta(days=13), 10))
    refused(release, "disposition", "too_early")
    clock.move_to(shared.beijing(last + datetime.timedelta(days=14), 10))
    release()
    contact.refresh_from_db()
    assert contact.status == CaseStatus.CLOSED


def test_transport_is_needed_then_done_with_who_and_why(city: TinyCity, clock: Any) -> None:
    case = triaged(city, Category.SUSPECTED)
    office = act(city, "street_admin")
    refused(
        lambda: transport_set(actor=office, case=case, transport=Transport.DONE),
        "transport",
        "order",
    )
    refused(
        lambda: transport_set(actor=office, case=case, transport="taxi"), "transport", "invalid"
    )
    transport_set(actor=office, case=case, transport=Transport.NEEDED, note="120 转运")
    refused(
        lambda: transport_set(actor=office, case=case, transport=Transport.NEEDED),
        "transport",
        "unchanged",
    )
    clock.shift(datetime.timedelta(minutes=40))
    transport_set(actor=office, case=case, transport=Transport.DONE, note="已送达")
    needed, done = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSPORT).order_by("at")
    assert (needed.from_value, needed.to_value, needed.reason) == ("", "needed", "120 转运")
    assert (done.from_value, done.to_value, done.by_id) == ("needed", "done", office.user_id)
    assert done.at == START + datetime.timedelta(minutes=40)
