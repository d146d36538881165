"""Members are told of a themed study they have not completed: once when it opens, once more
as it closes, and when their branch reminds them (those not started). A member who completed
it, and one whose organisation does not take part, are not told; nobody twice."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.models import Notification as Line
from outreach import study
from outreach.models import StudyProgramme
from outreach.notifying import study_reminders_tell
from outreach.tests.test_study_helpers import StudyWorld, build_study_world, study_all
from outreach.tests.test_study_services import _user_of
from testkit import TinyCity


def lines(user: User, programme: StudyProgramme) -> int:
    """The user's reminders of this programme (the tiny city has a sample programme too)."""
    return Line.objects.filter(
        recipient=user,
        kind=Kind.STUDY_REMINDER,
        link=reverse("party:programme", args=[programme.pk]),
    ).count()


@pytest.fixture
def world(tiny_city: TinyCity) -> StudyWorld:
    return build_study_world(tiny_city)


def test_members_who_have_not_completed_are_reminded_once_per_stage(world: StudyWorld) -> None:
    p = world.programme
    study_all(world, "a1")
    study_all(world, "a2", 1)
    outside = _user_of(world.tc.other_unit_member)
    assert study_reminders_tell() > 0
    assert study_reminders_tell() == 0
    assert lines(world.users["a1"], world.programme) == 0  # completed
    assert lines(world.users["a2"], world.programme) == 1  # started, not completed
    assert lines(world.users["a3"], world.programme) == 1
    assert lines(world.users["d1"], world.programme) == 1
    assert lines(outside, p) == 0
    link = reverse("party:programme", args=[p.pk])
    line = Notification.objects.get(recipient=world.users["a3"], link=link)
    assert line.params == {"title": p.title}
    # The last days: once more.
    last = datetime.datetime.combine(p.ends_on, datetime.time(10), timezone.get_current_timezone())
    with time_machine.travel(last, tick=False):
        study_reminders_tell()
        study_reminders_tell()
    assert lines(world.users["a3"], world.programme) == 2
    assert lines(world.users["a1"], world.programme) == 0


def test_a_branch_reminder_reaches_those_not_started(world: StudyWorld) -> None:
    study_all(world, "a2", 1)
    admin = actor_for_user(world.tc.users["community_admin"])
    study.reminder_send(actor=admin, programme=world.programme, org=world.branch)
    assert lines(world.users["a3"], world.programme) == 1
    assert lines(world.users["g1"], world.programme) == 1
    assert lines(world.users["a2"], world.programme) == 0  # started
    assert lines(world.users["s1"], world.programme) == 0  # another branch
