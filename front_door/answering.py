"""Answering a join request (the grid worker of the building, the community's and street's
offices): confirm — the person is added to the registry through the registry's own services,
then given an account on their household — or refuse with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_text
from front_door.error_codes import FrontDoorError
from front_door.joining import resident_account
from front_door.models import JoinRequest, JoinRequestStatus
from notifications.kinds import Kind
from notifications.services import notify
from people import selectors as people_selectors
from people import services as people_services
from people.models import Relation
from places.models import Household


def _locked(actor: Actor, join_request: JoinRequest) -> JoinRequest:
    row = (
        JoinRequest.objects.for_actor(actor).select_for_update().filter(pk=join_request.pk).first()
    )
    if row is None:
        raise NotAllowed(_("You may not answer this join request."))
    if row.status != JoinRequestStatus.PENDING:
        raise field_error(
            "status", _("This join request was already answered."), FrontDoorError.NOT_PENDING
        )
    return row


@dataclass(frozen=True)
class Confirmation:
    household_id: int | None
    room: str
    name: str
    id_number: str
    relation: str = Relation.OTHER


def _household(actor: Actor, row: JoinRequest, data: Confirmation) -> Household:
    if data.household_id:
        household = people_selectors.household_at_id(actor, data.household_id)
        if household is None or household.building_id != row.building_id:
            raise field_error(
                "household", _("Choose a household of this building."), FrontDoorError.WRONG_PLACE
            )
        return household
    room = normalize_text(data.room)
    if not room:
        raise field_error(
            "household",
            _("Choose the household, or enter the room to register a new one."),
            CoreError.REQUIRED,
        )
    found = people_selectors.household_at(actor, row.building, room)
    if found is not None:
        return found
    try:
        return people_services.household_register(actor=actor, building=row.building, room=room)
    except ValidationError as e:
        raise ValidationError({"room": e.error_dict.get("room", e.error_list)}) from e


@transaction.atomic
def join_request_confirm(*, actor: Actor, join_request: JoinRequest, data: Confirmation) -> User:
    """Add the person to the registry (a household of the request's building, through the
    registry's services, which check the actor may edit it), give them an account with the
    resident role there, and tell them. Any field error: nothing changed."""
    row = _locked(actor, join_request)
    household = _household(actor, row, data)
    resident = people_services.resident_register(
        actor=actor,
        household=household,
        data=people_services.PersonData(
            name=data.name, id_number=data.id_number, phone=row.phone, relation=data.relation
        ),
    )
    user, _created = resident_account(resident=resident, phone=row.phone, code=row.code)
    now = timezone.now()
    JoinRequest.objects.filter(pk=row.pk).update(
        status=JoinRequestStatus.CONFIRMED,
        answered_at=now,
        answered_by_id=actor.user_id or None,
        user=user,
    )
    notify(
        Kind.JOIN_REQUEST_ANSWERED,
        [user.pk],
        {"place": row.building.name, "status": str(JoinRequestStatus.CONFIRMED.label)},
        dedupe_key=f"join-request-answered:{row.pk}",
        link=reverse("health:report"),
    )
    return user


@transaction.atomic
def join_request_refuse(*, actor: Actor, join_request: JoinRequest, reason: str) -> JoinRequest:
    """Refuse with a reason the person reads when they come back with the link."""
    row = _locked(actor, join_request)
    reason = normalize_line(reason)[:200]
    if len(reason) < 2:
        raise field_error(
            "reason", _("Say why, so the person knows what to do."), CoreError.REQUIRED
        )
    JoinRequest.objects.filter(pk=row.pk).update(
        status=JoinRequestStatus.REFUSED,
        refusal_reason=reason,
        answered_at=timezone.now(),
        answered_by_id=actor.user_id or None,
    )
    row.refresh_from_db()
    return row
