"""A carer is told of their overdue care contacts: one inbox line a day with the count, from
the morning on; the job run twice (or every ten minutes) adds nothing; a carer with nothing
overdue is not told."""

from __future__ import annotations

import datetime

import time_machine

from care.notifying import care_overdue_tell
from care.tasks import care_tick
from care.tests.helpers import assign, household_with
from core.roles import Role
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tests.helpers import lines
from testkit import TinyCity

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, 0, tzinfo=BEIJING)


def test_a_carer_is_told_once_a_day_of_overdue_contacts(tiny_city: TinyCity) -> None:
    cadre = tiny_city.users[Role.CADRE]
    volunteer = tiny_city.users[Role.VOLUNTEER]
    with time_machine.travel(at(2, 10), tick=False) as clock:
        assign(tiny_city, household_with(tiny_city.inside.building), phone=1, visit=0)
        assert care_overdue_tell() == 0  # due today, not overdue
        clock.move_to(at(3, 7))
        assert care_overdue_tell() == 0  # not in the night
        clock.move_to(at(3, 9))
        care_tick()
        care_tick()
        assert lines(cadre, Kind.CARE_OVERDUE) == 1
        line = Notification.objects.get(recipient=cadre, kind=Kind.CARE_OVERDUE)
        assert line.params == {"count": "1"}
        assert line.link == "/care/mine/?show=overdue"
        assert lines(volunteer, Kind.CARE_OVERDUE) == 0
        clock.move_to(at(4, 9))  # still not called: another day, another line
        care_tick()
        care_tick()
        assert lines(cadre, Kind.CARE_OVERDUE) == 2
