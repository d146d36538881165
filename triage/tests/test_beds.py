"""Beds and rooms: a full site refuses and nothing changes, releasing frees, moving on frees the
place left; `Site.occupied` always equals the open cases holding the site (recounted after
random sequences of operations); and on PostgreSQL, people taking the last beds at the same
moment: exactly as many win as there are beds."""

from __future__ import annotations

import datetime
import functools
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.errors import NotAllowed
from people.models import ResidentStatus
from people.services import resident_set_status
from testkit import TinyCity, build_tiny_city, in_threads
from triage.cases import case_open
from triage.decisions import bed_assign, case_assess, case_disposition_set
from triage.models import (
    BED_DISPOSITIONS,
    CaseEvent,
    CaseStatus,
    Category,
    Disposition,
    EventKind,
    Origin,
    Site,
    SiteKind,
    TriageCase,
)
from triage.sites import site_save
from triage.tests import test_cases as shared
from triage.tests.test_cases import (
    DAY,
    START,
    act,
    city_hospital,
    disposed,
    isolation_site,
    person,
    refused,
    triaged,
)

city, clock = shared.city, shared.clock


def _site(
    tc: TinyCity, capacity: int, kind: str = SiteKind.ISOLATION, name: str = "小隔离点"
) -> Site:
    return site_save(
        actor=act(tc, "street_admin"),
        site=None,
        kind=kind,
        name=name,
        place=tc.inside.street,
        capacity=capacity,
    )


def _waiting(tc: TinyCity, disposition: str = Disposition.ISOLATION) -> TriageCase:
    """A suspected case sent to an isolation site (or hospital), waiting for a place."""
    return disposed(tc, Category.SUSPECTED, disposition)


def assert_recount() -> None:
    """Every site's count equals the open cases holding it; nobody holds a place of the wrong
    kind or after the case closed; a person with a bed disposition either holds a place or
    waits in the transfer queue, never both."""
    for site in Site.objects.all():
        holders = TriageCase.objects.filter(site=site)
        assert site.occupied == holders.filter(status=CaseStatus.OPEN).count(), site
        assert site.occupied <= site.capacity
        assert not holders.exclude(status=CaseStatus.OPEN).exists()
        for case in holders:
            assert BED_DISPOSITIONS.get(Disposition(case.disposition)) == site.kind
    for case in TriageCase.objects.filter(status=CaseStatus.OPEN):
        if case.disposition in BED_DISPOSITIONS:
            assert (case.site_id is None) == (case.bed_wanted_since is not None), case
        else:
            assert case.site_id is None and case.bed_wanted_since is None, case


def test_a_bed_is_taken_and_the_timeline_says_so(city: TinyCity, clock: Any) -> None:
    case = _waiting(city)
    site = isolation_site(city)
    office = act(city, "street_admin")
    clock.shift(datetime.timedelta(minutes=50))
    bed_assign(actor=office, case=case, site=site)
    row = TriageCase.objects.get(pk=case.pk)
    assert row.site_id == site.pk and row.bed_wanted_since is None
    assert row.isolated_at == START + datetime.timedelta(minutes=50)
    assert Site.objects.get(pk=site.pk).occupied == 1
    event = CaseEvent.objects.get(case=case, kind=EventKind.BED_ASSIGNED)
    assert (event.by_id, event.at, event.to_value) == (
        office.user_id,
        row.isolated_at,
        str(site.pk),
    )
    assert_recount()


def test_a_full_site_refuses_and_nothing_changes(city: TinyCity) -> None:
    small = _site(city, 1)
    first, second = _waiting(city), _waiting(city)
    office = act(city, "community_admin")
    bed_assign(actor=office, case=first, site=small)
    refused(lambda: bed_assign(actor=office, case=second, site=small), "site", "full")
    # Sent there directly with the disposition: refused as a whole, the disposition too.
    third = triaged(city, Category.SUSPECTED)
    refused(
        lambda: case_disposition_set(
            actor=office, case=third, disposition=Disposition.ISOLATION, site=small
        ),
        "site",
        "full",
    )
    # Releasing frees the room: the next person takes it.
    case_disposition_set(
        actor=office, case=first, disposition=Disposition.HOSPITAL, reason="病情加重"
    )
    assert Site.objects.get(pk=small.pk).occupied == 0
    bed_assign(actor=office, case=second, site=small)
    assert Site.objects.get(pk=small.pk).occupied == 1
    assert_recount()


def test_a_site_not_taking_people_refuses(city: TinyCity) -> None:
    small = _site(city, 5)
    site_save(
        actor=act(city, "street_admin"),
        site=small,
        kind=small.kind,
        name=small.name,
        place=small.place,
        capacity=5,
        is_active=False,
    )
    case = _waiting(city)
    refused(
        lambda: bed_assign(actor=act(city, "street_admin"), case=case, site=small), "site", "full"
    )


def test_moving_from_isolation_to_hospital_frees_the_room(city: TinyCity, clock: Any) -> None:
    room, hospital = isolation_site(city), city_hospital(city)
    case = disposed(city, Category.SUSPECTED, Disposition.ISOLATION, site=room)
    assert Site.objects.get(pk=room.pk).occupied == 1
    clock.shift(datetime.timedelta(days=1))
    office = act(city, "street_admin")
    case_disposition_set(
        actor=office,
        case=case,
        disposition=Disposition.HOSPITAL,
        reason="确诊前转定点医院",
        site=hospital,
    )
    row = TriageCase.objects.get(pk=case.pk)
    assert row.site_id == hospital.pk
    assert (Site.objects.get(pk=room.pk).occupied, Site.objects.get(pk=hospital.pk).occupied) == (
        0,
        1,
    )
    assert row.isolated_at == START and row.hospitalised_at == START + datetime.timedelta(days=1)
    released = CaseEvent.objects.get(case=case, kind=EventKind.BED_RELEASED)
    assert (released.from_value, released.by_id, released.reason) == (
        str(room.pk),
        office.user_id,
        "确诊前转定点医院",
    )
    assert_recount()


def test_moving_between_two_isolation_sites_frees_the_first(city: TinyCity) -> None:
    room, other = isolation_site(city), _site(city, 3, name="第二隔离点")
    case = disposed(city, Category.CLOSE_CONTACT, Disposition.ISOLATION, site=room)
    bed_assign(actor=act(city, "street_admin"), case=case, site=other)
    assert (Site.objects.get(pk=room.pk).occupied, Site.objects.get(pk=other.pk).occupied) == (
        0,
        1,
    )
    refused(
        lambda: bed_assign(actor=act(city, "street_admin"), case=case, site=other),
        "site",
        "unchanged",
    )
    assert_recount()


def test_releasing_and_closing_free_the_place(city: TinyCity) -> None:
    room = isolation_site(city)
    released = disposed(city, Category.CLOSE_CONTACT, Disposition.ISOLATION, site=room)
    gone = disposed(city, Category.CLOSE_CONTACT, Disposition.ISOLATION, site=room)
    assert Site.objects.get(pk=room.pk).occupied == 2
    with time_machine.travel(START + datetime.timedelta(days=15), tick=False):
        case_disposition_set(
            actor=act(city, "community_admin"),
            case=released,
            disposition=Disposition.RELEASED,
            reason="隔离期满",
        )
    assert Site.objects.get(pk=room.pk).occupied == 1
    resident_set_status(
        actor=act(city, "community_admin"),
        resident=gone.resident,
        status=ResidentStatus.DECEASED,
        since=DAY,
    )
    assert Site.objects.get(pk=room.pk).occupied == 0
    assert_recount()


def test_the_wrong_kind_of_site_or_one_outside_the_area_is_refused(city: TinyCity) -> None:
    case = _waiting(city)
    office = act(city, "community_admin")
    refused(
        lambda: bed_assign(actor=office, case=case, site=city_hospital(city)), "site", "wrong_kind"
    )
    elsewhere = Site.objects.get(place=city.other_street.street, kind=SiteKind.ISOLATION)
    refused(lambda: bed_assign(actor=office, case=case, site=elsewhere), "site", "scope")
    home = disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    refused(
        lambda: bed_assign(actor=office, case=home, site=isolation_site(city)),
        "site",
        "no_bed_needed",
    )
    # Only the community and the street assign beds.
    for role in ("health_worker", "grid_worker", "district_admin", "city_admin"):
        shared.denied(
            functools.partial(
                bed_assign, actor=act(city, role), case=case, site=isolation_site(city)
            )
        )


# --- the count always equals a recount -----------------------------------------------------

PEOPLE = 4
_op = st.one_of(
    st.tuples(
        st.just("dispose"),
        st.integers(0, PEOPLE - 1),
        st.sampled_from(Disposition.values),
        st.sampled_from([None, 0, 1, 2]),
    ),
    st.tuples(st.just("assign"), st.integers(0, PEOPLE - 1), st.integers(0, 2)),
    st.tuples(st.just("open"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("assign"), st.integers(0, PEOPLE - 1), st.integers(0, 2)),
    st.tuples(st.just("dispose"), st.integers(0, PEOPLE - 1), st.just("isolation"), st.just(1)),
    st.tuples(st.sampled_from(["gone", "back"]), st.integers(0, PEOPLE - 1)),
    st.tuples(st.sampled_from(["capacity", "active"]), st.integers(0, 2), st.integers(0, 3)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(_op, min_size=1, max_size=14))
def test_occupied_always_equals_a_recount(city: TinyCity, ops: list[tuple[Any, ...]]) -> None:
    office, clinician = act(city, "street_admin"), act(city, "health_worker")
    registry = act(city, "community_admin")
    with transaction.atomic():
        sites = [
            _site(city, 1, name="一号隔离点"),
            _site(city, 2, name="二号隔离点"),
            _site(city, 1, SiteKind.HOSPITAL, name="街道医院"),
        ]
        people = [person(city.inside, f"居民{i}") for i in range(PEOPLE)]

        for op in ops:
            kind = op[0]
            try:
                if kind in ("open", "dispose", "assign"):
                    # A person with no open case (and still living here) gets one first.
                    case, _created = case_open(
                        actor=registry, resident=people[op[1]], origin=Origin.CALL, note="来电"
                    )
                    if not case.category:
                        case_assess(actor=clinician, case=case, category=Category.FEBRILE)
                    if kind == "open":
                        pass
                    elif kind == "dispose":
                        site = sites[op[3]] if op[3] is not None else None
                        case_disposition_set(
                            actor=office, case=case, disposition=op[2], reason="调整", site=site
                        )
                    else:
                        site = sites[op[2]]
                        wanted = {v: k for k, v in BED_DISPOSITIONS.items()}[site.kind]
                        if case.disposition != wanted:
                            case = case_disposition_set(
                                actor=office, case=case, disposition=wanted, reason="需要床位"
                            )
                        bed_assign(actor=office, case=case, site=site)
                elif kind in ("gone", "back"):
                    people[op[1]].refresh_from_db()
                    resident_set_status(
                        actor=registry,
                        resident=people[op[1]],
                        status=ResidentStatus.MOVED_OUT
                        if kind == "gone"
                        else ResidentStatus.PRESENT,
                        since=DAY if kind == "gone" else None,
                    )
                    people[op[1]].refresh_from_db()
                else:
                    site = Site.objects.get(pk=sites[op[1]].pk)
                    site_save(
                        actor=office,
                        site=site,
                        kind=site.kind,
                        name=site.name,
                        place=site.place,
                        capacity=op[2] if kind == "capacity" else site.capacity,
                        is_active=bool(op[2]) if kind == "active" else site.is_active,
                    )
            except (ValidationError, NotAllowed):
                event(f"{kind} refused")
            else:
                event(f"{kind} done")
            assert_recount()
        transaction.set_rollback(True)


# --- the last bed on PostgreSQL ------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("takers", "free"), [(2, 1), (8, 3)])
def test_people_taking_the_last_beds_at_the_same_moment(takers: int, free: int) -> None:
    with time_machine.travel(START, tick=False):
        tc = build_tiny_city()
        site = _site(tc, free)
        cases = [_waiting(tc) for _ in range(takers)]
        offices = [act(tc, "street_admin"), act(tc, "community_admin")]
        results = in_threads(
            [
                functools.partial(bed_assign, actor=offices[i % 2], case=case, site=site)
                for i, case in enumerate(cases)
            ]
        )
    won = [r for r in results if isinstance(r, TriageCase)]
    lost = [r for r in results if not isinstance(r, TriageCase)]
    assert len(won) == free
    # The others are told the site is full (no database error, no deadlock).
    assert all(isinstance(r, ValidationError) for r in lost), lost
    assert all(r.error_dict["site"][0].code == "full" for r in lost)
    site.refresh_from_db()
    assert site.occupied == free == TriageCase.objects.filter(site=site).count()
    # The losers are still in the transfer queue, with nothing recorded.
    for case in cases:
        row = TriageCase.objects.get(pk=case.pk)
        holds = row.site_id == site.pk
        assert holds == (row.bed_wanted_since is None)
        assert CaseEvent.objects.filter(case=case, kind=EventKind.BED_ASSIGNED).count() == holds
    assert_recount()
