"""Joining by a building's code (issue 17 item 2): the person is proven by a text code to their
mobile number, found in the registry of the code's building (or community) by their name and the
last 6 characters of their ID number, and given an account with the resident role on their
household. Not found: a join request keeps everything they typed for the grid worker, who adds
them to the registry and confirms, or refuses with a reason.

Nothing here says whether a number already has an account."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grant, User
from accounts.recipients import users_with_role_on
from accounts.selectors import actor_forget
from core.error_codes import CoreError
from core.errors import field_error
from core.fields import index_of
from core.masking import mask_name
from core.roles import Role
from core.validators import normalize_line, normalize_name, normalize_text
from front_door.error_codes import FrontDoorError
from front_door.models import Join, JoinCode, JoinRequest, JoinRequestStatus
from notifications.codes import mobile_number
from notifications.kinds import Kind
from notifications.services import notify
from people.models import Person, Resident
from people.selectors import residents_matching
from places.models import PLACE_ORDER, Place, PlaceKind
from places.services import ancestor_columns

_LAST6 = re.compile(r"^[0-9]{5}[0-9X]$")
NOTE_MAX = 200


def join_code_open(token: str) -> JoinCode:
    """The current code behind a link, or a field error on "token" (unknown or revoked alike:
    the page says the same thing for both)."""
    code = (
        JoinCode.objects.select_related("place", "community", "place__parent")
        .filter(token=str(token or "")[:40], revoked_at__isnull=True)
        .first()
    )
    if code is None:
        raise field_error(
            "token",
            _("This code is no longer valid; ask your community for a new one."),
            FrontDoorError.TOKEN_UNKNOWN,
        )
    return code


def clean_id_last6(value: object) -> str:
    """The last 6 characters of an ID number as typed on a phone ("12345x", full-width digits):
    5 digits and a digit or X."""
    text = normalize_text(str(value or "")).replace(" ", "").upper()
    if not _LAST6.match(text):
        raise field_error(
            "id_last6",
            _("Enter the last 6 characters of your ID number: 6 digits, or 5 digits and X."),
            FrontDoorError.ID_LAST6,
        )
    return text


def join_buildings(code: JoinCode) -> list[Place]:
    """The buildings a person joining by this code chooses from (one for a building's code)."""
    if code.place.kind == PlaceKind.BUILDING:
        return [code.place]
    return list(
        Place.objects.filter(path__startswith=code.place.path, kind=PlaceKind.BUILDING).order_by(
            *PLACE_ORDER
        )
    )


def _building_for(code: JoinCode, building_id: object) -> Place:
    if code.place.kind == PlaceKind.BUILDING:
        return code.place
    try:
        pk = int(str(building_id or ""))
    except ValueError:
        pk = 0
    building = Place.objects.filter(
        pk=pk, kind=PlaceKind.BUILDING, path__startswith=code.place.path
    ).first()
    if building is None:
        raise field_error("building", _("Choose your building."), CoreError.REQUIRED)
    return building


@dataclass(frozen=True)
class JoinOutcome:
    """Either an account (found in the registry, logged in next) or a join request."""

    user: User | None = None
    request: JoinRequest | None = None
    created: bool = False


def resident_account(*, resident: Resident, phone: str, code: JoinCode | None) -> tuple[User, bool]:
    """The account of a resident joining: theirs when they have one (the phone added where it has
    none), else a new one (login: the mobile number where free; no password: they log in with a
    text code), with the resident role on their household. The person's row is locked, so two
    joins at once make one account. Returns the user and whether it is new."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=resident.person_id)
        user = User.objects.filter(person=person).order_by("pk").first()
        created = False
        if user is None:
            username = phone if not User.objects.filter(username=phone).exists() else ""
            username = username or f"r{secrets.token_hex(6)}"
            user = User(
                username=username,
                display_name=person.name,
                phone=phone,
                person=person,
            )
            user.set_unusable_password()
            user.save()
            created = True
        elif not user.is_active:
            raise field_error(
                "name",
                _("Your account is switched off; ask your community office."),
                FrontDoorError.ACCOUNT_OFF,
            )
        elif not user.phone:
            User.objects.filter(pk=user.pk).update(phone=phone)
            user.phone = phone
        if not Grant.objects.filter(
            user=user, role=Role.RESIDENT, household_id=resident.household_id
        ).exists():
            Grant.objects.create(user=user, role=Role.RESIDENT, household_id=resident.household_id)
        if code is not None:
            Join.objects.get_or_create(
                code=code,
                user=user,
                defaults={"created_account": created, "created_at": timezone.now()},
            )
    actor_forget(user.pk)
    return user, created


def join_submit(
    *,
    token: str,
    phone: str,
    name: str,
    id_last6: str,
    building_id: object = None,
    room: str = "",
    note: str = "",
) -> JoinOutcome:
    """A person proven by a text code to own `phone` says who they are. Found in the registry of
    the code's place: their account. Not found (or the name found but not the ID digits): a join
    request with what they typed, or the one already waiting for this number and building."""
    code = join_code_open(token)
    number = mobile_number(phone)
    errors: dict[str, list[ValidationError]] = {}
    clean_name = last6 = ""
    building: Place | None = None
    try:
        clean_name = normalize_name(name)
    except ValidationError as e:
        errors["name"] = e.error_list
    try:
        last6 = clean_id_last6(id_last6)
    except ValidationError as e:
        errors.update(e.error_dict)
    try:
        building = _building_for(code, building_id)
    except ValidationError as e:
        errors.update(e.error_dict)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    assert building is not None
    matches = residents_matching(place_path=code.place.path, name=clean_name, id_last6=last6)
    if len(matches) == 1:
        user, created = resident_account(resident=matches[0], phone=number, code=code)
        return JoinOutcome(user=user, created=created)
    return JoinOutcome(
        request=join_request_file(
            code=code,
            building=building,
            phone=number,
            name=clean_name,
            id_last6=last6,
            room=normalize_line(room)[:40],
            note=normalize_line(note)[:NOTE_MAX],
        )
    )


def join_request_file(
    *,
    code: JoinCode,
    building: Place,
    phone: str,
    name: str,
    id_last6: str,
    room: str,
    note: str,
) -> JoinRequest:
    """A new join request, told to the building's grid worker and the community admin; the one
    already waiting for this number and building when there is one (nothing new is added)."""
    waiting = JoinRequest.objects.filter(
        phone_hash=index_of("phone", phone), building=building, status=JoinRequestStatus.PENDING
    ).first()
    if waiting is not None:
        return waiting
    columns = ancestor_columns(building)
    columns.pop("building_id")
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(
                code=code,
                building=building,
                phone=phone,
                name=name,
                id_last6=id_last6,
                room=room,
                note=note,
                created_at=timezone.now(),
                **columns,
            )
    except IntegrityError:  # the same number, at the same moment
        waiting = JoinRequest.objects.filter(
            phone_hash=index_of("phone", phone),
            building=building,
            status=JoinRequestStatus.PENDING,
        ).first()
        assert waiting is not None
        return waiting
    told = users_with_role_on([request.grid_id], {Role.GRID_WORKER}) + users_with_role_on(
        [request.community_id], {Role.COMMUNITY_ADMIN}
    )
    notify(
        Kind.JOIN_REQUEST,
        told,
        {"name": mask_name(name), "place": building.name},
        dedupe_key=f"join-request:{request.pk}",
        link=reverse("front_door:join_request", args=[request.pk]),
    )
    return request


def join_request_latest(*, code: JoinCode, phone: str) -> JoinRequest | None:
    """The newest join request of this number under the code's place: what the person sees when
    they come back with the same link."""
    return (
        JoinRequest.objects.select_related("building")
        .filter(phone_hash=index_of("phone", phone), building__path__startswith=code.place.path)
        .order_by("-created_at", "-pk")
        .first()
    )
