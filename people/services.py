"""Every write to people: the registry (实有人口) — register, edit, move, status, flags, each
recorded in RegistryChange (who, when, old → new, ID and phone masked) — and the audited reveal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.actor import Actor
from core.audit import audit_record
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.fields import index_of
from core.masking import mask_id_number, mask_phone
from core.roles import REVEAL_ROLES
from core.validators import (
    clean_text,
    id_number_birth_date,
    id_number_sex,
    normalize_line,
    normalize_name,
    normalize_text,
    validate_id_number,
    validate_phone,
)
from people import flows
from people.error_codes import PeopleError
from people.models import (
    VULNERABILITY_FIELDS,
    ChangeAction,
    Person,
    RegistryChange,
    Relation,
    Resident,
    ResidentStatus,
)
from people.policies import (
    check_can_edit_household,
    check_can_edit_place,
)
from people.search import person_search_fields
from people.signals import residents_placed_in
from places.models import Household, Place, PlaceKind
from places.services import ancestor_columns


@dataclass(frozen=True)
class RevealedContact:
    id_number: str
    phone: str


@transaction.atomic
def resident_reveal(*, actor: Actor, resident: Resident, reason: str) -> RevealedContact:
    """Show a resident's full ID and phone to a role whose job needs it; always audited."""
    if not (actor.is_superuser or actor.has_role(REVEAL_ROLES)):
        raise NotAllowed(_("Your role may not see personal data in full."))
    reason = normalize_line(reason)
    if len(reason) < 2:
        raise field_error(
            "reason", _("Say why you need the full ID and phone."), CoreError.REQUIRED
        )
    audit_record(
        actor=actor,
        action="reveal",
        target_type="resident",
        target_id=resident.pk,
        place_path=resident.building.path,
        detail={"fields": ["id_number", "phone"], "reason": reason[:200]},
    )
    person = resident.person
    return RevealedContact(id_number=person.id_number or "", phone=person.phone)


# A care or status note, as typed (core.validators.clean_text), cut to this length.
NOTE_MAX = 200
# How history keeps personal data: ID and phone masked, the birth date as its year (the full
# date is the masked middle of the ID number).
_MASKED = {"id_number": mask_id_number, "phone": mask_phone, "birth_date": lambda v: v[:4]}


@dataclass(frozen=True)
class PersonData:
    """What a form, the API or an import row says about a person, before validation."""

    name: str
    id_number: str = ""
    phone: str = ""
    relation: str = Relation.OTHER


def clean_person(data: PersonData, *, exclude_person_id: int | None = None) -> dict[str, Any]:
    """Validated, normalised person fields, or a ValidationError naming the field."""
    from django.core.exceptions import ValidationError

    errors: dict[str, list[ValidationError]] = {}
    out: dict[str, Any] = {}
    try:
        out["name"] = normalize_name(data.name)
    except ValidationError as e:
        errors["name"] = e.error_list
    id_number = normalize_text(data.id_number or "")
    if id_number:
        try:
            out["id_number"] = validate_id_number(id_number)
            out["birth_date"] = id_number_birth_date(out["id_number"])
            out["sex"] = id_number_sex(out["id_number"])
        except ValidationError as e:
            errors["id_number"] = e.error_list
    else:
        out["id_number"] = None
    phone = normalize_text(data.phone or "")
    if phone:
        try:
            out["phone"] = validate_phone(phone)
        except ValidationError as e:
            errors["phone"] = e.error_list
    else:
        out["phone"] = ""
    if data.relation not in Relation.values:
        errors["relation"] = [ValidationError(_("Choose a relation."), code=CoreError.INVALID)]
    out["relation"] = data.relation
    if out.get("id_number") and "id_number" not in errors:
        clash = Person.objects.filter(id_number_hash=index_of("id_number", out["id_number"]))
        if exclude_person_id is not None:
            clash = clash.exclude(pk=exclude_person_id)
        if clash.exists():
            errors["id_number"] = [
                ValidationError(
                    _("This ID number is already registered (in this or another community)."),
                    code=PeopleError.ID_REGISTERED,
                )
            ]
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return out


def clean_flags(flags: Iterable[str]) -> set[str]:
    """The vulnerability flags asked for; an unknown one is an error naming the field."""
    wanted = set(flags)
    unknown = wanted - set(VULNERABILITY_FIELDS)
    if unknown:
        raise field_error(
            "flags",
            _("Unknown flag: %(flags)s.") % {"flags": ", ".join(sorted(unknown))},
            CoreError.INVALID,
        )
    return wanted


def _shown(field: str, value: Any) -> Any:
    if value in (None, ""):
        return ""
    if field in _MASKED:
        return _MASKED[field](str(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": f, "old": _shown(f, before.get(f)), "new": _shown(f, after.get(f))}
        for f in after
        if before.get(f) != after.get(f)
    ]


def record_change(
    *,
    actor: Actor,
    action: str,
    resident: Resident | None = None,
    household: Household | None = None,
    fields: list[dict[str, Any]] | None = None,
    note: str = "",
) -> RegistryChange:
    return RegistryChange.objects.create(
        user_id=actor.user_id or None,
        action=action,
        resident=resident,
        household=household or (resident.household if resident else None),
        fields=fields or [],
        note=note[:200],
    )


@transaction.atomic
def resident_register(
    *,
    actor: Actor,
    household: Household,
    data: PersonData,
    flags: Iterable[str] = (),
    care_note: str = "",
    action: str = ChangeAction.CREATED,
) -> Resident:
    check_can_edit_household(actor, household)
    clean = clean_person(data)
    relation = clean.pop("relation")
    try:
        person = Person.objects.create(
            **clean,
            **person_search_fields(
                name=clean["name"], phone=clean["phone"], id_number=clean["id_number"]
            ),
        )
    except IntegrityError as e:  # two submissions racing for one ID number
        raise field_error(
            "id_number", _("This ID number is already registered."), PeopleError.ID_REGISTERED
        ) from e
    wanted = clean_flags(flags)
    columns = ancestor_columns(household.building)
    flag_values = {f: f in wanted for f in VULNERABILITY_FIELDS}
    resident = Resident.objects.create(
        person=person,
        household=household,
        relation=relation,
        care_note=clean_text(care_note, max_length=NOTE_MAX, truncate=True),
        **flag_values,
        **columns,
    )
    record_change(
        actor=actor,
        action=action,
        resident=resident,
        fields=_diff({}, {**clean, "relation": relation}),
    )
    residents_placed_in([resident.grid_id])
    return resident


@transaction.atomic
def resident_update(
    *,
    actor: Actor,
    resident: Resident,
    data: PersonData,
    flags: Iterable[str] | None = None,
    care_note: str | None = None,
    action: str = ChangeAction.EDITED,
) -> tuple[Resident, bool]:
    """Apply new values; returns (resident, whether anything changed)."""
    check_can_edit_household(actor, resident.household)
    person = resident.person
    clean = clean_person(data, exclude_person_id=person.pk)
    relation = clean.pop("relation")
    before: dict[str, Any] = {f: getattr(person, f) for f in clean}
    before["relation"] = resident.relation
    after = {**clean, "relation": relation}
    if flags is not None:
        wanted = clean_flags(flags)
        for f in VULNERABILITY_FIELDS:
            before[f] = getattr(resident, f)
            after[f] = f in wanted
    if care_note is not None:
        before["care_note"] = resident.care_note
        after["care_note"] = clean_text(care_note, max_length=NOTE_MAX, truncate=True)
    changes = _diff(before, after)
    if not changes:
        return resident, False
    for f, v in clean.items():
        setattr(person, f, v)
    for k, v in person_search_fields(
        name=person.name, phone=person.phone, id_number=person.id_number
    ).items():
        setattr(person, k, v)
    person.save()
    resident.relation = relation
    for f in VULNERABILITY_FIELDS:
        if f in after:
            setattr(resident, f, after[f])
    if "care_note" in after:
        resident.care_note = after["care_note"]
    resident.save()
    record_change(actor=actor, action=action, resident=resident, fields=changes)
    return resident, True


@transaction.atomic
def resident_set_status(
    *,
    actor: Actor,
    resident: Resident,
    status: str,
    since: datetime.date | None,
    note: str = "",
) -> Resident:
    """Moved out, deceased, temporarily away (e.g. stranded outside the city), or back."""
    check_can_edit_household(actor, resident.household)
    if status not in ResidentStatus.values:
        raise field_error("status", _("Choose a status."), CoreError.INVALID)
    if since is None and status != ResidentStatus.PRESENT:
        raise field_error("since", _("Give the date this began."), CoreError.REQUIRED)
    from django.utils import timezone

    if since is not None and since > timezone.localdate():
        raise field_error("since", _("The date cannot be in the future."), CoreError.FUTURE)
    before = {
        "status": resident.status,
        "status_since": resident.status_since,
        "status_note": resident.status_note,
    }
    status_note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    after = {"status": status, "status_since": since, "status_note": status_note}
    changes = _diff(before, after)
    if not changes:  # the same form sent twice: nothing new to record
        return resident
    resident.status, resident.status_since = status, since
    resident.status_note = status_note
    resident.save(update_fields=["status", "status_since", "status_note", "updated_at"])
    record_change(actor=actor, action=ChangeAction.STATUS, resident=resident, fields=changes)
    residents_placed_in([resident.grid_id])
    if status in (ResidentStatus.MOVED_OUT, ResidentStatus.DECEASED):
        # Their open triage case closes with that reason.
        flows.resident_left(actor=actor, resident=resident)
    return resident


@transaction.atomic
def resident_move(
    *, actor: Actor, resident: Resident, household: Household, relation: str
) -> Resident:
    """A resident joins another household (marriage, moving in with children…)."""
    check_can_edit_household(actor, resident.household)
    check_can_edit_household(actor, household)
    if relation not in Relation.values:
        raise field_error("relation", _("Choose a relation."), CoreError.INVALID)
    if household.pk == resident.household_id:
        raise field_error(
            "household", _("The resident already lives in this household."), PeopleError.SAME
        )
    old = resident.household
    old_grid = resident.grid_id
    resident.household = household
    resident.relation = relation
    for column, value in ancestor_columns(household.building).items():
        setattr(resident, column, value)
    resident.save()
    record_change(
        actor=actor,
        action=ChangeAction.MOVED,
        resident=resident,
        fields=[{"field": "household", "old": str(old), "new": str(household)}],
    )
    residents_placed_in([old_grid, resident.grid_id])
    # An open triage case and its due follow-ups move with the person.
    flows.resident_moved(resident)
    return resident


@transaction.atomic
def household_move(*, actor: Actor, household: Household, building: Place) -> Household:
    """A household moves to another building; its residents and every count follow."""
    check_can_edit_household(actor, household)
    if building.kind != PlaceKind.BUILDING:
        raise field_error("building", _("Choose a building."), CoreError.NOT_BUILDING)
    check_can_edit_place(actor, building)
    if building.pk == household.building_id:
        raise field_error(
            "building", _("The household is already in this building."), PeopleError.SAME
        )
    if Household.objects.filter(building=building, room=household.room).exists():
        raise field_error(
            "building",
            _("That building already has a household in this room."),
            PeopleError.ROOM_TAKEN,
        )
    old = str(household)
    old_grid = household.grid_id
    columns = ancestor_columns(building)
    Resident.objects.filter(household=household).update(**columns)
    columns.pop("building_id")
    Household.objects.filter(pk=household.pk).update(building=building, **columns)
    household.refresh_from_db()
    moved = [{"field": "building", "old": old, "new": str(household)}]
    record_change(actor=actor, action=ChangeAction.MOVED, household=household, fields=moved)
    # Each resident's own history shows the new address too.
    RegistryChange.objects.bulk_create(
        RegistryChange(
            user_id=actor.user_id or None,
            action=ChangeAction.MOVED,
            resident_id=pk,
            household=household,
            fields=moved,
        )
        for pk in Resident.objects.filter(household=household).values_list("pk", flat=True)
    )
    residents_placed_in([old_grid, household.grid_id])
    return household


@transaction.atomic
def household_register(*, actor: Actor, building: Place, room: str, phone: str = "") -> Household:
    """A new household in a building of the actor's part of the registry."""
    if building.kind != PlaceKind.BUILDING:
        raise field_error("building", _("Choose a building."), CoreError.NOT_BUILDING)
    check_can_edit_place(actor, building)
    room = normalize_text(room)
    if not room:
        raise field_error("room", _("Room is required."), CoreError.REQUIRED)
    if Household.objects.filter(building=building, room=room).exists():
        raise field_error(
            "room", _("This room is already registered in the building."), PeopleError.TAKEN
        )
    phone = _household_phone(phone)
    columns = ancestor_columns(building)
    columns.pop("building_id")
    try:
        with transaction.atomic():
            household = Household.objects.create(
                building=building, room=room, phone=phone, **columns
            )
    except IntegrityError as e:  # two submissions racing for one room
        raise field_error(
            "room", _("This room is already registered in the building."), PeopleError.TAKEN
        ) from e
    record_change(
        actor=actor,
        action=ChangeAction.CREATED,
        household=household,
        fields=_diff({}, {"room": room, "phone": phone}),
    )
    return household


def _household_phone(phone: str) -> str:
    from django.core.exceptions import ValidationError

    phone = normalize_text(phone or "")
    if not phone:
        return ""
    try:
        return validate_phone(phone)
    except ValidationError as e:
        raise ValidationError({"phone": e.error_list}) from e


@transaction.atomic
def household_update(
    *, actor: Actor, household: Household, room: str, phone: str
) -> tuple[Household, bool]:
    """A household's room (e.g. a typo) and contact phone; returns (household, changed)."""
    check_can_edit_household(actor, household)
    room = normalize_text(room)
    if not room:
        raise field_error("room", _("Room is required."), CoreError.REQUIRED)
    if (
        Household.objects.filter(building_id=household.building_id, room=room)
        .exclude(pk=household.pk)
        .exists()
    ):
        raise field_error(
            "room", _("This room is already registered in the building."), PeopleError.TAKEN
        )
    phone = _household_phone(phone)
    changes = _diff(
        {"room": household.room, "phone": household.phone}, {"room": room, "phone": phone}
    )
    if not changes:
        return household, False
    household.room, household.phone = room, phone
    household.save(update_fields=["room", "phone", "updated_at"])
    record_change(actor=actor, action=ChangeAction.EDITED, household=household, fields=changes)
    return household, True
