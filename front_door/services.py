"""Join codes: issue, revoke, re-issue (a community's admins and the street's over it)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from front_door.error_codes import FrontDoorError
from front_door.models import JoinCode
from front_door.policies import JOIN_CODE_ROLES
from places.models import Place, PlaceKind

# 24 URL-safe characters (18 random bytes): a printed code cannot be guessed.
TOKEN_BYTES = 18


def _community_of(place: Place) -> Place:
    if place.kind == PlaceKind.COMMUNITY:
        return place
    if place.kind == PlaceKind.BUILDING:
        node: Place | None = place
        while node is not None and node.kind != PlaceKind.COMMUNITY:
            node = node.parent
        if node is not None:
            return node
    raise field_error(
        "place", _("A join code is for a community or one of its buildings."), CoreError.KIND
    )


def _check_may_manage(actor: Actor, place: Place) -> None:
    if actor.is_superuser:
        return
    if not any(place.path.startswith(g.place_path) for g in actor.place_grants(JOIN_CODE_ROLES)):
        raise NotAllowed(_("You may not manage the join codes of this place."))


@transaction.atomic
def join_code_issue(*, actor: Actor, place: Place) -> JoinCode:
    """The place's current code; a new one when it has none (issuing twice issues once)."""
    community = _community_of(place)
    _check_may_manage(actor, place)
    Place.objects.select_for_update().filter(pk=place.pk).first()
    current = JoinCode.objects.filter(place=place, revoked_at__isnull=True).first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return JoinCode.objects.create(
                place=place,
                community=community,
                place_path=place.path,
                token=secrets.token_urlsafe(TOKEN_BYTES),
                created_at=timezone.now(),
                created_by_id=actor.user_id or None,
            )
    except IntegrityError as e:  # pragma: no cover - the lock above keeps this out
        raise field_error(
            "place", _("This place already has a join code."), CoreError.DUPLICATE
        ) from e


@transaction.atomic
def join_code_revoke(*, actor: Actor, code: JoinCode) -> JoinCode:
    """End a code: its link and poster join nobody from now on."""
    _check_may_manage(actor, code.place)
    if code.revoked_at is not None:
        raise field_error("code", _("This code was already revoked."), FrontDoorError.TOKEN_UNKNOWN)
    JoinCode.objects.filter(pk=code.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by_id=actor.user_id or None
    )
    code.refresh_from_db()
    return code


@transaction.atomic
def join_code_reissue(*, actor: Actor, place: Place) -> JoinCode:
    """Revoke the place's current code (a poster torn down, a link passed around) and issue a
    new one."""
    _community_of(place)
    _check_may_manage(actor, place)
    Place.objects.select_for_update().filter(pk=place.pk).first()
    JoinCode.objects.filter(place=place, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by_id=actor.user_id or None
    )
    return join_code_issue(actor=actor, place=place)


@transaction.atomic
def join_codes_issue_all(*, actor: Actor, community: Place) -> int:
    """A code for the community and each of its buildings that has none; returns how many are
    new."""
    if community.kind != PlaceKind.COMMUNITY:
        raise field_error("place", _("Choose a community."), CoreError.NOT_COMMUNITY)
    _check_may_manage(actor, community)
    have = set(
        JoinCode.objects.filter(
            place_path__startswith=community.path, revoked_at__isnull=True
        ).values_list("place_id", flat=True)
    )
    places = [
        community,
        *Place.objects.filter(path__startswith=community.path, kind=PlaceKind.BUILDING),
    ]
    new = 0
    for p in places:
        if p.pk not in have:
            join_code_issue(actor=actor, place=p)
            new += 1
    return new
