"""Registering a community's or street's vehicles and the city's time targets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import clean_text, normalize_text, validate_phone
from places.models import Place, PlaceKind
from service_requests.error_codes import ServiceRequestsError
from service_requests.models import RequestCategory, SlaTarget, Vehicle
from service_requests.policies import TARGET_ROLES, VEHICLE_ROLES, may

SEATS_MAX = 60
# A target is at most a week (respond) and 30 days (done), in minutes.
RESPOND_MAX = 7 * 24 * 60
DONE_MAX = 30 * 24 * 60


def _holds_place(actor: Actor, place: Place) -> bool:
    return actor.is_superuser or any(
        g.place_id == place.pk for g in actor.place_grants(VEHICLE_ROLES)
    )


def _whole(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise field_error(field, _("Enter a whole number."), CoreError.INVALID) from None
    if not low <= number <= high:
        raise field_error(
            field,
            _("Between %(min)s and %(max)s.") % {"min": low, "max": high},
            CoreError.OUT_OF_RANGE,
        )
    return number


@transaction.atomic
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
    if not may(actor, VEHICLE_ROLES):
        raise NotAllowed(_("Only a community or street office registers vehicles."))
    if vehicle is not None and vehicle.pk:
        current = Vehicle.objects.for_actor(actor).select_for_update().filter(pk=vehicle.pk).first()
        if current is None or not _holds_place(actor, current.place):
            raise NotAllowed(_("Only the office the vehicle belongs to edits it."))
    else:
        current = None
    if place.kind not in (PlaceKind.COMMUNITY, PlaceKind.STREET) or not _holds_place(actor, place):
        raise field_error(
            "place",
            _("A vehicle belongs to your own community or street."),
            ServiceRequestsError.NOT_OWN_PLACE,
        )
    if current is not None and current.place_id != place.pk and current.dispatches.exists():
        raise field_error(
            "place",
            _("A vehicle that was booked keeps the place it belongs to."),
            ServiceRequestsError.BOOKED,
        )
    name = clean_text(name, max_length=60, truncate=True)
    if not name:
        raise field_error("name", _("Enter the vehicle's name or plate."), CoreError.REQUIRED)
    seats_n = _whole(seats, "seats", 1, SEATS_MAX)
    phone = ""
    if normalize_text(driver_phone):
        try:
            phone = validate_phone(driver_phone)
        except ValidationError as e:
            raise field_error("driver_phone", e.messages[0], e.code or CoreError.INVALID) from None
    if (
        Vehicle.objects.filter(place=place, name=name)
        .exclude(pk=current.pk if current is not None else None)
        .exists()
    ):
        raise field_error(
            "name", _("This place already has a vehicle with this name."), CoreError.DUPLICATE
        )
    row = current or Vehicle()
    row.place = place
    row.place_path = place.path
    row.name = name
    row.seats = seats_n
    row.driver_name = clean_text(driver_name, max_length=50, truncate=True)
    row.driver_phone = phone
    row.note = clean_text(note, max_length=200, truncate=True)
    row.is_active = bool(is_active)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise field_error(
            "name", _("This place already has a vehicle with this name."), CoreError.DUPLICATE
        ) from None
    return row


def _city_of(actor: Actor) -> int:
    for g in actor.place_grants(Role.CITY_ADMIN):
        assert g.place_id is not None
        return g.place_id
    if actor.is_superuser:
        city = Place.objects.filter(kind=PlaceKind.CITY).order_by("pk").first()
        if city is not None:
            return city.pk
    raise NotAllowed(_("Only the city office sets the time targets."))


@transaction.atomic
def sla_target_set(
    *, actor: Actor, category: str, respond_minutes: int, done_minutes: int
) -> SlaTarget:
    """The city admin sets one category's targets for their city (respond > 0, done ≥ respond);
    new requests use them, filed ones keep their clocks."""
    if not may(actor, TARGET_ROLES):
        raise NotAllowed(_("Only the city office sets the time targets."))
    city_id = _city_of(actor)
    if category not in RequestCategory.values:
        raise field_error("category", _("Choose what kind of help is needed."), CoreError.INVALID)
    respond = _whole(respond_minutes, "respond_minutes", 1, RESPOND_MAX)
    done = _whole(done_minutes, "done_minutes", 1, DONE_MAX)
    if done < respond:
        raise field_error(
            "done_minutes",
            _("The time to be done cannot be shorter than the time to respond."),
            ServiceRequestsError.BEFORE_RESPOND,
        )
    target, _created = SlaTarget.objects.update_or_create(
        city_id=city_id,
        category=category,
        defaults={
            "respond_minutes": respond,
            "done_minutes": done,
            "updated_by_id": actor.user_id or None,
        },
    )
    return target
