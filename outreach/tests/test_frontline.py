"""The frontline record's figures are what the source tables say: days deployed (per community,
over all of a person's accounts), hours served, care contacts made as carer, requests done and
duty shifts worked — checked against fixed numbers and against a recount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from care.models import CareAssignment, CareContact, ContactKind
from mobilisation.models import (
    Activity,
    ActivityParticipant,
    Deployment,
    DeploymentStatus,
    Shift,
    ShiftAssignment,
)
from outreach.frontline import frontline_record
from people.models import Person
from places.services import ancestor_columns
from service_requests.models import (
    Dispatch,
    DispatchKind,
    Level,
    RequestStatus,
    ServiceRequest,
)
from testkit import PASSWORD, TinyCity

pytestmark = pytest.mark.django_db


def _days_ago(n: int) -> dt.datetime:
    """Noon (Beijing) n local days ago: never straddles midnight whatever the time of day."""
    day = timezone.localdate() - dt.timedelta(days=n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def make_frontline_person(tc: TinyCity) -> tuple[Person, list[User]]:
    """The inside party member with two accounts and a little of everything on the front line."""
    person = tc.inside.member.person if tc.inside.member else Person.objects.create(name="x")
    password = make_password(PASSWORD)
    u1 = User.objects.create(
        username="fl-1", display_name=person.name, person=person, password=password
    )
    u2 = User.objects.create(
        username="fl-2", display_name=person.name, person=person, password=password
    )
    admin = tc.users["community_admin"]
    c, o = tc.inside.community, tc.other_street.community
    # Active at the inside community since 3 days ago (4 days counting today) …
    Deployment.objects.create(
        user=u1,
        community=c,
        community_path=c.path,
        status=DeploymentStatus.ACTIVE,
        requested_at=_days_ago(4),
        decided_at=_days_ago(3),
        decided_by=admin,
    )
    # … ended earlier at 【OST】 (requested 12 days ago, accepted 10, ended 6: 5 days) …
    Deployment.objects.create(
        user=u2,
        community=o,
        community_path=o.path,
        status=DeploymentStatus.ENDED,
        requested_at=_days_ago(12),
        decided_at=_days_ago(10),
        decided_by=admin,
        ended_at=_days_ago(6),
        ended_by=admin,
    )
    # … and a declined one that counts nothing.
    Deployment.objects.create(
        user=u2,
        community=c,
        community_path=c.path,
        status=DeploymentStatus.DECLINED,
        requested_at=_days_ago(20),
        decided_at=_days_ago(20),
        decided_by=admin,
    )
    # Shifts: one checked in and out (3 h), one only checked in, one removed, one never started.
    shift = Shift.objects.filter(community=c).first()
    assert shift is not None
    at_c = {
        "community": c,
        "community_path": c.path,
        "assigned_by": admin,
        "assigned_at": timezone.now(),
    }
    now = timezone.now()
    for user, extra in (
        (u1, {"checked_in_at": now, "checked_out_at": now, "hours": Decimal("3")}),
        (u2, {"checked_in_at": now}),
    ):
        ShiftAssignment.objects.create(
            **at_c,
            shift=shift,
            user=user,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            **extra,
        )
    other = Shift.objects.create(
        community=c,
        community_path=c.path,
        post=shift.post,
        starts_at=shift.starts_at + dt.timedelta(days=1),
        ends_at=shift.ends_at + dt.timedelta(days=1),
        needed=1,
        created_by=admin,
        created_at=now,
    )
    ShiftAssignment.objects.create(
        **at_c,
        shift=other,
        user=u1,
        starts_at=other.starts_at,
        ends_at=other.ends_at,
        checked_in_at=now,
        removed_at=now,
    )
    ShiftAssignment.objects.create(
        **at_c, shift=other, user=u2, starts_at=other.starts_at, ends_at=other.ends_at
    )
    activity = Activity.objects.filter(community=c).first()
    assert activity is not None
    ActivityParticipant.objects.create(
        community=c, community_path=c.path, activity=activity, user=u2, hours=Decimal("1.5")
    )
    # Care: two contacts made and a failed attempt.
    assignment = CareAssignment.objects.filter(household=tc.inside.household).first()
    assert assignment is not None
    cols = ancestor_columns(tc.inside.building)
    for user, kind in ((u1, ContactKind.PHONE), (u2, ContactKind.VISIT), (u1, ContactKind.FAILED)):
        CareContact.objects.create(
            **cols,
            household=tc.inside.household,
            assignment=assignment,
            carer=user,
            kind=kind,
            at=now,
        )
    # Requests: the inside request done by u1 (twice dispatched counts once); a cancelled
    # dispatch to u2 for another request counts nothing, nor one not yet done.
    done = ServiceRequest.objects.filter(resident=tc.inside.residents[1]).first()
    open_one = ServiceRequest.objects.filter(resident=tc.sibling.residents[1]).first()
    assert done is not None and open_one is not None
    ServiceRequest.objects.filter(pk=done.pk).update(status=RequestStatus.CLOSED)
    for req, user, status in (
        (done, u1, "active"),
        (done, u1, "active"),
        (done, u2, "cancelled"),
        (open_one, u2, "active"),
    ):
        Dispatch.objects.create(
            request=req,
            kind=DispatchKind.PEOPLE,
            level=Level.COMMUNITY,
            person=user,
            status=status,
            at=now,
            by=admin,
        )
    return person, [u1, u2]


def test_frontline_figures_equal_the_source_tables(tiny_city: TinyCity) -> None:
    person, users = make_frontline_person(tiny_city)
    actor = actor_for_user(tiny_city.users["district_admin"])
    r = frontline_record(actor=actor, person=person)
    assert sorted(r.user_ids) == sorted(u.pk for u in users)
    days = {d.community_id: d.days for d in r.deployments}
    assert days == {tiny_city.inside.community.pk: 4, tiny_city.other_street.community.pk: 5}
    assert r.deployment_days == 9
    assert [d.active for d in r.deployments if d.community_id == tiny_city.inside.community.pk]
    assert r.shift_hours == Decimal("3") and r.activity_hours == Decimal("1.5")
    assert r.hours == Decimal("4.5")
    assert r.care_contacts == 2
    assert r.requests_done == 1
    assert r.shifts_worked == 2

    # The same figures recounted straight from the tables.
    ids = [u.pk for u in users]
    assert (
        r.care_contacts
        == CareContact.objects.filter(carer_id__in=ids).exclude(kind="failed").count()
    )
    assert (
        r.shifts_worked
        == ShiftAssignment.objects.filter(user_id__in=ids, removed_at=None)
        .exclude(checked_in_at=None)
        .count()
    )
    hours = (
        ShiftAssignment.objects.filter(user_id__in=ids, removed_at=None).aggregate(h=Sum("hours"))[
            "h"
        ]
        or 0
    ) + (ActivityParticipant.objects.filter(user_id__in=ids).aggregate(h=Sum("hours"))["h"] or 0)
    assert r.hours == hours
    done_ids = {
        d.request_id
        for d in Dispatch.objects.filter(person_id__in=ids, status="active")
        if d.request.status in ("done", "closed")
    }
    assert r.requests_done == len(done_ids)
    today = timezone.localdate()
    recount = 0
    for d in Deployment.objects.filter(user_id__in=ids, status__in=["active", "ended"]):
        end = timezone.localdate(d.ended_at) if d.ended_at else today
        recount += (end - timezone.localdate(d.decided_at)).days + 1
    assert r.deployment_days == recount


def test_a_person_without_accounts_has_zero_figures(tiny_city: TinyCity) -> None:
    member = tiny_city.other_street.member
    assert member is not None
    r = frontline_record(
        actor=actor_for_user(tiny_city.users["district_admin"]), person=member.person
    )
    assert r.user_ids == [] and r.figures() == {
        "deployment_days": 0,
        "hours": 0,
        "care_contacts": 0,
        "requests_done": 0,
        "shifts_worked": 0,
    }


def test_the_record_is_a_handful_of_queries(
    tiny_city: TinyCity, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    person, _users = make_frontline_person(tiny_city)
    actor = actor_for_user(tiny_city.users["district_admin"])
    with django_assert_max_num_queries(16):
        frontline_record(actor=actor, person=person)
