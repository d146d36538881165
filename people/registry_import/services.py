"""Writes of the registry import: taking an upload (checked at once, or stored for the
background check), confirming it (queued for the run), and writing a batch of classified rows
into the registry (new residents in bulk, changed ones through people.services)."""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actor import Actor
from core.audit import audit_record
from core.errors import NotAllowed, field_error
from people.error_codes import PeopleError
from people.models import (
    VULNERABILITY_FIELDS,
    ChangeAction,
    ImportStatus,
    Person,
    RegistryChange,
    RegistryImport,
    Relation,
    Resident,
)
from people.policies import check_can_import
from people.registry_import.rows import CheckedRow, check_rows
from people.registry_import.selectors import (
    BATCH_SIZE,
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    Decision,
    Known,
    Registry,
    classify_all,
    importable_count,
    values_after,
)
from people.registry_import.xlsx import Sheet, read_sheet, sniff
from people.search import name_search_key, person_search_fields
from people.services import (
    PersonData,
    _diff,
    household_register,
    resident_move,
    resident_register,
    resident_update,
)
from people.signals import residents_placed_in
from places.models import Household, Place
from places.services import ancestor_columns

# An upload with more data rows than this (by its sheet's dimension), or, when the file does
# not say, bigger than BACKGROUND_CHECK_BYTES, is checked in the background (about 2 s per
# 10,000 rows) while the page shows progress; a smaller one is checked within the upload.
BACKGROUND_CHECK_ROWS = 3000
BACKGROUND_CHECK_BYTES = 300 * 1024


def import_upload(
    *, actor: Actor, community: Place, file_name: str, content: bytes
) -> RegistryImport:
    """Take an upload: a small file is checked at once (import_preview), a big one is stored
    with status CHECKING and checked in the background (import_check), the page following
    its progress. What is wrong with the file as a whole and cheap to see (not an .xlsx,
    empty, too big, no header row) is refused at once either way.

    Raises ValidationError on "file" or "community", NotAllowed as import_preview does.
    """
    check_can_import(actor, community)
    if actor.user_id is None:
        raise NotAllowed(gettext_lazy("Log in to import."))
    estimate = sniff(content)
    if not is_big_upload(content, estimate):
        return import_preview(
            actor=actor, community=community, file_name=file_name, content=content
        )
    with transaction.atomic():
        registry_import = RegistryImport.objects.create(
            community=community,
            community_path=community.path,
            uploaded_by_id=actor.user_id,
            file_name=(file_name or "import.xlsx")[:200],
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            status=ImportStatus.CHECKING,
            total_rows=estimate or 0,
            processed_rows=0,
        )

        def enqueue() -> None:
            from people.tasks import registry_import_check

            registry_import_check(registry_import.pk)

        transaction.on_commit(enqueue)
    return registry_import


def is_big_upload(content: bytes, estimate: int | None) -> bool:
    """Whether an upload is checked in the background (see BACKGROUND_CHECK_ROWS)."""
    if estimate is None:
        return len(content) > BACKGROUND_CHECK_BYTES
    return estimate > BACKGROUND_CHECK_ROWS


def import_preview(
    *, actor: Actor, community: Place, file_name: str, content: bytes
) -> RegistryImport:
    """Read and check an upload within the request; nothing is imported until it is
    confirmed. import_upload sends big files to the background instead.

    Raises ValidationError on "file" (naming what is wrong with the file) or "community",
    NotAllowed when the actor may not import into the community.
    """
    check_can_import(actor, community)
    if actor.user_id is None:
        raise NotAllowed(gettext_lazy("Log in to import."))
    sheet = read_sheet(content)
    rows = check_rows(sheet)
    tally = classify_all(sheet, rows, community)
    return RegistryImport.objects.create(
        community=community,
        community_path=community.path,
        uploaded_by_id=actor.user_id,
        file_name=(file_name or "import.xlsx")[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        status=ImportStatus.PREVIEWED,
        total_rows=len(rows),
        new_count=tally.counts[NEW],
        changed_count=tally.counts[CHANGED],
        unchanged_count=tally.counts[UNCHANGED],
        rejected_count=tally.counts[REJECTED],
        rejected=tally.rejected,
    )


@transaction.atomic
def import_confirm(*, actor: Actor, registry_import: RegistryImport) -> RegistryImport:
    """Queue the import of the good rows; the page follows its progress."""
    locked = (
        RegistryImport.objects.select_for_update()
        .select_related("community")
        .defer("content")
        .get(pk=registry_import.pk)
    )
    check_can_import(actor, locked.community)
    if locked.status == ImportStatus.CHECKING:
        raise field_error(
            "status",
            _("The file is still being checked; confirm once the check is done."),
            PeopleError.STILL_CHECKING,
        )
    if locked.status not in (ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise field_error(
            "status", _("This import has already been confirmed."), PeopleError.ALREADY_CONFIRMED
        )
    if importable_count(locked) == 0:
        raise field_error(
            "file",
            _("Nothing to import: every row is already in the registry as it is, or rejected."),
            PeopleError.NOTHING_TO_IMPORT,
        )
    locked.status = ImportStatus.QUEUED
    locked.confirmed_at = timezone.now()
    locked.processed_rows = 0
    locked.error = ""
    locked.save(update_fields=["status", "confirmed_at", "processed_rows", "error"])
    # Who wrote a workbook of personal data into the registry, from where (issue 18, item 5).
    audit_record(
        actor=actor,
        action="import",
        target_type="registry_import",
        target_id=locked.pk,
        place_path=locked.community.path,
        detail={"rows": importable_count(locked)},
    )

    def enqueue() -> None:
        from people.tasks import registry_import_run

        registry_import_run(locked.pk)

    transaction.on_commit(enqueue)
    return locked


@dataclass
class Job:
    """One run: who imports, into what, from which sheet (its headers name the columns)."""

    actor: Actor
    registry: Registry
    sheet: Sheet


@dataclass
class _NewRows:
    """The new residents of a batch, built (search keys, history) before the database is
    touched, so that the write transaction holds the database only for the INSERTs."""

    decisions: list[Decision]
    rooms: list[tuple[int, str]] = field(default_factory=list)  # (building id, room) per row
    households: dict[tuple[int, str], Household] = field(default_factory=dict)  # new rooms
    persons: list[Person] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    changes: list[RegistryChange] = field(default_factory=list)


def prepare_new(job: Job, decisions: list[Decision]) -> _NewRows:
    """What people.services.household_register and resident_register would write for these
    rows, as unsaved objects."""
    new = _NewRows(decisions)
    registry = job.registry
    user_id = job.actor.user_id or None
    columns_of: dict[int, dict[str, int]] = {}
    for d in decisions:
        assert d.building is not None
        row = d.row
        columns = columns_of.get(d.building.pk)
        if columns is None:
            columns = columns_of[d.building.pk] = ancestor_columns(d.building)
        key = (d.building.pk, row.room)
        if key not in registry.households and key not in new.households:
            household_columns = dict(columns)
            household_columns.pop("building_id")
            new.households[key] = Household(building=d.building, room=row.room, **household_columns)
        relation = row.relation or Relation.OTHER
        person = _person_fields(row)
        new.rooms.append(key)
        new.persons.append(Person(**person, **_search_fields(row)))
        new.residents.append(
            Resident(
                relation=relation,
                care_note=row.care_note or "",
                **{f: row.flags.get(f, False) for f in VULNERABILITY_FIELDS},
                **columns,
            )
        )
        new.changes.append(
            RegistryChange(
                user_id=user_id,
                action=ChangeAction.IMPORTED,
                # As people.services.resident_register records it.
                fields=_diff({}, {**person, "relation": relation}),
            )
        )
    return new


def _search_fields(row: CheckedRow) -> dict[str, str | None]:
    fields = person_search_fields(name="", phone=row.phone or "", id_number=row.id_number)
    fields["search_key"] = _name_search_key(row.name)
    return fields


@functools.lru_cache(maxsize=20_000)
def _name_search_key(name: str) -> str:
    # Pinyin is the slowest part of preparing a row; names repeat (surnames always do).
    return name_search_key(name)


def write_new(job: Job, new: _NewRows) -> None:
    """Insert a batch's new residents; one by one through the services if a row collides with
    a write made meanwhile (then only that row is rejected)."""
    if not new.decisions:
        return
    try:
        with transaction.atomic():
            _bulk_insert(job, new)
    except IntegrityError:
        for d in new.decisions:
            _register_one(job, d)


def _bulk_insert(job: Job, new: _NewRows) -> None:
    registry = job.registry
    user_id = job.actor.user_id or None
    if new.households:
        Household.objects.bulk_create(new.households.values(), batch_size=BATCH_SIZE)
        RegistryChange.objects.bulk_create(
            [
                RegistryChange(user_id=user_id, action=ChangeAction.CREATED, household=h)
                for h in new.households.values()
            ],
            batch_size=BATCH_SIZE,
        )
    Person.objects.bulk_create(new.persons, batch_size=BATCH_SIZE)
    for key, person, resident, change in zip(
        new.rooms, new.persons, new.residents, new.changes, strict=True
    ):
        household_id = registry.households.get(key) or new.households[key].pk
        resident.household_id = change.household_id = household_id
        resident.person = person
    Resident.objects.bulk_create(new.residents, batch_size=BATCH_SIZE)
    for resident, change in zip(new.residents, new.changes, strict=True):
        change.resident = resident
    RegistryChange.objects.bulk_create(new.changes, batch_size=BATCH_SIZE)
    residents_placed_in({r.grid_id for r in new.residents})
    # Later batches see what this one registered.
    for key, household in new.households.items():
        registry.households[key] = household.pk
    for resident, d in zip(new.residents, new.decisions, strict=True):
        registry.by_household_name.setdefault(
            (resident.household_id, d.row.name),
            Known(
                resident_id=resident.pk,
                person_id=resident.person_id,
                community_id=registry.community.pk,
                household_id=resident.household_id,
                name=d.row.name,
                id_number=d.row.id_number,
                phone=d.row.phone or "",
                relation=resident.relation,
                care_note=resident.care_note,
                flags={f: getattr(resident, f) for f in VULNERABILITY_FIELDS},
            ),
        )


def _person_fields(row: CheckedRow) -> dict[str, Any]:
    """The person columns of a checked row, as people.services.clean_person gives them (the
    ID is valid: its birth date and sex are read straight from it)."""
    fields: dict[str, Any] = {"name": row.name, "id_number": row.id_number or None}
    if row.id_number:
        number = row.id_number
        fields["birth_date"] = datetime.date(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
        fields["sex"] = "M" if int(number[16]) % 2 else "F"
    fields["phone"] = row.phone or ""
    return fields


# Service error fields → import columns.
_FIELD_COLUMN = {"name": "name", "id_number": "id_number", "phone": "phone", "relation": "relation"}
_FIELD_COLUMN |= {"room": "room", "building": "building", "household": "room"}


def _reject_from_service(job: Job, d: Decision, error: Exception) -> None:
    d.kind = REJECTED
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            header = job.sheet.header_of(_FIELD_COLUMN.get(field_name, "name"))
            for e in errors:
                message = e.message % e.params if e.params else e.message
                d.row.reject(header, e.code or "invalid", message)
    elif isinstance(error, IntegrityError):
        d.row.reject(
            job.sheet.header_of("id_number"),
            "id_registered",
            _("This ID number was registered by someone else while the import ran."),
        )
    else:
        d.row.reject(job.sheet.header_of("building"), "not_allowed", error)


def _household(job: Job, d: Decision) -> Household:
    assert d.building is not None
    key = (d.building.pk, d.row.room)
    household_id = job.registry.households.get(key)
    if household_id is not None:
        return Household.objects.get(pk=household_id)
    household = household_register(actor=job.actor, building=d.building, room=d.row.room)
    job.registry.households[key] = household.pk
    return household


def _register_one(job: Job, d: Decision) -> None:
    row = d.row
    try:
        with transaction.atomic():
            resident_register(
                actor=job.actor,
                household=_household(job, d),
                data=PersonData(
                    name=row.name,
                    id_number=row.id_number,
                    phone=row.phone or "",
                    relation=row.relation or Relation.OTHER,
                ),
                flags=[f for f, v in row.flags.items() if v],
                care_note=row.care_note or "",
                action=ChangeAction.IMPORTED,
            )
    except (ValidationError, NotAllowed, IntegrityError) as error:
        _reject_from_service(job, d, error)


def write_changed(job: Job, d: Decision) -> None:
    """A registered resident the row changes: through the services, one by one."""
    assert d.known is not None
    known = d.known
    wanted = values_after(d.row, known)
    try:
        with transaction.atomic():
            resident = Resident.objects.select_related("person", "household").get(
                pk=known.resident_id
            )
            moved = d.household_id is None or d.household_id != known.household_id
            if moved:
                resident = resident_move(
                    actor=job.actor,
                    resident=resident,
                    household=_household(job, d),
                    relation=wanted["relation"],
                )
            _resident, changed = resident_update(
                actor=job.actor,
                resident=resident,
                data=PersonData(
                    name=wanted["name"],
                    id_number=wanted["id_number"],
                    phone=wanted["phone"],
                    relation=wanted["relation"],
                ),
                flags=[f for f, v in wanted["flags"].items() if v],
                care_note=wanted["care_note"],
                action=ChangeAction.IMPORTED,
            )
    except (ValidationError, NotAllowed, IntegrityError) as error:
        _reject_from_service(job, d, error)
        return
    if not (moved or changed):
        d.kind = UNCHANGED
