"""Notices tell people through the inbox: a critical rumour the street's and district's admins
at once; a rectification due soon or overdue its place's admins and the person responsible,
once per stage; a published notice everyone in its places (staff granted inside, residents of
its households), in batches after the commit. Nobody outside is told; nobody twice."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from core.roles import Role
from notices.notifying import notice_published_tell, rectifications_due_tell
from notices.tasks import rectifications_due_periodic  # noqa: F401  (the schedule imports)
from notices.tests.test_opinion import _report
from notices.tests.test_publishing import publish
from notices.tests.test_supervision import _inspect, _rectify
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tests.helpers import lines, user_with
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def test_a_critical_rumour_tells_the_street_and_district_at_once(tiny_city: TinyCity) -> None:
    other_street = user_with(Role.STREET_ADMIN, place=tiny_city.other_street.street)
    _report(tiny_city, urgency="urgent")
    assert Notification.objects.filter(kind=Kind.RUMOUR_CRITICAL).count() == 0
    incident = _report(tiny_city, urgency="critical")
    for role in (Role.STREET_ADMIN, Role.DISTRICT_ADMIN):
        line = Notification.objects.get(recipient=tiny_city.users[role], kind=Kind.RUMOUR_CRITICAL)
        assert line.params == {"place": tiny_city.inside.community.name}
        assert line.link == f"/opinion/{incident.pk}/"
    assert lines(other_street) == 0
    assert lines(tiny_city.users[Role.COMMUNITY_ADMIN], Kind.RUMOUR_CRITICAL) == 0


def test_a_rectification_due_tells_its_place_once_per_stage(tiny_city: TinyCity) -> None:
    admin = tiny_city.users[Role.COMMUNITY_ADMIN]  # the place's admin and the one responsible
    elsewhere = user_with(Role.COMMUNITY_ADMIN, place=tiny_city.other_street.community)
    start = datetime.datetime(
        2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    with time_machine.travel(start, tick=False) as clock:
        r = _rectify(tiny_city, _inspect(tiny_city), datetime.date(2026, 3, 5))
        assert rectifications_due_tell() == 0  # three days ahead
        clock.move_to(start + datetime.timedelta(days=2))  # due tomorrow
        assert rectifications_due_tell() == 1
        assert rectifications_due_tell() == 0
        line = Notification.objects.get(recipient=admin, kind=Kind.RECTIFICATION_DUE)
        assert line.params == {"place": tiny_city.inside.community.name, "due": "2026-03-05"}
        assert line.link == f"/supervision/rectifications/{r.pk}/"
        clock.move_to(start + datetime.timedelta(days=4))  # overdue
        rectifications_due_tell()
        rectifications_due_tell()
    assert lines(admin, Kind.RECTIFICATION_DUE) == 2
    assert lines(elsewhere) == 0


def test_a_published_notice_tells_everyone_in_its_places_in_batches(
    tiny_city: TinyCity, django_capture_on_commit_callbacks: object
) -> None:
    resident = tiny_city.users[Role.RESIDENT]
    neighbour = user_with(Role.RESIDENT, household=tiny_city.sibling.household)
    far_resident = user_with(Role.RESIDENT, household=tiny_city.other_street.household)
    far_staff = user_with(Role.GRID_WORKER, place=tiny_city.other_street.grid)
    city_admin = tiny_city.users[Role.CITY_ADMIN]
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        notice = publish(
            tiny_city,
            role="street_admin",
            issuer=tiny_city.inside.street,
            targets=[tiny_city.inside.community],
        )
    assert len(callbacks) >= 1  # handed to the queue after the commit
    assert Notification.objects.filter(kind=Kind.NOTICE_PUBLISHED).count() == 0
    told = notice_published_tell(notice.pk, batch=2)
    inside = [
        tiny_city.users[r]
        for r in (
            Role.COMMUNITY_ADMIN,
            Role.GRID_WORKER,
            Role.BUILDING_HEAD,
            Role.HEALTH_WORKER,
            Role.CADRE,
            Role.VOLUNTEER,
            Role.PROPERTY_STAFF,
            Role.COMMUNITY_POLICE,
        )
    ] + [resident, neighbour]
    assert told == len(inside)
    for user in inside:
        assert lines(user, Kind.NOTICE_PUBLISHED) == 1, user
    line = Notification.objects.get(recipient=resident, kind=Kind.NOTICE_PUBLISHED)
    assert line.params == {"title": "全市通令"}
    assert line.link == f"/notices/{notice.pk}/"
    # The publisher, the offices above and the places outside are not told.
    for user in (tiny_city.users[Role.STREET_ADMIN], city_admin, far_resident, far_staff):
        assert lines(user, Kind.NOTICE_PUBLISHED) == 0
    assert notice_published_tell(notice.pk) == 0  # run again: nobody twice
