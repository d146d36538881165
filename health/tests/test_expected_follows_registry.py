""" "Should report" follows the registry within the day (issue 15 item 2): after an import, a new
resident, a move and a moved-out mark in the middle of the day, each grid's and community's
expected count equals a recount, and reported never passes expected."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db.models import Sum

from accounts.selectors import actor_for_user
from health.expected import expected_by_grid_slot
from health.models import CoverageCount
from health.reporting import ReportInput, health_reports_submit
from health.selectors import coverage
from people.models import Relation, ResidentStatus
from people.registry_import import run, services
from people.services import PersonData, resident_move, resident_register, resident_set_status
from people.tests.import_helpers import admin, new_id, row, xlsx
from testkit import ROOT, TinyCity, synthetic_id_number

NOON = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=datetime.UTC)  # 11:00 in Beijing
DAY = datetime.date(2026, 11, 24)


@pytest.fixture
def at_noon() -> Any:
    with time_machine.travel(NOON, tick=False) as t:
        yield t


def _stored() -> dict[tuple[int, str], tuple[int, int]]:
    return {
        (c.grid_id, c.slot): (c.expected, c.reported)
        for c in CoverageCount.objects.filter(day=DAY)
        if c.expected is not None
    }


def _assert_equals_recount() -> None:
    stored = _stored()
    recount = expected_by_grid_slot({g for g, _s in stored}, DAY)
    assert {k: e for k, (e, _r) in stored.items()} == recount
    assert all(r <= e for e, r in stored.values()), stored


def _community_expected(tc: TinyCity) -> int:
    total = CoverageCount.objects.filter(
        community_id=tc.inside.community.pk, day=DAY, slot="am"
    ).aggregate(e=Sum("expected"))["e"]
    return int(total or 0)


def _grid_expected(grid_id: int) -> int:
    return CoverageCount.objects.get(grid_id=grid_id, day=DAY, slot="am").expected or 0


@pytest.mark.django_db
def test_expected_follows_add_move_moved_out_and_import(
    tiny_city: TinyCity, at_noon: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tc = tiny_city
    office = actor_for_user(tc.users["city_admin"])
    worker = actor_for_user(tc.users["grid_worker"])
    coverage(office, tc.city, DAY)  # the morning's counters, as the first page view makes them
    start = _community_expected(tc)
    head, spouse = tc.inside.residents
    health_reports_submit(
        actor=worker,
        items=[
            ReportInput(resident_id=r.pk, day=DAY, slot="am", temperature=Decimal("36.5"))
            for r in (head, spouse)
        ],
    )
    _assert_equals_recount()

    # Added during the day: one more should report.
    newcomer = resident_register(
        actor=admin(tc),
        household=tc.inside.household,
        data=PersonData(name="王新来", id_number=synthetic_id_number(), relation=Relation.CHILD),
    )
    assert _community_expected(tc) == start + 1
    _assert_equals_recount()

    # The newcomer moves to the sibling grid's household: this grid is back, that one gains.
    resident_move(
        actor=ROOT,
        resident=newcomer,
        household=tc.sibling.household,
        relation=Relation.OTHER,
    )
    # (The sibling grid is in the same community: the community's figure holds, the grids move.)
    assert _community_expected(tc) == start + 1
    assert _grid_expected(tc.inside.grid.pk) == 2 and _grid_expected(tc.sibling.grid.pk) >= 1
    _assert_equals_recount()

    # The head moved out after reporting: still counted for today's morning (they reported),
    # so the percentage stays at most 100 %.
    resident_set_status(actor=admin(tc), resident=head, status=ResidentStatus.MOVED_OUT, since=DAY)
    _assert_equals_recount()
    figures = coverage(office, tc.inside.grid, DAY).total.slots["am"]
    assert figures.reported <= figures.expected

    # An import registers three more in the grid.
    content = xlsx(
        [
            row(name=name, id_number=new_id(born=datetime.date(1990, 1, i + 1)))
            for i, name in enumerate(("甲一", "甲二", "甲三"))
        ]
    )
    ri = services.import_preview(
        actor=admin(tc), community=tc.inside.community, file_name="名单.xlsx", content=content
    )
    with django_capture_on_commit_callbacks(execute=False):
        services.import_confirm(actor=admin(tc), registry_import=ri)
    run.import_run(ri.pk)
    _assert_equals_recount()
    figures = coverage(office, tc.inside.community, DAY).total.slots["am"]
    assert figures.expected == _community_expected(tc)
    assert figures.reported <= figures.expected


@pytest.mark.django_db
def test_a_report_by_someone_away_raises_expected_with_it(
    tiny_city: TinyCity, at_noon: Any
) -> None:
    tc = tiny_city
    office = actor_for_user(tc.users["city_admin"])
    head, spouse = tc.inside.residents
    resident_set_status(actor=admin(tc), resident=spouse, status=ResidentStatus.AWAY, since=DAY)
    coverage(office, tc.city, DAY)
    health_reports_submit(
        actor=actor_for_user(tc.users["grid_worker"]),
        items=[
            ReportInput(resident_id=r.pk, day=DAY, slot="am", temperature=Decimal("36.5"))
            for r in (head, spouse)
        ],
    )
    _assert_equals_recount()
