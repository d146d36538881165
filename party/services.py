from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import field_error
from core.validators import normalize_line
from party.models import PartyMember, PartyOrg, PartyOrgKind, Unit
from party.policies import check_in_scope
from places.models import Household, Place
from places.services import child_path, path_depth


@transaction.atomic
def unit_save(*, actor: Actor, unit: Unit, name: str, kind: str, place: Place) -> Unit:
    check_in_scope(actor, place.path)
    if unit.pk is not None:
        check_in_scope(actor, Unit.objects.get(pk=unit.pk).place_path)
    unit.name = normalize_line(name)
    if not unit.name:
        raise field_error("name", _("Name is required."), CoreError.REQUIRED)
    unit.kind, unit.place, unit.place_path = kind, place, place.path
    unit.save()
    return unit


def _scope_of(
    *,
    parent: PartyOrg | None,
    place: Place | None,
    household: Household | None,
    unit: Unit | None,
) -> tuple[str, Unit | None]:
    """Where an organisation belongs: its own place, its household's building, its unit, or
    else its parent's."""
    if unit is None and parent is not None:
        unit = parent.unit
    if place is not None:
        return place.path, unit
    if household is not None:
        return household.building.path, unit
    if unit is not None:
        return unit.place_path, unit
    if parent is not None:
        return parent.scope_path, unit
    return "", unit


@transaction.atomic
def party_org_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    parent: PartyOrg | None,
    place: Place | None = None,
    household: Household | None = None,
    unit: Unit | None = None,
    note: str = "",
) -> PartyOrg:
    name = normalize_line(name)
    if not name:
        raise field_error("name", _("Name is required."), CoreError.REQUIRED)
    if kind == PartyOrgKind.MEMBER_HOUSEHOLD and household is None:
        raise field_error(
            "household", _("A member household needs its household."), CoreError.REQUIRED
        )
    scope_path, unit = _scope_of(parent=parent, place=place, household=household, unit=unit)
    check_in_scope(actor, scope_path)
    if parent is not None:
        check_in_scope(actor, parent.scope_path)
    org = PartyOrg.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        place=place,
        household=household,
        unit=unit,
        note=note,
        scope_path=scope_path,
    )
    org.path = child_path(parent.path if parent else "", org.pk)
    org.depth = path_depth(org.path)
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def party_org_rename(*, actor: Actor, org: PartyOrg, name: str, note: str = "") -> PartyOrg:
    check_in_scope(actor, org.scope_path)
    org.name = normalize_line(name)
    if not org.name:
        raise field_error("name", _("Name is required."), CoreError.REQUIRED)
    org.note = note
    org.save(update_fields=["name", "note"])
    return org


@transaction.atomic
def party_member_save(*, actor: Actor, member: PartyMember) -> PartyMember:
    check_in_scope(actor, member.org.scope_path)
    if member.pk is not None:
        check_in_scope(actor, PartyMember.objects.get(pk=member.pk).org.scope_path)
    member.save()
    return member
