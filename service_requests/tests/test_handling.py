"""The office's transitions and who may make them; the resident's confirmation, rating and
reopening. A refused action changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from core.roles import Role
from people.models import Person
from service_requests.handling import (
    request_accept,
    request_close,
    request_confirm,
    request_done,
    request_note,
    request_reopen,
)
from service_requests.models import EventKind, RequestEvent, RequestStatus, ServiceRequest
from service_requests.rules import REOPEN_WINDOW
from service_requests.tests.test_filing import NOW, act, field_of, file_one
from testkit import TinyCity

MIN = datetime.timedelta(minutes=1)


def snapshot(request: ServiceRequest) -> tuple[object, ...]:
    row = ServiceRequest.objects.get(pk=request.pk)
    events = RequestEvent.objects.filter(request=request).count()
    return (row.status, row.level, row.responded_at, row.done_at, row.closed_at, row.rating, events)


def done_request(tc: TinyCity) -> ServiceRequest:
    request = file_one(tc, now=NOW)
    request_accept(actor=act(tc, "community_admin"), request=request, now=NOW + MIN)
    return request_done(actor=act(tc, "community_admin"), request=request, now=NOW + 30 * MIN)


def test_accept_then_done_then_confirm(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    office = act(tiny_city, "community_admin")
    request_accept(actor=office, request=request, now=NOW + 5 * MIN)
    assert request.status == RequestStatus.ACCEPTED
    assert request.responded_at == NOW + 5 * MIN
    request_done(actor=office, request=request, note="药已送到", now=NOW + 40 * MIN)
    assert request.status == RequestStatus.DONE
    assert request.done_at == NOW + 40 * MIN
    assert request.responded_at == NOW + 5 * MIN  # the first response stays
    request_confirm(actor=act(tiny_city, "resident"), request=request, rating=5, now=NOW + 60 * MIN)
    row = ServiceRequest.objects.get(pk=request.pk)
    assert (row.status, row.confirmed, row.rating) == (RequestStatus.CLOSED, True, 5)
    assert row.closed_at == NOW + 60 * MIN
    kinds = list(RequestEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds == ["filed", "accepted", "done", "confirmed"]


def test_wrong_state_is_a_status_error(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    office = act(tiny_city, "community_admin")
    request_accept(actor=office, request=request, now=NOW)
    before = snapshot(request)
    with pytest.raises(ValidationError) as e:
        request_accept(actor=office, request=request, now=NOW)
    assert field_of(e.value) == ["status"]
    with pytest.raises(ValidationError) as e:
        request_close(actor=office, request=request, note="不需要了", now=NOW)
    assert field_of(e.value) == ["status"]
    assert snapshot(request) == before


def test_done_without_accept_counts_as_response(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    request_done(actor=act(tiny_city, "community_admin"), request=request, now=NOW + MIN)
    assert request.responded_at == NOW + MIN


def test_other_community_admin_not_allowed_nothing_changed(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    other = User.objects.create(username="ost-community-admin")
    Grant.objects.create(
        user=other, role=Role.COMMUNITY_ADMIN, place=tiny_city.other_street.community
    )
    outsiders = [actor_for_user(other)] + [
        act(tiny_city, r) for r in ("street_admin", "grid_worker", "volunteer", "resident")
    ]
    before = snapshot(request)
    for actor in outsiders:
        with pytest.raises(NotAllowed):
            request_accept(actor=actor, request=request, now=NOW)
        with pytest.raises(NotAllowed):
            request_done(actor=actor, request=request, now=NOW)
    assert snapshot(request) == before


def test_notes_office_dispatched_person_and_resident(tiny_city: TinyCity) -> None:
    # The inside elder's sample request: the volunteer is dispatched to it.
    request = ServiceRequest.objects.get(resident=tiny_city.inside.residents[1])
    ServiceRequest.objects.filter(pk=request.pk).update(responded_at=None)
    request_note(actor=act(tiny_city, "volunteer"), request=request, text="下午到", public=True)
    request.refresh_from_db()
    assert request.responded_at is None  # a helper's note is not the office's response
    request_note(actor=act(tiny_city, "resident"), request=request, text="谢谢")
    with pytest.raises(NotAllowed):
        request_note(actor=act(tiny_city, "resident"), request=request, text="x", public=False)
    with pytest.raises(NotAllowed):
        request_note(actor=act(tiny_city, "property_staff"), request=request, text="x")
    request_note(
        actor=act(tiny_city, "community_admin"), request=request, text="内部", public=False
    )
    request.refresh_from_db()
    assert request.responded_at is not None
    with pytest.raises(ValidationError) as e:
        request_note(actor=act(tiny_city, "community_admin"), request=request, text=" ")
    assert field_of(e.value) == ["text"]
    notes = RequestEvent.objects.filter(request=request, kind=EventKind.NOTE)
    assert notes.count() == 3
    assert notes.filter(public=False).count() == 1


def test_close_without_confirmation_needs_a_note(tiny_city: TinyCity) -> None:
    request = done_request(tiny_city)
    office = act(tiny_city, "community_admin")
    with pytest.raises(ValidationError) as e:
        request_close(actor=office, request=request, note="")
    assert field_of(e.value) == ["note"]
    request_close(actor=office, request=request, note="联系不上居民")
    row = ServiceRequest.objects.get(pk=request.pk)
    assert (row.status, row.confirmed) == (RequestStatus.CLOSED, False)


def test_rating_without_confirmation_refused(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, now=NOW)
    request_accept(actor=act(tiny_city, "community_admin"), request=request, now=NOW)
    before = snapshot(request)
    with pytest.raises(ValidationError) as e:
        request_confirm(actor=act(tiny_city, "resident"), request=request, rating=4)
    assert field_of(e.value) == ["rating"]
    assert snapshot(request) == before
    assert ServiceRequest.objects.get(pk=request.pk).rating is None


def test_rating_out_of_range_and_others_may_not_confirm(tiny_city: TinyCity) -> None:
    request = done_request(tiny_city)
    before = snapshot(request)
    for bad in (0, 6, "abc"):
        with pytest.raises(ValidationError) as e:
            request_confirm(actor=act(tiny_city, "resident"), request=request, rating=bad)  # type: ignore[arg-type]
        assert field_of(e.value) == ["rating"]
    # The resident has a phone: the grid worker may not confirm for them.
    for role in ("grid_worker", "community_admin"):
        with pytest.raises(NotAllowed):
            request_confirm(actor=act(tiny_city, role), request=request)
    assert snapshot(request) == before


def test_grid_worker_confirms_for_resident_without_phone(tiny_city: TinyCity) -> None:
    Person.objects.filter(pk=tiny_city.inside.residents[0].person_id).update(phone="")
    request = done_request(tiny_city)
    request_confirm(actor=act(tiny_city, "grid_worker"), request=request)
    row = ServiceRequest.objects.get(pk=request.pk)
    assert row.confirmed and row.confirmed_by_id == tiny_city.users["grid_worker"].pk
    assert row.rating is None


def test_reopen_within_window(tiny_city: TinyCity) -> None:
    request = done_request(tiny_city)
    closed_at = NOW + 60 * MIN
    request_confirm(actor=act(tiny_city, "resident"), request=request, rating=2, now=closed_at)
    resident = act(tiny_city, "resident")
    with pytest.raises(ValidationError) as e:
        request_reopen(actor=resident, request=request, reason="", now=closed_at + MIN)
    assert field_of(e.value) == ["reason"]
    with pytest.raises(NotAllowed):
        request_reopen(
            actor=act(tiny_city, "community_admin"), request=request, reason="x", now=closed_at
        )
    later = closed_at + REOPEN_WINDOW - MIN
    request_reopen(actor=resident, request=request, reason="药买错了", now=later)
    row = ServiceRequest.objects.get(pk=request.pk)
    assert row.status == RequestStatus.NEW
    assert row.reopen_count == 1
    assert (row.responded_at, row.done_at, row.closed_at, row.rating) == (None, None, None, None)
    assert not row.confirmed
    assert row.respond_due_at == later + datetime.timedelta(minutes=120)  # medicine: 2 h
    assert row.done_due_at == later + datetime.timedelta(hours=24)


def test_reopen_after_window_refused(tiny_city: TinyCity) -> None:
    request = done_request(tiny_city)
    closed_at = NOW + 60 * MIN
    request_confirm(actor=act(tiny_city, "resident"), request=request, now=closed_at)
    before = snapshot(request)
    with pytest.raises(ValidationError) as e:
        request_reopen(
            actor=act(tiny_city, "resident"),
            request=request,
            reason="还没好",
            now=closed_at + REOPEN_WINDOW + MIN,
        )
    assert field_of(e.value) == ["status"]
    assert snapshot(request) == before
