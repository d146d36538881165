"""Sending resources for a request: a vehicle for a slot (never booked twice for overlapping
slots), people (helpers of the community or street), supplies from stock (never more than is
there). The office of the request's level dispatches its own resources."""

from __future__ import annotations

import datetime

from core.actor import Actor
from service_requests.models import Dispatch, ServiceRequest, Vehicle
from supplies.models import Stock


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
    raise NotImplementedError


def dispatch_people(
    *, actor: Actor, request: ServiceRequest, person_user_id: int, note: str = ""
) -> Dispatch:
    """Send a helper (a user with a DISPATCHABLE_ROLES grant in the request's community, or in
    its street when the street handles it); they then see the request and its resident."""
    raise NotImplementedError


def dispatch_supplies(
    *, actor: Actor, request: ServiceRequest, stock: Stock, quantity: int, note: str = ""
) -> Dispatch:
    """Take `quantity` from `stock` (of the actor's level) through the supplies ledger
    (supplies.stock.stock_take with kind DISPATCH); more than is in stock is refused (field
    "quantity"), nothing changed."""
    raise NotImplementedError


def dispatch_cancel(*, actor: Actor, dispatch: Dispatch, reason: str) -> Dispatch:
    """Cancel an active dispatch: the vehicle slot is free again; supplies go back to the stock
    (a reversing ledger movement)."""
    raise NotImplementedError
