"""Completion of a programme: members / started / completed / not started at the city, district,
committee and branch levels and per unit equal a member-by-member recount; each office counts
only the members it sees; the list of those not started has names only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import actor_for_user
from outreach.study_selectors import completion, not_started, own_progress, recount
from outreach.tests.test_study_helpers import StudyWorld, build_study_world, study_all
from testkit import TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tiny_city: TinyCity) -> StudyWorld:
    w = build_study_world(tiny_city)
    study_all(w, "a1")  # complete
    study_all(w, "g1")  # complete, in a group under the branch
    study_all(w, "a2", 3)  # partial
    study_all(w, "s1", 1)  # partial, sibling branch
    study_all(w, "d1")  # complete, other district
    study_all(w, "u1", 2)  # partial, the unit
    return w


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert (a.members, a.started, a.completed) == (b.members, b.started, b.completed)


def test_city_totals_and_rows_equal_a_recount(world: StudyWorld) -> None:
    city = actor_for_user(world.tc.users["city_admin"])
    p = world.programme
    c = completion(city, p)
    _same(c.total, recount(city, p))
    # Members: committee: 张内0, a1-3, g1, 【SIB】邻居0, s1, s2 = 8; 【OST】: 人0, o1 = 2;
    # 【ODI】: 人0, d1, d2 = 3; unit: 干部, u1 = 2.
    assert (c.total.members, c.total.started, c.total.completed) == (15, 6, 3)
    by_org = {r.org_id: r for r in c.rows}
    _same(by_org[world.committee.pk], recount(city, p, world.committee))
    assert by_org[world.committee.pk].not_started == 8 - 4
    assert sum(r.members for r in c.rows) == c.total.members
    # Areas: the districts of the city; units: 【UNA】.
    assert sum(r.members for r in c.areas) == c.total.members
    district_row = next(r for r in c.areas if r.key == world.tc.inside.district.pk)
    assert (district_row.members, district_row.started, district_row.completed) == (12, 5, 2)
    (unit_row,) = c.units
    assert (unit_row.members, unit_row.started, unit_row.completed) == (2, 1, 0)


def test_drill_down_to_committee_and_branch(world: StudyWorld) -> None:
    city = actor_for_user(world.tc.users["city_admin"])
    p = world.programme
    c = completion(city, p, world.committee)
    _same(c.total, recount(city, p, world.committee))
    rows = {r.org_id: r for r in c.rows}
    assert set(rows) == {world.branch.pk, world.sibling_branch.pk}
    _same(rows[world.branch.pk], recount(city, p, world.branch))
    assert rows[world.branch.pk].drill  # the group below
    b = completion(city, p, world.branch)
    rows = {r.org_id: r for r in b.rows}
    assert (rows[world.branch.pk].members, rows[world.group.pk].members) == (4, 1)
    _same(b.total, recount(city, p, world.branch))
    names = [m.person.name for m in not_started(city, p, world.branch)]
    assert sorted(names) == ["党员甲三", "张内0"]


def test_each_office_counts_what_it_sees(world: StudyWorld) -> None:
    tc, p = world.tc, world.programme
    district = actor_for_user(tc.users["district_admin"])
    c = completion(district, p)
    _same(c.total, recount(district, p))
    assert c.total.members == 10 + 2  # district A's 10 + the unit registered at district A
    community = actor_for_user(tc.users["community_admin"])
    c = completion(community, p)
    assert (c.total.members, c.total.started, c.total.completed) == (8, 4, 2)
    assert "【ODI】" not in " ".join(r.label for r in c.rows + c.areas)
    unit = actor_for_user(tc.users["unit_admin"])
    c = completion(unit, p)
    assert (c.total.members, c.total.started) == (2, 1)
    odi = actor_for_user(tc.users["【ODI】_admin"])
    c = completion(odi, p)
    assert (c.total.members, c.total.started, c.total.completed) == (3, 1, 1)


def test_completion_is_a_fixed_number_of_queries(world: StudyWorld) -> None:
    city = actor_for_user(world.tc.users["city_admin"])
    with CaptureQueriesContext(connection) as few:
        completion(city, world.programme)
    for key in ("a3", "s2", "o1", "d2"):
        study_all(world, key, 1)
    with CaptureQueriesContext(connection) as more:
        completion(city, world.programme)
    assert len(more) == len(few) <= 8


def test_own_progress(world: StudyWorld) -> None:
    assert (own_progress(world.actor("a2"), world.programme).studied, 8) == (3, 8)
    assert own_progress(world.actor("a1"), world.programme).complete
    assert own_progress(world.actor("a3"), world.programme).percent == 0
