"""An unwell worker on today's roster: the community's and the street's admins are told once
(the job run twice adds nothing); a worker unwell but not on the roster tells nobody; another
street's admin hears nothing."""

from __future__ import annotations

import datetime as dt

import time_machine

from core.roles import Role
from mobilisation import roster
from mobilisation.notifying import unwell_on_roster_tell
from mobilisation.tests.roster_helpers import admin, health, local_at, new_post, new_shift
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tests.helpers import lines, user_with
from testkit import TinyCity

DAY = dt.date(2026, 3, 2)


def test_an_unwell_worker_on_todays_roster_is_told_to_the_admins_once(
    tiny_city: TinyCity,
) -> None:
    community_admin = tiny_city.users[Role.COMMUNITY_ADMIN]
    street_admin = tiny_city.users[Role.STREET_ADMIN]
    other_street = user_with(Role.STREET_ADMIN, place=tiny_city.other_street.street)
    cadre = tiny_city.users[Role.CADRE]
    with time_machine.travel(local_at(DAY, 8), tick=False):
        shift = new_shift(new_post(tiny_city), tiny_city, local_at(DAY, 14))
        roster.shift_assign(actor=admin(tiny_city), shift=shift, user_id=cadre.pk)
        health(tiny_city.users[Role.VOLUNTEER], tiny_city.inside.community, DAY, fit=False)
        assert unwell_on_roster_tell() == 0  # the volunteer is not on the roster
        health(cadre, tiny_city.inside.community, DAY, fit=False)
        assert unwell_on_roster_tell() == 2
        assert unwell_on_roster_tell() == 0
    line = Notification.objects.get(recipient=community_admin, kind=Kind.UNWELL_ON_ROSTER)
    assert line.params == {"name": cadre.display_name, "place": tiny_city.inside.community.name}
    assert line.link == "/duty/roster/?day=2026-03-02"
    assert lines(street_admin, Kind.UNWELL_ON_ROSTER) == 1
    assert lines(other_street) == 0
    assert lines(tiny_city.users[Role.DISTRICT_ADMIN], Kind.UNWELL_ON_ROSTER) == 0
