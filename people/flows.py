"""Registry import from Excel, in steps: preview (nothing written but the import record) →
confirm (queued) → run in the background in batches → the rejected rows given back.

Every row is classified against the database as it stands: new, changed, unchanged or rejected.
The run classifies again rather than trusting the preview, so running twice, or uploading the
same file twice, changes nothing the second time, and a run cut short can simply be run again.

Who may import: a community admin into their own community (the services' REGISTRY_EDIT_ROLES
that also see imports). Rows naming a building that is not the community's are rejected.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actor import Actor
from core.audit import audit_record
from core.errors import NotAllowed, field_error, field_errors
from core.logging import scrub
from core.roles import Role
from core.sorting import natural_key
from people import importing
from people.importing import CheckedRow, Sheet
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
from people.search import person_search_fields
from people.services import (
    PersonData,
    _diff,
    check_can_edit_place,
    household_register,
    resident_move,
    resident_register,
    resident_update,
)
from people.signals import residents_placed_in
from places.models import PLACE_ORDER, Household, Place, PlaceKind
from places.services import ancestor_columns

logger = logging.getLogger(__name__)

# Imports write the registry (people.services.REGISTRY_EDIT_ROLES) and are seen by registry
# admins (RegistryImportQuerySet): the role in both is the community admin.
IMPORT_ROLES = frozenset({Role.COMMUNITY_ADMIN})
BATCH_SIZE = 1000
# An upload with more data rows than this (by its sheet's dimension), or, when the file does
# not say, bigger than BACKGROUND_CHECK_BYTES, is checked in the background (about 2 s per
# 10,000 rows) while the page shows progress; a smaller one is checked within the upload.
BACKGROUND_CHECK_ROWS = 3000
BACKGROUND_CHECK_BYTES = 300 * 1024
NEW, CHANGED, UNCHANGED, REJECTED = "new", "changed", "unchanged", "rejected"
# Under SQLite's limit on query parameters, with room to spare.
_LOOKUP_CHUNK = 900


# --------------------------------------------------------------------------------------------
# Who may import, and reading imports
# --------------------------------------------------------------------------------------------


def may_import(actor: Actor, community: Place) -> bool:
    if actor.is_superuser:
        return True
    return any(community.path.startswith(g.place_path) for g in actor.place_grants(IMPORT_ROLES))


def check_can_import(actor: Actor, community: Place) -> None:
    if community.kind != PlaceKind.COMMUNITY:
        raise field_error("community", gettext_lazy("Choose a community."), "not_community")
    if not may_import(actor, community):
        raise NotAllowed(gettext_lazy("You may not import into this community's registry."))


def access_registry_import(actor: Actor, import_id: int) -> RegistryImport:
    """The import if the actor may see it; missing and forbidden are the same 404."""
    found = (
        RegistryImport.objects.for_actor(actor)
        .select_related("community", "uploaded_by")
        .defer("content")
        .filter(pk=import_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def registry_import_list(actor: Actor) -> QuerySet[RegistryImport]:
    return (
        RegistryImport.objects.for_actor(actor)
        .select_related("community", "uploaded_by")
        .defer("content", "rejected")
        .order_by("-created_at", "-pk")
    )


def importable_communities(actor: Actor) -> list[Place]:
    """The communities whose registry the actor may import into."""
    communities = (
        Place.objects.for_actor(actor).filter(kind=PlaceKind.COMMUNITY).order_by(*PLACE_ORDER)
    )
    if actor.is_superuser:
        return list(communities)
    grants = [g.place_path for g in actor.place_grants(IMPORT_ROLES)]
    if not grants:
        return []
    return [c for c in communities if any(c.path.startswith(p) for p in grants)]


def community_building_names(community: Place) -> list[str]:
    """For the template's dropdown: the community's buildings, "2栋" before "10栋"."""
    names = Place.objects.filter(
        kind=PlaceKind.BUILDING, path__startswith=community.path
    ).values_list("name", flat=True)
    return sorted(set(names), key=natural_key)


def earlier_import_of_same_file(registry_import: RegistryImport) -> RegistryImport | None:
    """The last finished import of a byte-identical file into the same community."""
    return (
        RegistryImport.objects.filter(
            community_id=registry_import.community_id,
            file_sha256=registry_import.file_sha256,
            status=ImportStatus.DONE,
        )
        .exclude(pk=registry_import.pk)
        .defer("content", "rejected")
        .order_by("-finished_at")
        .first()
    )


def importable_count(registry_import: RegistryImport) -> int:
    return registry_import.new_count + registry_import.changed_count


@dataclass
class RejectedReason:
    """One reason rows were rejected for (a column and what is wrong with it), with how many
    rows it stopped. `message` is the first row's; `varies` when other rows say it with their
    own details (e.g. which earlier row repeats the ID number)."""

    column: str
    code: str
    message: str
    rows: int = 0
    varies: bool = False


def rejected_reasons(registry_import: RegistryImport) -> list[RejectedReason]:
    """The rejected rows summarised: each reason once with its number of rows, most first (a
    row with two problems counts under both)."""
    reasons: dict[tuple[str, str], RejectedReason] = {}
    for entry in registry_import.rejected or []:
        seen: set[tuple[str, str]] = set()
        for e in entry.get("errors") or [
            {"column": entry.get("column", ""), "code": "", "message": entry.get("reason", "")}
        ]:
            key = (e.get("column", ""), e.get("code", ""))
            reason = reasons.setdefault(key, RejectedReason(key[0], key[1], e.get("message", "")))
            reason.varies = reason.varies or e.get("message", "") != reason.message
            if key not in seen:
                seen.add(key)
                reason.rows += 1
    return sorted(reasons.values(), key=lambda r: -r.rows)


# --------------------------------------------------------------------------------------------
# Classifying rows against the community's registry
# --------------------------------------------------------------------------------------------


@dataclass
class _Known:
    """A registered resident, as far as the comparison with a row needs."""

    resident_id: int
    person_id: int
    community_id: int
    household_id: int
    name: str
    id_number: str
    phone: str
    relation: str
    care_note: str
    flags: dict[str, bool]


_KNOWN_FIELDS = (
    "pk",
    "person_id",
    "community_id",
    "household_id",
    "person__name",
    "person__id_number",
    "person__phone",
    "relation",
    "care_note",
    *VULNERABILITY_FIELDS,
)


def _known(values: dict[str, Any]) -> _Known:
    return _Known(
        resident_id=values["pk"],
        person_id=values["person_id"],
        community_id=values["community_id"],
        household_id=values["household_id"],
        name=values["person__name"],
        id_number=values["person__id_number"] or "",
        phone=values["person__phone"],
        relation=values["relation"],
        care_note=values["care_note"],
        flags={f: values[f] for f in VULNERABILITY_FIELDS},
    )


@dataclass
class _Registry:
    """What the classification reads of one community, loaded once per preview or run."""

    community: Place
    buildings: dict[str, list[Place]]
    loose_buildings: dict[str, list[Place]]
    households: dict[tuple[int, str], int]  # (building id, room) → household id
    by_household_name: dict[tuple[int, str], _Known]

    @classmethod
    def load(cls, community: Place) -> _Registry:
        buildings: dict[str, list[Place]] = defaultdict(list)
        loose: dict[str, list[Place]] = defaultdict(list)
        for b in Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path):
            buildings[importing.place_key(b.name)].append(b)
            loose[importing.loose_place_key(b.name)].append(b)
        households = {
            (building_id, room): pk
            for pk, building_id, room in Household.objects.filter(
                community_id=community.pk
            ).values_list("pk", "building_id", "room")
        }
        by_name: dict[tuple[int, str], _Known] = {}
        for values in Resident.objects.filter(community_id=community.pk).values(*_KNOWN_FIELDS):
            known = _known(values)
            by_name.setdefault((known.household_id, known.name), known)
        return cls(community, buildings, loose, households, by_name)

    def building(self, name: str) -> tuple[Place | None, str]:
        """The community's building of that name, or why there is none."""
        found = self.buildings.get(importing.place_key(name)) or self.loose_buildings.get(
            importing.loose_place_key(name), []
        )
        if len(found) == 1:
            return found[0], ""
        return None, "building_ambiguous" if found else "building_unknown"


@dataclass
class _Decision:
    row: CheckedRow
    kind: str
    building: Place | None = None
    household_id: int | None = None  # None: a new room, the household is created
    known: _Known | None = None


_BY_ID_FIELDS = (
    "pk",
    "id_number",
    "name",
    "phone",
    "resident__pk",
    "resident__community_id",
    "resident__household_id",
    "resident__relation",
    "resident__care_note",
    *(f"resident__{f}" for f in VULNERABILITY_FIELDS),
)


def _by_id_number(id_numbers: list[str]) -> dict[str, tuple[int, _Known | None]]:
    """Persons with these ID numbers: (person id, their resident record if any)."""
    found: dict[str, tuple[int, _Known | None]] = {}
    for start in range(0, len(id_numbers), _LOOKUP_CHUNK):
        chunk = id_numbers[start : start + _LOOKUP_CHUNK]
        for v in Person.objects.filter(id_number__in=chunk).values(*_BY_ID_FIELDS):
            known = None
            if v["resident__pk"] is not None:
                known = _Known(
                    resident_id=v["resident__pk"],
                    person_id=v["pk"],
                    community_id=v["resident__community_id"],
                    household_id=v["resident__household_id"],
                    name=v["name"],
                    id_number=v["id_number"],
                    phone=v["phone"],
                    relation=v["resident__relation"],
                    care_note=v["resident__care_note"],
                    flags={f: v[f"resident__{f}"] for f in VULNERABILITY_FIELDS},
                )
            found[v["id_number"]] = (v["pk"], known)
    return found


def _classify(rows: list[CheckedRow], registry: _Registry, sheet: Sheet) -> list[_Decision]:
    persons = _by_id_number([r.id_number for r in rows if r.ok and r.id_number])
    header = sheet.header_of
    decisions: list[_Decision] = []
    for row in rows:
        if not row.ok:
            decisions.append(_Decision(row, REJECTED))
            continue
        building, problem = registry.building(row.building)
        if building is None:
            message = (
                _("Two buildings of this community have this name; write it as in the register.")
                if problem == "building_ambiguous"
                else _("This building is not one of %(community)s's buildings.")
                % {"community": registry.community.name}
            )
            row.reject(header("building"), problem, message)
            decisions.append(_Decision(row, REJECTED))
            continue
        household_id = registry.households.get((building.pk, row.room))
        known: _Known | None = None
        if row.id_number and row.id_number in persons:
            _person_id, known = persons[row.id_number]
            if known is None:
                row.reject(
                    header("id_number"),
                    "id_registered",
                    _(
                        "This ID number is already on record for a person who is not in the "
                        "registry (e.g. a party member); ask your district to register them."
                    ),
                )
            elif known.community_id != registry.community.pk:
                row.reject(
                    header("id_number"),
                    "id_registered_elsewhere",
                    _(
                        "This ID number is already registered in another community; that "
                        "community must record the move first."
                    ),
                )
            if not row.ok:
                decisions.append(_Decision(row, REJECTED))
                continue
        elif household_id is not None:
            # No ID, or an ID not on record yet: the same name in the same household is the
            # same person (then the ID is added), unless that person has another ID.
            candidate = registry.by_household_name.get((household_id, row.name))
            if candidate is not None and not (row.id_number and candidate.id_number):
                known = candidate
        if known is None:
            decisions.append(_Decision(row, NEW, building, household_id))
        else:
            kind = CHANGED if _differs(row, known, household_id) else UNCHANGED
            decisions.append(_Decision(row, kind, building, household_id, known))
    return decisions


def _wanted(row: CheckedRow, known: _Known) -> dict[str, Any]:
    """The resident's values after the row: what the row leaves blank is kept."""
    return {
        "name": row.name,
        "id_number": row.id_number or known.id_number,
        "phone": row.phone if row.phone is not None else known.phone,
        "relation": row.relation or known.relation,
        "care_note": row.care_note if row.care_note is not None else known.care_note,
        "flags": {**known.flags, **row.flags},
    }


def _differs(row: CheckedRow, known: _Known, household_id: int | None) -> bool:
    wanted = _wanted(row, known)
    return household_id != known.household_id or any(wanted[f] != getattr(known, f) for f in wanted)


def _batches(rows: list[CheckedRow]) -> Iterator[list[CheckedRow]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


# --------------------------------------------------------------------------------------------
# Preview and confirm
# --------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((NEW, CHANGED, UNCHANGED, REJECTED), 0)
    )
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, row: CheckedRow) -> None:
        self.counts[kind] += 1
        if kind == REJECTED:
            self.rejected.append(row.as_rejected())


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
    estimate = importing.sniff(content)
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
    sheet = importing.read_sheet(content)
    rows = importing.check_rows(sheet)
    tally = _check(sheet, rows, community)
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


def _check(
    sheet: Sheet,
    rows: list[CheckedRow],
    community: Place,
    progress: Callable[[int], None] | None = None,
) -> _Tally:
    """Classify the checked rows against the community's registry; nothing is written."""
    registry = _Registry.load(community)
    tally = _Tally()
    processed = 0
    for batch in _batches(rows):
        for decision in _classify(batch, registry, sheet):
            tally.add(decision.kind, decision.row)
        processed += len(batch)
        if progress is not None:
            progress(processed)
    return tally


def import_check(import_id: int) -> dict[str, Any]:
    """The check of a big upload (a background job): read and classify its rows as
    import_preview does, updating processed_rows, then leave it PREVIEWED with the counts
    and rejected rows, or FAILED with what is wrong with the file.

    Idempotent: only an import still CHECKING is checked. Returns figures for the log (no
    personal data).
    """
    registry_import = (
        RegistryImport.objects.select_related("community", "uploaded_by")
        .filter(pk=import_id, status=ImportStatus.CHECKING)
        .first()
    )
    if registry_import is None:
        return {"import_id": import_id, "skipped": True}
    user = registry_import.uploaded_by
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    current = RegistryImport.objects.filter(pk=import_id, status=ImportStatus.CHECKING)

    def progress(done: int) -> None:
        current.update(processed_rows=done)

    t0 = time.perf_counter()
    try:
        with translation.override(language):
            sheet = importing.read_sheet(bytes(registry_import.content))
            rows = importing.check_rows(sheet)
            current.update(total_rows=len(rows), processed_rows=0)
            tally = _check(sheet, rows, registry_import.community, progress)
    except ValidationError as error:
        # What a person has to fix in the file: the same message the upload form would give.
        messages = [e["message"] for e in field_errors(error)]
        current.update(
            status=ImportStatus.FAILED,
            error=" ".join(messages)[:500] or _check_failure_message(language),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": "ValidationError"}
    except Exception as error:
        _log_failure(import_id, "check", error)
        current.update(
            status=ImportStatus.FAILED,
            error=_check_failure_message(language),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": type(error).__name__}
    current.update(
        status=ImportStatus.PREVIEWED,
        total_rows=len(rows),
        processed_rows=0,
        new_count=tally.counts[NEW],
        changed_count=tally.counts[CHANGED],
        unchanged_count=tally.counts[UNCHANGED],
        rejected_count=tally.counts[REJECTED],
        rejected=tally.rejected,
    )
    return {
        "import_id": import_id,
        "rows": len(rows),
        "seconds": round(time.perf_counter() - t0, 3),
        **tally.counts,
    }


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
            "still_checking",
        )
    if locked.status not in (ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise field_error(
            "status", _("This import has already been confirmed."), "already_confirmed"
        )
    if importable_count(locked) == 0:
        raise field_error(
            "file",
            _("Nothing to import: every row is already in the registry as it is, or rejected."),
            "nothing_to_import",
        )
    locked.status = ImportStatus.QUEUED
    locked.confirmed_at = timezone.now()
    locked.processed_rows = 0
    locked.error = ""
    locked.save(update_fields=["status", "confirmed_at", "processed_rows", "error"])

    def enqueue() -> None:
        from people.tasks import registry_import_run

        registry_import_run(locked.pk)

    transaction.on_commit(enqueue)
    return locked


# --------------------------------------------------------------------------------------------
# The run (a background job)
# --------------------------------------------------------------------------------------------


def import_run(import_id: int) -> dict[str, Any]:
    """Import the good rows of a confirmed upload, in batches, updating processed_rows.

    Idempotent: only a queued import starts, and every row is classified again against the
    registry as it is now. Returns figures for the log and the benchmark (no personal data).
    """
    started = RegistryImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, processed_rows=0
    )
    if not started:
        return {"import_id": import_id, "skipped": True}
    registry_import = RegistryImport.objects.select_related("community", "uploaded_by").get(
        pk=import_id
    )
    user = registry_import.uploaded_by
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            return _run(registry_import)
    except NotAllowed as error:
        logger.warning("registry import %s refused: the uploader may no longer import", import_id)
        RegistryImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED, error=str(error)[:500], finished_at=timezone.now()
        )
        return {"import_id": import_id, "failed": "NotAllowed"}
    except Exception as error:
        _log_failure(import_id, "run", error)
        RegistryImport.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED,
            error=_failure_message(error),
            finished_at=timezone.now(),
        )
        return {"import_id": import_id, "failed": type(error).__name__}


def _check_failure_message(language: str) -> str:
    with translation.override(language):
        return str(
            gettext_lazy("The file could not be checked because of an error. Upload it again.")
        )


def _log_failure(import_id: int, stage: str, error: Exception) -> None:
    """Where it failed and the scrubbed message, never a raw traceback, whose last line could
    quote a row (a database error naming the duplicate key, say)."""
    logger.error(
        "registry import %s %s failed: %s: %s\n%s",
        import_id,
        stage,
        type(error).__name__,
        scrub(str(error))[:300],
        scrub("".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))),
    )


def _failure_message(error: Exception) -> str:
    return str(gettext_lazy("The import stopped because of an error. Confirm it again to retry."))


@dataclass
class _Job:
    """One run: who imports, into what, from which sheet (its headers name the columns)."""

    actor: Actor
    registry: _Registry
    sheet: Sheet


def _run(registry_import: RegistryImport) -> dict[str, Any]:
    from accounts.selectors import actor_for_user

    t0 = time.perf_counter()
    actor = actor_for_user(registry_import.uploaded_by)
    community = registry_import.community
    check_can_import(actor, community)
    sheet = importing.read_sheet(bytes(registry_import.content))
    rows = importing.check_rows(sheet)
    read_seconds = time.perf_counter() - t0
    job = _Job(actor, _Registry.load(community), sheet)
    tally = _Tally()
    allowed: set[int] = set()
    processed = 0
    db_seconds = prepare_seconds = 0.0
    for batch in _batches(rows):
        t1 = time.perf_counter()
        decisions = _classify(batch, job.registry, sheet)
        t2 = time.perf_counter()
        for d in decisions:
            if d.building is not None and d.building.pk not in allowed:
                check_can_edit_place(actor, d.building)
                allowed.add(d.building.pk)
        new = _prepare_new(job, [d for d in decisions if d.kind == NEW])
        t3 = time.perf_counter()
        with transaction.atomic():
            _write_new(job, new)
            for d in decisions:
                if d.kind == CHANGED:
                    _write_changed(job, d)
                tally.add(d.kind, d.row)
            processed += len(batch)
            RegistryImport.objects.filter(pk=registry_import.pk).update(processed_rows=processed)
        db_seconds += (t2 - t1) + (time.perf_counter() - t3)
        prepare_seconds += t3 - t2
    RegistryImport.objects.filter(pk=registry_import.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        total_rows=len(rows),
        processed_rows=processed,
        new_count=tally.counts[NEW],
        changed_count=tally.counts[CHANGED],
        unchanged_count=tally.counts[UNCHANGED],
        rejected_count=tally.counts[REJECTED],
        rejected=sorted(tally.rejected, key=lambda r: r["row"]),
    )
    return {
        "import_id": registry_import.pk,
        "rows": len(rows),
        **tally.counts,
        "read_seconds": round(read_seconds, 3),
        "prepare_seconds": round(prepare_seconds, 3),
        "db_seconds": round(db_seconds, 3),
    }


@dataclass
class _NewRows:
    """The new residents of a batch, built (search keys, history) before the database is
    touched, so that the write transaction holds the database only for the INSERTs."""

    decisions: list[_Decision]
    rooms: list[tuple[int, str]] = field(default_factory=list)  # (building id, room) per row
    households: dict[tuple[int, str], Household] = field(default_factory=dict)  # new rooms
    persons: list[Person] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    changes: list[RegistryChange] = field(default_factory=list)


def _prepare_new(job: _Job, decisions: list[_Decision]) -> _NewRows:
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


def _search_fields(row: CheckedRow) -> dict[str, str]:
    fields = person_search_fields(name="", phone=row.phone or "", id_number=row.id_number)
    fields["search_key"] = _name_search_key(row.name)
    return fields


@functools.lru_cache(maxsize=20_000)
def _name_search_key(name: str) -> str:
    # Pinyin is the slowest part of preparing a row; names repeat (surnames always do).
    return person_search_fields(name=name, phone="", id_number=None)["search_key"]


def _write_new(job: _Job, new: _NewRows) -> None:
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


def _bulk_insert(job: _Job, new: _NewRows) -> None:
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
            _Known(
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


def _reject_from_service(job: _Job, d: _Decision, error: Exception) -> None:
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


def _household(job: _Job, d: _Decision) -> Household:
    assert d.building is not None
    key = (d.building.pk, d.row.room)
    household_id = job.registry.households.get(key)
    if household_id is not None:
        return Household.objects.get(pk=household_id)
    household = household_register(actor=job.actor, building=d.building, room=d.row.room)
    job.registry.households[key] = household.pk
    return household


def _register_one(job: _Job, d: _Decision) -> None:
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


def _write_changed(job: _Job, d: _Decision) -> None:
    """A registered resident the row changes: through the services, one by one."""
    assert d.known is not None
    known = d.known
    wanted = _wanted(d.row, known)
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


# --------------------------------------------------------------------------------------------
# The rejected rows, given back
# --------------------------------------------------------------------------------------------


def import_rejected_workbook(registry_import: RegistryImport, *, masked: bool = False) -> bytes:
    """The rejected rows as typed, with their row number and the reason, as .xlsx."""
    return importing.build_rejected_workbook(
        registry_import.rejected or [],
        row_header=_("Row in your file"),
        reason_header=_("Why it was not imported"),
        masked=masked,
    )


def import_rejected_export(*, actor: Actor, registry_import: RegistryImport) -> bytes:
    """The rejected rows for download: in full to whoever may import into the community (it is
    their own file), masked to supervisors; audited either way."""
    full = may_import(actor, registry_import.community) or (
        actor.user_id is not None and actor.user_id == registry_import.uploaded_by_id
    )
    audit_record(
        actor=actor,
        action="export_rejected",
        target_type="registry_import",
        target_id=registry_import.pk,
        place_path=registry_import.community_path,
        detail={"rows": registry_import.rejected_count, "masked": not full},
    )
    return import_rejected_workbook(registry_import, masked=not full)
