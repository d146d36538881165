"""Registering a community's or street's vehicles and the city's time targets."""

from __future__ import annotations

from core.actor import Actor
from places.models import Place
from service_requests.models import SlaTarget, Vehicle


def vehicle_save(
    *,
    actor: Actor,
    vehicle: Vehicle | None,
    place: Place,
    name: str,
    seats: int = 4,
    driver_name: str = "",
    driver_phone: str = "",
    note: str = "",
    is_active: bool = True,
) -> Vehicle:
    """Register (vehicle None) or edit a vehicle of a community or street in the actor's scope
    (VEHICLE_ROLES); the place never changes once booked."""
    raise NotImplementedError


def sla_target_set(
    *, actor: Actor, category: str, respond_minutes: int, done_minutes: int
) -> SlaTarget:
    """The city admin sets one category's targets for their city (respond > 0, done ≥ respond);
    new requests use them, filed ones keep their clocks."""
    raise NotImplementedError
