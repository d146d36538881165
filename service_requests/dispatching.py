"""Sending resources for a request: a vehicle for a slot (never booked twice for overlapping
slots), people (helpers of the community or street), supplies from stock (never more than is
there). The office of the request's level dispatches its own resources."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grant
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from places.models import Place
from service_requests.error_codes import ServiceRequestsError
from service_requests.models import (
    Dispatch,
    DispatchKind,
    DispatchStatus,
    EventKind,
    RequestStatus,
    ServiceRequest,
    Vehicle,
)
from service_requests.policies import DISPATCHABLE_ROLES, handles
from service_requests.rules import BOOK_AHEAD_MAX, SLOT_MAX, SUPPLIES_PER_DISPATCH_MAX
from service_requests.timeline import event_add, request_lock, responded
from supplies.models import MovementKind, Stock

NOTE_MAX = 200


def _open_for_dispatch(actor: Actor, request: ServiceRequest) -> None:
    """Lock the request; only its office dispatches, and only while it is open."""
    request_lock(request)
    if not handles(actor, request):
        raise NotAllowed(_("Only the office that holds this request sends help for it."))
    if not request.is_open:
        raise field_error("status", _("This request is no longer open."), CoreError.WRONG_STATUS)


def _by(actor: Actor) -> int:
    if not actor.user_id:
        raise NotAllowed(_("Log in as a person to send help."))
    return actor.user_id


def _level_place_id(request: ServiceRequest) -> int:
    return int(getattr(request, f"{request.level}_id"))


def _dispatched(
    actor: Actor, request: ServiceRequest, dispatch: Dispatch, text: str, now: datetime.datetime
) -> Dispatch:
    dispatch.save()
    fields = responded(request, now)
    if request.status in (RequestStatus.NEW, RequestStatus.ACCEPTED):
        request.status = RequestStatus.DISPATCHED
        fields.append("status")
    if fields:
        request.save(update_fields=[*fields, "updated_at"])
    event_add(request, EventKind.DISPATCHED, actor, text=text, at=now)
    return dispatch


def _local(moment: datetime.datetime, fmt: str = "%m-%d %H:%M") -> str:
    """A time as the city reads it (Beijing time)."""
    return timezone.localtime(moment).strftime(fmt)


def _slot_text(start: datetime.datetime, end: datetime.datetime) -> str:
    if timezone.localdate(start) == timezone.localdate(end):
        return f"{_local(start)}–{_local(end, '%H:%M')}"
    return f"{_local(start)}–{_local(end)}"


@transaction.atomic
def dispatch_vehicle(
    *,
    actor: Actor,
    request: ServiceRequest,
    vehicle: Vehicle,
    slot_start: datetime.datetime,
    slot_end: datetime.datetime,
    driver_name: str = "",
    note: str = "",
) -> Dispatch:
    """Book `vehicle` for [slot_start, slot_end). Locks the vehicle row, then refuses an
    overlapping active booking (field "vehicle"), a slot that ends before it starts or is longer
    than SLOT_MAX (field "slot_end"), a vehicle not in the actor's scope or out of service."""
    now = timezone.now()
    _open_for_dispatch(actor, request)
    if slot_start is None:
        raise field_error("slot_start", _("Say when the vehicle is needed."), CoreError.REQUIRED)
    if slot_end is None or slot_end <= slot_start:
        raise field_error("slot_end", _("The slot must end after it starts."), CoreError.ORDER)
    if slot_end - slot_start > SLOT_MAX:
        hours = int(SLOT_MAX.total_seconds() // 3600)
        raise field_error(
            "slot_end",
            _("A slot is at most %(hours)s hours long.") % {"hours": hours},
            CoreError.TOO_LONG,
        )
    if slot_end <= now:
        raise field_error("slot_end", _("This slot has already ended."), CoreError.PAST)
    if slot_start > now + BOOK_AHEAD_MAX:
        raise field_error(
            "slot_start",
            _("A vehicle is booked at most %(days)s days ahead.") % {"days": BOOK_AHEAD_MAX.days},
            ServiceRequestsError.TOO_FAR,
        )
    locked = Vehicle.objects.for_actor(actor).select_for_update().filter(pk=vehicle.pk).first()
    if locked is None or locked.place_id != _level_place_id(request):
        raise field_error(
            "vehicle",
            _("Choose one of this office's own vehicles."),
            ServiceRequestsError.NOT_OWN_VEHICLE,
        )
    if not locked.is_active:
        raise field_error("vehicle", _("This vehicle is out of service."), CoreError.INACTIVE)
    clash = (
        Dispatch.objects.filter(
            vehicle_id=locked.pk,
            status=DispatchStatus.ACTIVE,
            slot_start__lt=slot_end,
            slot_end__gt=slot_start,
        )
        .order_by("slot_start")
        .first()
    )
    if clash is not None:
        assert clash.slot_start is not None and clash.slot_end is not None
        raise field_error(
            "vehicle",
            _("This vehicle is already booked %(slot)s (Beijing time); choose another time.")
            % {"slot": _slot_text(clash.slot_start, clash.slot_end)},
            ServiceRequestsError.BOOKED,
        )
    dispatch = Dispatch(
        request=request,
        kind=DispatchKind.VEHICLE,
        level=request.level,
        vehicle=locked,
        driver_name=clean_text(driver_name, max_length=50, truncate=True) or locked.driver_name,
        slot_start=slot_start,
        slot_end=slot_end,
        note=clean_text(note, max_length=NOTE_MAX, truncate=True),
        at=now,
        by_id=_by(actor),
    )
    text = _("A vehicle %(name)s is coming at %(time)s.") % {
        "name": locked.name,
        "time": _slot_text(slot_start, slot_end),
    }
    return _dispatched(actor, request, dispatch, text, now)


def _user_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise field_error("person", _("Choose the person to send."), CoreError.REQUIRED) from None


@transaction.atomic
def dispatch_people(
    *, actor: Actor, request: ServiceRequest, person_user_id: int, note: str = ""
) -> Dispatch:
    """Send a helper (a user with a DISPATCHABLE_ROLES grant in the request's community, or in
    its street when the street handles it); they then see the request and its resident."""
    now = timezone.now()
    _open_for_dispatch(actor, request)
    user_id = _user_id(person_user_id)
    place = _level_place_id(request)
    place_path = Place.objects.filter(pk=place).values_list("path", flat=True).first() or ""
    helper = Grant.objects.filter(
        user_id=user_id,
        user__is_active=True,
        role__in=DISPATCHABLE_ROLES,
        place__path__startswith=place_path,
    ).exists()
    if not place_path or not helper:
        raise field_error(
            "person",
            _("This person is not a helper of this community or street."),
            ServiceRequestsError.NOT_HELPER,
        )
    if Dispatch.objects.filter(
        request_id=request.pk, person_id=user_id, status=DispatchStatus.ACTIVE
    ).exists():
        raise field_error(
            "person", _("This person is already sent for this request."), ServiceRequestsError.TWICE
        )
    dispatch = Dispatch(
        request=request,
        kind=DispatchKind.PEOPLE,
        level=request.level,
        person_id=user_id,
        note=clean_text(note, max_length=NOTE_MAX, truncate=True),
        at=now,
        by_id=_by(actor),
    )
    return _dispatched(actor, request, dispatch, _("A helper is on the way."), now)


def _quantity(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error("quantity", _("Enter a whole number."), CoreError.INVALID) from None
    if not 1 <= number <= SUPPLIES_PER_DISPATCH_MAX:
        raise field_error(
            "quantity",
            _("Send between 1 and %(max)s at a time.") % {"max": SUPPLIES_PER_DISPATCH_MAX},
            CoreError.OUT_OF_RANGE,
        )
    return number


@transaction.atomic
def dispatch_supplies(
    *, actor: Actor, request: ServiceRequest, stock: Stock, quantity: int, note: str = ""
) -> Dispatch:
    """Take `quantity` from `stock` (of the actor's level) through the supplies ledger
    (supplies.stock.stock_take with kind DISPATCH); more than is in stock is refused (field
    "quantity"), nothing changed."""
    from supplies.stock import stock_take

    now = timezone.now()
    _open_for_dispatch(actor, request)
    number = _quantity(quantity)
    own = Stock.objects.for_actor(actor).filter(pk=stock.pk, place_id=_level_place_id(request))
    if not own.exists():
        raise field_error(
            "stock", _("Choose a stock of this office."), ServiceRequestsError.NOT_OWN_STOCK
        )
    movement = stock_take(
        actor=actor,
        stock=stock,
        quantity=number,
        kind=MovementKind.DISPATCH,
        note=f"#{request.pk}",
    )
    dispatch = Dispatch(
        request=request,
        kind=DispatchKind.SUPPLIES,
        level=request.level,
        movement=movement,
        note=clean_text(note, max_length=NOTE_MAX, truncate=True),
        at=now,
        by_id=_by(actor),
    )
    item = stock.item
    text = _("%(quantity)s %(unit)s of %(item)s sent.") % {
        "quantity": number,
        "unit": item.unit,
        "item": item.name,
    }
    return _dispatched(actor, request, dispatch, text, now)


def _on_behalf(actor: Actor) -> Actor:
    """The ledger's actor for goods put back: the person who cancelled (the service checked that
    they may), allowed to move the stock even when it is not their place's (the resident, or the
    street cancelling what the community sent)."""
    return dataclasses.replace(actor, is_superuser=True)


def dispatch_release(
    *,
    actor: Actor,
    request: ServiceRequest,
    dispatch: Dispatch,
    reason: str,
    now: datetime.datetime,
) -> None:
    """Cancel one active dispatch of a LOCKED request whose permission the caller checked: the
    slot is free again, supplies go back to their stock."""
    from supplies.stock import stock_return

    dispatch.status = DispatchStatus.CANCELLED
    dispatch.cancelled_at = now
    dispatch.save(update_fields=["status", "cancelled_at"])
    if dispatch.kind == DispatchKind.SUPPLIES and dispatch.movement is not None:
        stock_return(
            actor=_on_behalf(actor),
            movement=dispatch.movement,
            note=_("Request #%(id)s: dispatch cancelled") % {"id": request.pk},
        )
    if dispatch.kind == DispatchKind.VEHICLE and dispatch.vehicle is not None:
        what = _("The vehicle %(name)s is not coming.") % {"name": dispatch.vehicle.name}
    elif dispatch.kind == DispatchKind.PEOPLE:
        what = _("The helper sent earlier is not coming.")
    else:
        what = _("The supplies sent earlier were taken back.")
    event_add(request, EventKind.DISPATCH_CANCELLED, actor, text=what, at=now)
    if reason:
        event_add(request, EventKind.NOTE, actor, text=reason, public=False, at=now)


@transaction.atomic
def dispatch_cancel(*, actor: Actor, dispatch: Dispatch, reason: str) -> Dispatch:
    """Cancel an active dispatch: the vehicle slot is free again; supplies go back to the stock
    (a reversing ledger movement)."""
    now = timezone.now()
    request = request_lock(dispatch.request)
    if not handles(actor, request):
        raise NotAllowed(_("Only the office that holds this request cancels what was sent."))
    locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if locked.status != DispatchStatus.ACTIVE:
        raise field_error(
            "status", _("This dispatch is already cancelled."), CoreError.WRONG_STATUS
        )
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    if not reason:
        raise field_error("reason", _("Say why it is cancelled."), CoreError.REQUIRED)
    dispatch_release(actor=actor, request=request, dispatch=locked, reason=reason, now=now)
    if (
        request.status == RequestStatus.DISPATCHED
        and not Dispatch.objects.filter(
            request_id=request.pk, status=DispatchStatus.ACTIVE
        ).exists()
    ):
        request.status = RequestStatus.ACCEPTED
        request.save(update_fields=["status", "updated_at"])
    for f in Dispatch._meta.concrete_fields:
        setattr(dispatch, f.attname, getattr(locked, f.attname))
    return dispatch


@transaction.atomic
def dispatches_release_person(
    *, actor: Actor, user_id: int, community_id: int, note: str, now: datetime.datetime
) -> int:
    """A helper leaves the community (their deployment ended): each active person-dispatch of
    theirs for an open request of that community is cancelled with a timeline event, and a
    request left with nothing sent goes back to "accepted", so its office sees it needs someone
    else. The caller checked the permission (mobilisation.deployments.deployment_end). Returns how
    many were released."""
    rows = list(
        Dispatch.objects.filter(
            kind=DispatchKind.PEOPLE,
            person_id=user_id,
            status=DispatchStatus.ACTIVE,
            request__community_id=community_id,
        ).values_list("pk", "request_id")
    )
    reason = clean_text(note, max_length=NOTE_MAX, truncate=True)
    released = 0
    for dispatch_id, request_id in rows:
        request = request_lock(ServiceRequest(pk=request_id))
        locked = Dispatch.objects.select_for_update().get(pk=dispatch_id)
        if locked.status != DispatchStatus.ACTIVE:
            continue
        dispatch_release(actor=actor, request=request, dispatch=locked, reason=reason, now=now)
        released += 1
        if (
            request.status == RequestStatus.DISPATCHED
            and not Dispatch.objects.filter(
                request_id=request.pk, status=DispatchStatus.ACTIVE
            ).exists()
        ):
            request.status = RequestStatus.ACCEPTED
            request.save(update_fields=["status", "updated_at"])
    return released
