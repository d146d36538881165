"""Requests tell people through the inbox: the street when a request is passed up to it, the
level holding a request when its done clock runs out, and the resident of their own request's
progress. Each once: a job run twice adds nothing."""

from __future__ import annotations

import datetime

from core.roles import Role
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.tests.helpers import lines, user_with
from service_requests.escalation import escalations_due_run, request_escalate
from service_requests.handling import request_accept
from service_requests.notifying import requests_overdue_tell
from service_requests.tasks import requests_tick
from service_requests.tests.test_escalation import clear_samples
from service_requests.tests.test_filing import NOW, act, file_one
from testkit import TinyCity

MIN = datetime.timedelta(minutes=1)


def test_a_clock_that_ran_out_tells_the_street_once(tiny_city: TinyCity) -> None:
    clear_samples()
    other_street = user_with(Role.STREET_ADMIN, place=tiny_city.other_street.street)
    street = tiny_city.users[Role.STREET_ADMIN]
    request = file_one(tiny_city, category="urgent_trip", now=NOW)
    assert escalations_due_run(NOW + 30 * MIN) == 1
    assert lines(street, Kind.REQUEST_ESCALATED) == 1
    line = Notification.objects.get(recipient=street, kind=Kind.REQUEST_ESCALATED)
    assert line.params == {"number": f"#{request.pk}", "level": "street"}
    assert line.link == f"/requests/{request.pk}/"
    assert lines(other_street) == 0
    assert lines(tiny_city.users[Role.COMMUNITY_ADMIN], Kind.REQUEST_ESCALATED) == 0
    # Run again (and the whole tick): nothing new.
    escalations_due_run(NOW + 31 * MIN)
    requests_tick(NOW + 32 * MIN)
    assert lines(street, Kind.REQUEST_ESCALATED) == 1


def test_an_overdue_request_tells_the_level_holding_it_once(tiny_city: TinyCity) -> None:
    clear_samples()
    other_street = user_with(Role.STREET_ADMIN, place=tiny_city.other_street.street)
    street = tiny_city.users[Role.STREET_ADMIN]
    request = file_one(tiny_city, category="urgent_trip", now=NOW)  # done within 120 min
    admin = act(tiny_city, Role.COMMUNITY_ADMIN)
    request_accept(actor=admin, request=request, now=NOW + 2 * MIN)
    request_escalate(actor=admin, request=request, reason="没有车辆", now=NOW + 5 * MIN)
    assert requests_overdue_tell(NOW + 119 * MIN) == 0
    assert lines(street, Kind.REQUEST_OVERDUE) == 0
    assert requests_tick(NOW + 120 * MIN)["overdue_told"] == 1
    assert lines(street, Kind.REQUEST_OVERDUE) == 1
    assert requests_tick(NOW + 125 * MIN)["overdue_told"] == 0
    assert lines(street, Kind.REQUEST_OVERDUE) == 1
    assert lines(other_street) == 0
    # The community no longer holds it: not told it is overdue.
    assert lines(tiny_city.users[Role.COMMUNITY_ADMIN], Kind.REQUEST_OVERDUE) == 0


def test_the_resident_reads_their_requests_progress(tiny_city: TinyCity) -> None:
    clear_samples()
    resident = tiny_city.users[Role.RESIDENT]
    neighbour = user_with(Role.RESIDENT, household=tiny_city.sibling.household)
    request = file_one(tiny_city, now=NOW)
    assert lines(resident, Kind.REQUEST_PROGRESS) == 0  # their own filing is not news
    request_accept(actor=act(tiny_city, Role.COMMUNITY_ADMIN), request=request, now=NOW + MIN)
    line = Notification.objects.get(recipient=resident, kind=Kind.REQUEST_PROGRESS)
    assert line.params == {"number": f"#{request.pk}", "status": "accepted"}
    assert line.link == f"/requests/{request.pk}/"
    assert lines(neighbour) == 0
    assert lines(tiny_city.users[Role.COMMUNITY_ADMIN], Kind.REQUEST_PROGRESS) == 0
    # A clock running out passes it up: the resident reads that too, once.
    escalations_due_run(NOW + 24 * 60 * MIN)
    escalations_due_run(NOW + 24 * 60 * MIN + MIN)
    assert lines(resident, Kind.REQUEST_PROGRESS) == 2
