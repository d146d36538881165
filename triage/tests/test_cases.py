"""Opening and closing cases: never two open cases for one person, who/when/why on the
timeline, and a dead or moved-out resident's case closed with that reason.

The helpers at the top (a city built at a frozen moment, a snapshot of every triage table,
refusals that must change nothing) are shared by the other triage service tests."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Model

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.errors import NotAllowed
from core.roles import Role
from health.models import FlagStatus, HealthFlag
from people.models import Person, Resident, ResidentStatus
from people.services import resident_set_status
from places.services import ancestor_columns
from testkit import ROOT, Chain, TinyCity, build_tiny_city, in_threads, synthetic_id_number
from triage.cases import case_open, case_open_from_flag
from triage.decisions import case_assess, case_disposition_set
from triage.models import (
    BuildingDisclosure,
    CaseEvent,
    CaseStatus,
    Category,
    CloseReason,
    DisclosureRule,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpStatus,
    Origin,
    Site,
    SiteKind,
    TriageCase,
)

BEIJING = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
DAY = datetime.date(2026, 11, 24)
TABLES: tuple[type[Model], ...] = (
    TriageCase,
    CaseEvent,
    FollowUp,
    Site,
    DisclosureRule,
    BuildingDisclosure,
    HealthFlag,
    Resident,
)


def beijing(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), BEIJING)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table a triage service writes."""
    return {m.__name__: list(m._default_manager.order_by("pk").values()) for m in TABLES}


def refused(fn: Callable[[], Any], field: str, code: str | None = None) -> ValidationError:
    """The call fails with an error naming `field` (and `code`), and nothing changed."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        fn()
    error = info.value
    assert hasattr(error, "error_dict") and field in error.error_dict, error
    if code is not None:
        assert [e.code for e in error.error_dict[field]] == [code], error
    assert all(str(e.message).strip() for e in error.error_dict[field])
    assert snapshot() == before
    return error


def denied(fn: Callable[[], Any]) -> NotAllowed:
    before = snapshot()
    with pytest.raises(NotAllowed) as info:
        fn()
    assert str(info.value)
    assert snapshot() == before
    return info.value


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def city(db: None, clock: Any) -> TinyCity:
    """The tiny city, built at 09:00 Beijing on 24 November 2026 (time stays frozen there
    until a test moves the clock)."""
    return build_tiny_city()


def act(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def person(chain: Chain, name: str = "新居民") -> Resident:
    """One more resident of the chain's household, with no case."""
    p = Person.objects.create(name=name, id_number=synthetic_id_number())
    return Resident.objects.create(
        person=p, household=chain.household, **ancestor_columns(chain.building)
    )


def _opener(tc: TinyCity, chain: Chain) -> Actor:
    return act(tc, "community_admin") if chain.community == tc.inside.community else ROOT


def opened(
    tc: TinyCity, *, chain: Chain | None = None, resident: Resident | None = None
) -> TriageCase:
    chain = chain or tc.inside
    resident = resident or person(chain)
    case, created = case_open(
        actor=_opener(tc, chain), resident=resident, origin=Origin.CALL, note="来电：发热 38.1°C"
    )
    assert created
    return case


def triaged(
    tc: TinyCity, category: str, *, chain: Chain | None = None, resident: Resident | None = None
) -> TriageCase:
    chain = chain or tc.inside
    case = opened(tc, chain=chain, resident=resident)
    clinician = act(tc, "health_worker") if chain.community == tc.inside.community else ROOT
    return case_assess(actor=clinician, case=case, category=category, temperature="38.1")


def disposed(
    tc: TinyCity,
    category: str,
    disposition: str,
    *,
    site: Site | None = None,
    chain: Chain | None = None,
    resident: Resident | None = None,
) -> TriageCase:
    chain = chain or tc.inside
    case = triaged(tc, category, chain=chain, resident=resident)
    office = act(tc, "community_admin") if chain.community == tc.inside.community else ROOT
    return case_disposition_set(actor=office, case=case, disposition=disposition, site=site)


def isolation_site(tc: TinyCity) -> Site:
    """The inside street's isolation site (10 rooms) of the tiny city."""
    return Site.objects.get(place=tc.inside.street, kind=SiteKind.ISOLATION)


def city_hospital(tc: TinyCity) -> Site:
    return Site.objects.get(place=tc.city, kind=SiteKind.HOSPITAL)


# --- opening -----------------------------------------------------------------------------


def test_opening_records_who_when_why(city: TinyCity) -> None:
    grid = act(city, "grid_worker")
    resident = person(city.inside)
    case, created = case_open(
        actor=grid, resident=resident, origin=Origin.SCREENING, note="入户排查 37.9°C 咳嗽"
    )
    assert created
    assert case.status == CaseStatus.OPEN and case.category == "" and case.disposition == ""
    assert case.triage_due_since == START and case.opened_at == START
    assert case.first_flagged_at == START and case.opened_by_id == grid.user_id
    assert (case.community_id, case.grid_id, case.building_id, case.household_id) == (
        city.inside.community.pk,
        city.inside.grid.pk,
        city.inside.building.pk,
        city.inside.household.pk,
    )
    (event,) = CaseEvent.objects.filter(case=case)
    assert (event.kind, event.by_id, event.at) == (EventKind.OPENED, grid.user_id, START)
    assert (event.to_value, event.reason) == (Origin.SCREENING, "入户排查 37.9°C 咳嗽")


def test_opening_twice_joins_the_open_case(city: TinyCity, clock: Any) -> None:
    resident = person(city.inside)
    first = opened(city, resident=resident)
    clock.shift(datetime.timedelta(minutes=30))
    health = act(city, "health_worker")
    again, created = case_open(
        actor=health, resident=resident, origin=Origin.WALK_IN, note="到中心就诊 38.4°C"
    )
    assert not created and again.pk == first.pk
    assert TriageCase.objects.filter(resident=resident).count() == 1
    joined = CaseEvent.objects.get(case=first, kind=EventKind.FLAG_JOINED)
    assert (joined.by_id, joined.at, joined.to_value, joined.reason) == (
        health.user_id,
        START + datetime.timedelta(minutes=30),
        Origin.WALK_IN,
        "到中心就诊 38.4°C",
    )
    # The queue keeps the first moment: the person has waited since then.
    again.refresh_from_db()
    assert again.triage_due_since == START and again.opened_at == START


def test_a_flag_for_a_person_with_an_open_case_joins_it(city: TinyCity) -> None:
    resident = city.inside.residents[1]
    flag = HealthFlag.objects.get(resident=resident)
    case = opened(city, resident=resident)
    joined, created = case_open_from_flag(
        actor=act(city, "grid_worker"), flag=flag, note="已电话告知卫生服务中心"
    )
    assert not created and joined.pk == case.pk
    assert TriageCase.objects.filter(resident=resident, status=CaseStatus.OPEN).count() == 1
    joined.refresh_from_db()
    assert joined.flag_id == flag.pk
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER
    event = CaseEvent.objects.get(case=case, kind=EventKind.FLAG_JOINED)
    assert event.data == {"flag": flag.pk} and event.reason == "已电话告知卫生服务中心"


def test_a_flag_opens_a_case_from_the_moment_it_was_raised(city: TinyCity, clock: Any) -> None:
    resident = city.inside.residents[1]
    flag = HealthFlag.objects.get(resident=resident)
    clock.shift(datetime.timedelta(hours=2))
    case, created = case_open_from_flag(actor=act(city, "grid_worker"), flag=flag, note="已转交")
    assert created and case.origin == Origin.FLAG and case.flag_id == flag.pk
    assert case.first_flagged_at == flag.raised_at == START
    assert case.opened_at == START + datetime.timedelta(hours=2)
    # The flag handed over twice: the second hand-over is refused and opens nothing more.
    refused(
        lambda: case_open_from_flag(actor=act(city, "grid_worker"), flag=flag, note="again"),
        "status",
        "handled",
    )


def test_a_closed_case_does_not_stop_a_new_one(city: TinyCity, clock: Any) -> None:
    resident = person(city.inside)
    first = disposed(city, Category.CLEARED, Disposition.RELEASED, resident=resident)
    assert first.status == CaseStatus.CLOSED
    clock.shift(datetime.timedelta(days=2))
    second, created = case_open(
        actor=act(city, "grid_worker"), resident=resident, origin=Origin.CALL, note="又发热"
    )
    assert created and second.pk != first.pk
    assert TriageCase.objects.filter(resident=resident, status=CaseStatus.OPEN).count() == 1


@pytest.mark.parametrize("role", list(Role.values))
def test_only_grid_workers_community_admins_and_health_workers_open_cases(
    city: TinyCity, role: str
) -> None:
    resident = person(city.inside)

    def call() -> Any:
        return case_open(
            actor=act(city, role), resident=resident, origin=Origin.CALL, note="来电：发热"
        )

    if role in (Role.GRID_WORKER, Role.COMMUNITY_ADMIN, Role.HEALTH_WORKER):
        case, created = call()
        assert created and case.opened_by_id == city.users[role].pk
    else:
        denied(call)


@pytest.mark.parametrize(
    ("origin", "note", "field", "code"),
    [
        ("rumour", "x", "origin", "invalid"),
        ("", "x", "origin", "invalid"),
        (Origin.CALL, "", "note", "required"),
        (Origin.WALK_IN, "   ", "note", "required"),
        (Origin.SCREENING, "", "note", "required"),
    ],
)
def test_bad_opening_input_is_refused(
    city: TinyCity, origin: str, note: str, field: str, code: str
) -> None:
    resident = person(city.inside)
    refused(
        lambda: case_open(
            actor=act(city, "grid_worker"), resident=resident, origin=origin, note=note
        ),
        field,
        code,
    )


def test_a_resident_outside_the_area_is_refused(city: TinyCity) -> None:
    # The grid worker's grid is not the sibling grid; the health centre's community is not
    # the other street's.
    refused(
        lambda: case_open(
            actor=act(city, "grid_worker"),
            resident=city.sibling.residents[1],
            origin=Origin.CALL,
            note="来电",
        ),
        "resident",
        "scope",
    )
    refused(
        lambda: case_open(
            actor=act(city, "health_worker"),
            resident=city.other_street.residents[1],
            origin=Origin.WALK_IN,
            note="就诊",
        ),
        "resident",
        "scope",
    )
    # A flag of a person outside the area is not handed over either (nothing changed).
    flag = HealthFlag.objects.get(resident=city.sibling.residents[1])
    refused(
        lambda: case_open_from_flag(actor=act(city, "grid_worker"), flag=flag, note="转交"),
        "resident",
        "scope",
    )


@pytest.mark.parametrize("status", [ResidentStatus.MOVED_OUT, ResidentStatus.DECEASED])
def test_no_case_opens_for_a_resident_who_moved_out_or_died(city: TinyCity, status: str) -> None:
    resident = person(city.inside)
    Resident.objects.filter(pk=resident.pk).update(status=status)
    resident.refresh_from_db()
    refused(
        lambda: case_open(
            actor=act(city, "grid_worker"), resident=resident, origin=Origin.CALL, note="来电"
        ),
        "resident",
        "gone",
    )


# --- closing with the registry ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ResidentStatus.MOVED_OUT, CloseReason.MOVED_OUT),
        (ResidentStatus.DECEASED, CloseReason.DECEASED),
    ],
)
def test_a_resident_registered_gone_has_their_case_closed_with_that_reason(
    city: TinyCity, clock: Any, status: str, reason: str
) -> None:
    # One in an isolation room, one in home observation: the room is freed, nothing stays due.
    site = isolation_site(city)
    isolated = disposed(city, Category.SUSPECTED, Disposition.ISOLATION, site=site)
    watched = disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    assert Site.objects.get(pk=site.pk).occupied == 1
    clock.shift(datetime.timedelta(hours=3))
    admin = act(city, "community_admin")
    for case in (isolated, watched):
        resident = Resident.objects.get(pk=case.resident.pk)
        resident_set_status(
            actor=admin, resident=resident, status=status, since=DAY, note="登记变更"
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.CLOSED and case.close_reason == reason
        assert case.closed_at == START + datetime.timedelta(hours=3)
        assert case.site_id is None and case.triage_due_since is None
        closed = CaseEvent.objects.get(case=case, kind=EventKind.CLOSED)
        assert (closed.by_id, closed.at, closed.to_value, closed.reason) == (
            admin.user_id,
            case.closed_at,
            reason,
            "登记变更",
        )
        assert not FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE).exists()
    assert Site.objects.get(pk=site.pk).occupied == 0
    assert FollowUp.objects.filter(case=watched, status=FollowUpStatus.CANCELLED).count() == 28


def test_a_resident_away_keeps_their_case(city: TinyCity) -> None:
    case = triaged(city, Category.FEBRILE)
    resident = Resident.objects.get(pk=case.resident.pk)
    resident_set_status(
        actor=act(city, "community_admin"),
        resident=resident,
        status=ResidentStatus.AWAY,
        since=DAY,
        note="滞留外地",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_closed_case_takes_no_more_decisions(city: TinyCity) -> None:
    case = disposed(city, Category.CLEARED, Disposition.RELEASED)
    refused(
        lambda: case_assess(
            actor=act(city, "health_worker"), case=case, category=Category.FEBRILE, reason="x"
        ),
        "status",
        "closed",
    )
    refused(
        lambda: case_disposition_set(
            actor=act(city, "community_admin"),
            case=case,
            disposition=Disposition.FEVER_CLINIC,
            reason="x",
        ),
        "status",
        "closed",
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_openings_for_one_person_at_the_same_moment_make_one_case() -> None:
    with time_machine.travel(START, tick=False):
        tc = build_tiny_city()
        resident = person(tc.inside)
        actors = [act(tc, "grid_worker"), act(tc, "health_worker")] * 3
        results = in_threads(
            [
                functools.partial(
                    case_open, actor=a, resident=resident, origin=Origin.CALL, note="同时来电"
                )
                for a in actors
            ]
        )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({case.pk for case, _created in results}) == 1
    assert sum(created for _case, created in results) == 1
    assert TriageCase.objects.filter(resident=resident).count() == 1
    case = TriageCase.objects.get(resident=resident)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.OPENED).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.FLAG_JOINED).count() == 5


def test_an_open_case_moves_with_the_resident(tiny_city: TinyCity) -> None:
    """A resident who moves household takes their open case and due follow-ups along: the new
    community's health centre and grid worker see them, the old ones no longer do."""
    from people.services import resident_move
    from triage.models import FollowUp, FollowUpStatus, TriageCase

    resident = tiny_city.inside.residents[0]  # a close contact in home observation (tiny city)
    case = TriageCase.objects.get(resident=resident, status="open")
    target = tiny_city.other_street.household
    resident_move(actor=ROOT, resident=resident, household=target, relation="other")
    case.refresh_from_db()
    assert (case.community_id, case.grid_id, case.building_id, case.household_id) == (
        target.community_id,
        target.grid_id,
        target.building_id,
        target.pk,
    )
    due = FollowUp.objects.filter(case=case, status=FollowUpStatus.DUE)
    assert due.exists() and set(due.values_list("community_id", flat=True)) == {target.community_id}
