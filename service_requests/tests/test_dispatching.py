"""Dispatching: a vehicle is never booked twice for overlapping slots (adjacent ones are fine),
supplies never beyond the stock, people only helpers of the level's place; cancelling frees
the slot and puts the goods back. On PostgreSQL, two offices racing for the last slot or the last
boxes: exactly one wins."""

from __future__ import annotations

import datetime
import functools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Grant, User
from core.errors import NotAllowed
from core.roles import Role
from service_requests.dispatching import (
    dispatch_cancel,
    dispatch_people,
    dispatch_supplies,
    dispatch_vehicle,
)
from service_requests.escalation import request_escalate
from service_requests.handling import request_accept, request_done
from service_requests.models import (
    Dispatch,
    DispatchStatus,
    EventKind,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Vehicle,
)
from service_requests.tests.test_filing import act, field_of, file_one
from supplies.models import MovementKind, Stock, StockMovement
from testkit import TinyCity, build_tiny_city, in_threads

HOUR = datetime.timedelta(hours=1)


def slot_base() -> datetime.datetime:
    """Tomorrow 06:00 UTC (14:00 in Beijing), a time any test may book."""
    now = timezone.now()
    return (now + datetime.timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)


def community_vehicle(tc: TinyCity) -> Vehicle:
    return Vehicle.objects.get(place=tc.inside.community)


def community_stock(tc: TinyCity) -> Stock:
    return Stock.objects.get(place=tc.inside.community)


def book(tc: TinyCity, request: ServiceRequest, start: datetime.datetime, hours: int = 1):  # type: ignore[no-untyped-def]
    return dispatch_vehicle(
        actor=act(tc, "community_admin"),
        request=request,
        vehicle=community_vehicle(tc),
        slot_start=start,
        slot_end=start + hours * HOUR,
    )


def test_vehicle_booked_and_request_dispatched(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, category="urgent_trip")
    dispatch = book(tiny_city, request, slot_base())
    request.refresh_from_db()
    assert request.status == RequestStatus.DISPATCHED
    assert request.responded_at is not None
    assert dispatch.driver_name == "王师傅"  # the vehicle's usual driver
    event = RequestEvent.objects.get(request=request, kind=EventKind.DISPATCHED)
    assert event.public
    assert "甲社区保障车" in event.text and "14:00" in event.text  # Beijing time
    assert "王师傅" not in event.text  # no staff personal data for the resident


def test_double_booking_refused_nothing_changed(tiny_city: TinyCity) -> None:
    start = slot_base()
    first = file_one(tiny_city)
    second = file_one(tiny_city)
    book(tiny_city, first, start, hours=2)
    events = RequestEvent.objects.filter(request=second).count()
    for offset in (0, 1, -1):  # same, inside, overlapping the start
        with pytest.raises(ValidationError) as e:
            book(tiny_city, second, start + offset * HOUR, hours=2 if offset >= 0 else 1 + 1)
        assert field_of(e.value) == ["vehicle"]
        assert "14:00" in str(e.value)  # the clash, in Beijing time
    second.refresh_from_db()
    assert second.status == RequestStatus.NEW
    assert not Dispatch.objects.filter(request=second).exists()
    assert RequestEvent.objects.filter(request=second).count() == events


def test_adjacent_slots_allowed(tiny_city: TinyCity) -> None:
    start = slot_base()
    book(tiny_city, file_one(tiny_city), start, hours=2)
    book(tiny_city, file_one(tiny_city), start + 2 * HOUR)
    book(tiny_city, file_one(tiny_city), start - HOUR)
    vehicle = community_vehicle(tiny_city)
    assert Dispatch.objects.filter(vehicle=vehicle, status=DispatchStatus.ACTIVE).count() == 3


def test_cancelled_booking_frees_the_slot(tiny_city: TinyCity) -> None:
    start = slot_base()
    first, second = file_one(tiny_city), file_one(tiny_city)
    dispatch = book(tiny_city, first, start)
    office = act(tiny_city, "community_admin")
    with pytest.raises(ValidationError) as e:
        dispatch_cancel(actor=office, dispatch=dispatch, reason="")
    assert field_of(e.value) == ["reason"]
    dispatch_cancel(actor=office, dispatch=dispatch, reason="居民自行前往")
    first.refresh_from_db()
    assert first.status == RequestStatus.ACCEPTED  # nothing active is left
    book(tiny_city, second, start)
    with pytest.raises(ValidationError) as e:
        dispatch_cancel(actor=office, dispatch=dispatch, reason="again")
    assert field_of(e.value) == ["status"]


def test_vehicle_rules(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    office = act(tiny_city, "community_admin")
    start = slot_base()
    street_vehicle = Vehicle.objects.get(place=tiny_city.inside.street)
    other_vehicle = Vehicle.objects.get(place=tiny_city.other_street.community)
    for vehicle in (street_vehicle, other_vehicle):
        with pytest.raises(ValidationError) as e:
            dispatch_vehicle(
                actor=office,
                request=request,
                vehicle=vehicle,
                slot_start=start,
                slot_end=start + HOUR,
            )
        assert field_of(e.value) == ["vehicle"]
    vehicle = community_vehicle(tiny_city)
    for s, end, field in [
        (start, start, "slot_end"),
        (start, start - HOUR, "slot_end"),
        (start, start + 13 * HOUR, "slot_end"),
        (start - 3 * 24 * HOUR, start - 2 * 24 * HOUR, "slot_end"),
        (start + 20 * 24 * HOUR, start + 20 * 24 * HOUR + HOUR, "slot_start"),
    ]:
        with pytest.raises(ValidationError) as e:
            dispatch_vehicle(
                actor=office, request=request, vehicle=vehicle, slot_start=s, slot_end=end
            )
        assert field_of(e.value) == [field]
    Vehicle.objects.filter(pk=vehicle.pk).update(is_active=False)
    with pytest.raises(ValidationError) as e:
        book(tiny_city, request, start)
    assert field_of(e.value) == ["vehicle"]
    assert not Dispatch.objects.filter(request=request).exists()


def test_street_uses_its_own_vehicle_once_escalated(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    request_escalate(actor=act(tiny_city, "community_admin"), request=request, reason="没有车")
    start = slot_base()
    with pytest.raises(NotAllowed):
        book(tiny_city, request, start)  # the community no longer holds it
    dispatch_vehicle(
        actor=act(tiny_city, "street_admin"),
        request=request,
        vehicle=Vehicle.objects.get(place=tiny_city.inside.street),
        slot_start=start,
        slot_end=start + HOUR,
    )
    with pytest.raises(ValidationError) as e:
        dispatch_vehicle(
            actor=act(tiny_city, "street_admin"),
            request=request,
            vehicle=community_vehicle(tiny_city),
            slot_start=start + 2 * HOUR,
            slot_end=start + 3 * HOUR,
        )
    assert field_of(e.value) == ["vehicle"]


def test_only_the_office_dispatches_and_only_open_requests(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    for role in ("street_admin", "grid_worker", "resident", "volunteer"):
        with pytest.raises(NotAllowed):
            dispatch_people(
                actor=act(tiny_city, role),
                request=request,
                person_user_id=tiny_city.users["cadre"].pk,
            )
    office = act(tiny_city, "community_admin")
    request_accept(actor=office, request=request)
    request_done(actor=office, request=request)
    with pytest.raises(ValidationError) as e:
        book(tiny_city, request, slot_base())
    assert field_of(e.value) == ["status"]
    assert not Dispatch.objects.filter(request=request).exists()


def test_people_need_a_helper_grant_of_the_place(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city)
    office = act(tiny_city, "community_admin")
    outsider = User.objects.create(username="ost-volunteer")
    Grant.objects.create(user=outsider, role=Role.VOLUNTEER, place=tiny_city.other_street.community)
    for user in (
        outsider,
        tiny_city.users["health_worker"],
        tiny_city.users["resident"],
        tiny_city.users["street_admin"],
    ):
        with pytest.raises(ValidationError) as e:
            dispatch_people(actor=office, request=request, person_user_id=user.pk)
        assert field_of(e.value) == ["person"]
    assert not Dispatch.objects.filter(request=request).exists()
    # A grid worker of the community and a cadre are helpers; nobody twice.
    dispatch_people(actor=office, request=request, person_user_id=tiny_city.users["grid_worker"].pk)
    dispatch_people(actor=office, request=request, person_user_id=tiny_city.users["cadre"].pk)
    with pytest.raises(ValidationError) as e:
        dispatch_people(actor=office, request=request, person_user_id=tiny_city.users["cadre"].pk)
    assert field_of(e.value) == ["person"]
    assert Dispatch.objects.filter(request=request).count() == 2
    # The helper now sees the request.
    assert ServiceRequest.objects.for_actor(act(tiny_city, "cadre")).filter(pk=request.pk).exists()


def test_supplies_taken_from_stock_and_returned_on_cancel(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, category="food")
    stock = community_stock(tiny_city)
    start = stock.quantity
    office = act(tiny_city, "community_admin")
    dispatch = dispatch_supplies(actor=office, request=request, stock=stock, quantity=3)
    stock.refresh_from_db()
    assert stock.quantity == start - 3
    assert dispatch.movement is not None
    assert dispatch.movement.kind == MovementKind.DISPATCH
    assert dispatch.movement.note == f"#{request.pk}"
    dispatch_cancel(actor=office, dispatch=dispatch, reason="送错了")
    stock.refresh_from_db()
    assert stock.quantity == start
    assert sum(StockMovement.objects.filter(stock=stock).values_list("delta", flat=True)) == start


def test_supplies_beyond_stock_refused_stock_unchanged(tiny_city: TinyCity) -> None:
    request = file_one(tiny_city, category="food")
    stock = community_stock(tiny_city)
    start = stock.quantity
    movements = StockMovement.objects.count()
    office = act(tiny_city, "community_admin")
    for quantity, field in [(start + 1, "quantity"), (0, "quantity"), (201, "quantity")]:
        with pytest.raises(ValidationError) as e:
            dispatch_supplies(actor=office, request=request, stock=stock, quantity=quantity)
        assert field_of(e.value) == [field]
    # The street's stock is not the community's to send.
    street_stock = Stock.objects.get(place=tiny_city.inside.street)
    with pytest.raises(ValidationError) as e:
        dispatch_supplies(actor=office, request=request, stock=street_stock, quantity=1)
    assert field_of(e.value) == ["stock"]
    assert Stock.objects.get(pk=stock.pk).quantity == start
    assert StockMovement.objects.count() == movements
    assert not Dispatch.objects.filter(request=request).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def test_resident_cancel_returns_supplies(tiny_city: TinyCity) -> None:
    from service_requests.filing import request_cancel

    request = file_one(tiny_city, category="food")
    stock = community_stock(tiny_city)
    start = stock.quantity
    dispatch_supplies(
        actor=act(tiny_city, "community_admin"), request=request, stock=stock, quantity=5
    )
    book(tiny_city, request, slot_base())
    request_cancel(actor=act(tiny_city, "resident"), request=request, reason="不需要了")
    assert Stock.objects.get(pk=stock.pk).quantity == start
    assert not Dispatch.objects.filter(request=request, status=DispatchStatus.ACTIVE).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_offices_booking_the_last_overlapping_slot() -> None:
    tc = build_tiny_city()
    requests = [file_one(tc), file_one(tc)]
    start = slot_base()
    offices = [act(tc, "community_admin"), act(tc, "community_admin")]
    vehicle = community_vehicle(tc)
    results = in_threads(
        [
            functools.partial(
                dispatch_vehicle,
                actor=offices[i],
                request=requests[i],
                vehicle=vehicle,
                slot_start=start + i * datetime.timedelta(minutes=30),
                slot_end=start + HOUR + i * datetime.timedelta(minutes=30),
            )
            for i in range(2)
        ]
    )
    won = [r for r in results if isinstance(r, Dispatch)]
    lost = [r for r in results if not isinstance(r, Dispatch)]
    assert len(won) == 1
    assert len(lost) == 1 and isinstance(lost[0], ValidationError), lost
    assert field_of(lost[0]) == ["vehicle"]
    assert Dispatch.objects.filter(vehicle=vehicle, status=DispatchStatus.ACTIVE).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_offices_taking_the_last_boxes() -> None:
    tc = build_tiny_city()
    stock = community_stock(tc)
    Stock.objects.filter(pk=stock.pk).update(quantity=5)
    StockMovement.objects.create(
        stock=stock,
        place_path=stock.place_path,
        kind=MovementKind.ADJUSTMENT,
        delta=5 - stock.quantity,
        balance=5,
        at=timezone.now(),
        by=tc.users["community_admin"],
        note="test",
    )
    requests = [file_one(tc, category="food"), file_one(tc, category="food")]
    results = in_threads(
        [
            functools.partial(
                dispatch_supplies,
                actor=act(tc, "community_admin"),
                request=requests[i],
                stock=Stock.objects.get(pk=stock.pk),
                quantity=4,
            )
            for i in range(2)
        ]
    )
    won = [r for r in results if isinstance(r, Dispatch)]
    lost = [r for r in results if not isinstance(r, Dispatch)]
    assert len(won) == 1
    assert len(lost) == 1 and isinstance(lost[0], ValidationError), lost
    assert field_of(lost[0]) == ["quantity"]
    assert Stock.objects.get(pk=stock.pk).quantity == 1
    assert Dispatch.objects.filter(request__in=requests).count() == 1
