"""Counters always equal a recount, and a report sent many times at once is stored once.

The concurrent tests run threads against PostgreSQL (each thread has its own connection and
transaction); on SQLite they are deselected, and the summary says so."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.selectors import actor_for_user
from core.actor import Actor
from health.counters import coverage_recount, coverage_recount_rows
from health.models import CoverageCount, HealthFlag, HealthReport
from health.reporting import ReportInput, health_reports_submit
from people.models import Person, Resident
from places.services import ancestor_columns
from testkit import TinyCity, build_tiny_city, in_threads, synthetic_id_number

MORNING = datetime.datetime(2026, 11, 24, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Beijing
DAY = datetime.date(2026, 11, 24)


def _more_residents(tc: TinyCity, n: int) -> list[Resident]:
    columns = ancestor_columns(tc.inside.building)
    out = []
    for i in range(n):
        person = Person.objects.create(name=f"居民{i}", id_number=synthetic_id_number())
        out.append(Resident.objects.create(person=person, household=tc.inside.household, **columns))
    return [*tc.inside.residents, *out]


def _counters() -> dict[tuple[int, str], tuple[int, int]]:
    return {
        (c.grid_id, c.slot): (c.reported, c.abnormal)
        for c in CoverageCount.objects.filter(day=DAY)
        if c.reported or c.abnormal
    }


def _report(resident: Resident, slot: str = "am", temp: str = "36.5", key: str | None = None):  # type: ignore[no-untyped-def]
    return ReportInput(
        resident_id=resident.pk,
        day=DAY,
        slot=slot,
        temperature=Decimal(temp),
        idempotency_key=key,
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_duplicate_submissions_at_the_same_moment_store_one_report() -> None:
    tc = build_tiny_city()
    actor = actor_for_user(tc.users["resident"])
    head = tc.inside.residents[0]
    with time_machine.travel(MORNING, tick=False):
        results = in_threads(
            [
                lambda: health_reports_submit(actor=actor, items=[_report(head, temp="38.0")])
                for _ in range(8)
            ]
        )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    ids = {(r.created + r.duplicates)[0].report_id for r in results}
    assert len(ids) == 1
    assert sum(len(r.created) for r in results) == 1
    assert HealthReport.objects.filter(resident=head).count() == 1
    assert _counters() == {(tc.inside.grid.pk, "am"): (1, 1)}
    assert HealthFlag.objects.filter(resident=head, status="open").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_same_idempotency_key_at_the_same_moment_stores_one_report() -> None:
    tc = build_tiny_city()
    actor = actor_for_user(tc.users["grid_worker"])
    head, spouse = tc.inside.residents
    with time_machine.travel(MORNING, tick=False):
        results = in_threads([_submitter(actor, r, "k-7") for r in [head, spouse] * 3])
    assert not [r for r in results if isinstance(r, Exception)]
    assert HealthReport.objects.count() == 1
    assert len({(r.created + r.duplicates)[0].report_id for r in results}) == 1
    assert _counters() == {(tc.inside.grid.pk, "am"): (1, 0)}


def _submitter(actor: Actor, resident: Resident, key: str) -> Callable[[], Any]:
    return lambda: health_reports_submit(actor=actor, items=[_report(resident, key=key)])


_submission = st.tuples(
    st.integers(min_value=0, max_value=11),  # which resident
    st.sampled_from(["am", "pm"]),
    st.sampled_from(["36.4", "36.9", "37.3", "38.5"]),
    st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"])),
)
_batches = st.lists(st.lists(_submission, min_size=1, max_size=6), min_size=1, max_size=6)


def _recount_matches(
    tc: TinyCity, actor: Actor, batches: list[list[Any]], concurrent: bool
) -> None:
    HealthReport.objects.all().delete()
    CoverageCount.objects.all().delete()
    HealthFlag.objects.all().delete()
    residents = tc.inside.residents  # set by the caller to twelve
    # 15:00 in Beijing would close the morning; 11:00 keeps both slots open.
    with time_machine.travel(MORNING + datetime.timedelta(hours=2), tick=False):
        jobs = [
            lambda b=b: health_reports_submit(
                actor=actor,
                items=[_report(residents[i], slot, temp, key) for i, slot, temp, key in b],
            )
            for b in batches
        ]
        results = in_threads(jobs) if concurrent else [job() for job in jobs]
    assert not [r for r in results if isinstance(r, Exception)], results
    recount = {k: v for k, v in coverage_recount_rows(DAY).items()}
    assert _counters() == recount
    # And the nightly recount has nothing to correct.
    assert coverage_recount(DAY) == {"changed": 0, "created": 0}
    # One row per (resident, slot): the model's promise, whatever the submissions were.
    assert HealthReport.objects.count() == len(
        set(HealthReport.objects.values_list("resident_id", "slot"))
    )


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=_batches)
def test_counters_equal_a_recount_after_random_submissions(batches: list[list[Any]]) -> None:
    tc = _CITY.get("tc") or _city()
    _recount_matches(tc, actor_for_user(tc.users["grid_worker"]), batches, concurrent=False)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=_batches)
def test_counters_equal_a_recount_after_random_concurrent_submissions(
    batches: list[list[Any]],
) -> None:
    tc = _CITY.get("tc") or _city()
    _recount_matches(tc, actor_for_user(tc.users["grid_worker"]), batches, concurrent=True)


_CITY: dict[str, TinyCity] = {}


def _city() -> TinyCity:
    tc = build_tiny_city()
    tc.inside.residents = _more_residents(tc, 10)
    _CITY["tc"] = tc
    return tc


@pytest.fixture(autouse=True)
def _forget_city() -> Any:
    # Each test has its own database state; the city is rebuilt per test, kept across examples.
    _CITY.clear()
    yield
    _CITY.clear()
