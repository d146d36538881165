"""Triage tells people through the inbox: the health centre of this slot's follow-ups, whoever
must chase an overdue slot (the grid worker, then the health centre), and the offices of a
case waiting for triage or a bed. The periodic tick run twice tells nobody twice."""

from __future__ import annotations

import datetime
from typing import Any

from core.roles import Role
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tests.helpers import lines, user_with
from testkit import TinyCity
from triage.models import Category, Disposition, FollowUp
from triage.notifying import cases_waiting_tell, follow_ups_due_tell
from triage.tasks import triage_tick
from triage.tests import test_cases as shared
from triage.tests.test_cases import DAY, beijing, disposed, opened

city, clock = shared.city, shared.clock
D = datetime.timedelta


def only_inside_grid(tc: TinyCity) -> None:
    """The samples put a close contact in every chain: keep the follow-ups of the inside grid
    only, so the other places have nothing due."""
    FollowUp.objects.exclude(grid=tc.inside.grid).delete()


def test_the_health_centre_is_told_of_each_slots_follow_ups_once(
    city: TinyCity, clock: Any
) -> None:
    worker = city.users[Role.HEALTH_WORKER]
    elsewhere = user_with(Role.HEALTH_WORKER, place=city.other_district.community)
    only_inside_grid(city)
    disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    assert follow_ups_due_tell() == 1
    line = Notification.objects.get(recipient=worker, kind=Kind.FOLLOW_UP_DUE)
    assert line.params["slot"] == "am" and int(line.params["count"]) >= 1
    assert follow_ups_due_tell() == 0
    triage_tick()
    assert lines(worker, Kind.FOLLOW_UP_DUE) == 1
    assert lines(elsewhere, Kind.FOLLOW_UP_DUE) == 0
    # The afternoon is another slot: told again, once.
    clock.move_to(beijing(DAY, 12, 5))
    triage_tick()
    triage_tick()
    assert lines(worker, Kind.FOLLOW_UP_DUE) == 2


def test_an_overdue_slot_tells_the_grid_worker_then_the_health_centre(
    city: TinyCity, clock: Any
) -> None:
    grid = city.users[Role.GRID_WORKER]
    centre = city.users[Role.HEALTH_WORKER]
    admin = city.users[Role.COMMUNITY_ADMIN]
    sibling_grid = user_with(Role.GRID_WORKER, place=city.sibling.grid)
    only_inside_grid(city)
    disposed(city, Category.CLOSE_CONTACT, Disposition.HOME_OBSERVATION)
    clock.move_to(beijing(DAY, 14, 1))  # the morning slot closed empty
    triage_tick()
    triage_tick()
    assert lines(grid, Kind.FOLLOW_UP_OVERDUE) == 1
    assert lines(centre, Kind.FOLLOW_UP_OVERDUE) == 0
    clock.move_to(beijing(DAY, 18, 2))  # still empty after the grace: the health centre
    triage_tick()
    triage_tick()
    assert lines(grid, Kind.FOLLOW_UP_OVERDUE) == 1
    assert lines(centre, Kind.FOLLOW_UP_OVERDUE) == 1
    assert lines(admin, Kind.FOLLOW_UP_OVERDUE) == 1
    assert lines(sibling_grid) == 0
    line = Notification.objects.get(recipient=centre, kind=Kind.FOLLOW_UP_OVERDUE)
    assert line.link.endswith("?tab=overdue")


def test_a_case_waiting_for_triage_or_a_bed_tells_its_offices_once(
    city: TinyCity, clock: Any
) -> None:
    centre = city.users[Role.HEALTH_WORKER]
    street = city.users[Role.STREET_ADMIN]
    elsewhere = user_with(Role.HEALTH_WORKER, place=city.other_street.community)
    other_street = user_with(Role.STREET_ADMIN, place=city.other_street.street)
    case = opened(city)
    assert cases_waiting_tell() >= 1
    line = Notification.objects.get(recipient=centre, kind=Kind.CASE_WAITING)
    assert line.params == {"place": city.inside.community.name, "step": "triage"}
    assert line.link == f"/triage/cases/{case.pk}/"
    assert lines(city.users[Role.COMMUNITY_ADMIN], Kind.CASE_WAITING) == 1
    assert lines(street, Kind.CASE_WAITING) == 0
    cases_waiting_tell()
    assert lines(centre, Kind.CASE_WAITING) == 1
    clock.shift(D(minutes=5))
    disposed(city, Category.SUSPECTED, Disposition.ISOLATION)  # waits for a bed
    triage_tick()
    triage_tick()
    bed = Notification.objects.get(recipient=street, kind=Kind.CASE_WAITING)
    assert bed.params["step"] == "bed"
    assert lines(elsewhere, Kind.CASE_WAITING) == 0
    assert lines(other_street, Kind.CASE_WAITING) == 0
