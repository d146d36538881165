"""Reads of the registry import: the imports an actor may see, what the pages show of them,
and the classification of checked rows against the community's registry as it stands (new,
changed, unchanged or rejected), which writes nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.actor import Actor
from core.fields import index_of
from core.sorting import natural_key
from people.models import VULNERABILITY_FIELDS, ImportStatus, Person, RegistryImport, Resident
from people.policies import IMPORT_ROLES
from people.registry_import.rows import CheckedRow, loose_place_key, place_key
from people.registry_import.xlsx import Sheet
from places.models import PLACE_ORDER, Household, Place, PlaceKind

# Rows classified (and, in the run, written in one transaction) at a time.
BATCH_SIZE = 1000
NEW, CHANGED, UNCHANGED, REJECTED = "new", "changed", "unchanged", "rejected"
# Under SQLite's limit on query parameters, with room to spare.
_LOOKUP_CHUNK = 900


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
class Known:
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


def _known(values: dict[str, Any]) -> Known:
    return Known(
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
class Registry:
    """What the classification reads of one community, loaded once per preview or run."""

    community: Place
    buildings: dict[str, list[Place]]
    loose_buildings: dict[str, list[Place]]
    households: dict[tuple[int, str], int]  # (building id, room) → household id
    by_household_name: dict[tuple[int, str], Known]

    @classmethod
    def load(cls, community: Place) -> Registry:
        buildings: dict[str, list[Place]] = defaultdict(list)
        loose: dict[str, list[Place]] = defaultdict(list)
        for b in Place.objects.filter(kind=PlaceKind.BUILDING, path__startswith=community.path):
            buildings[place_key(b.name)].append(b)
            loose[loose_place_key(b.name)].append(b)
        households = {
            (building_id, room): pk
            for pk, building_id, room in Household.objects.filter(
                community_id=community.pk
            ).values_list("pk", "building_id", "room")
        }
        by_name: dict[tuple[int, str], Known] = {}
        for values in Resident.objects.filter(community_id=community.pk).values(*_KNOWN_FIELDS):
            known = _known(values)
            by_name.setdefault((known.household_id, known.name), known)
        return cls(community, buildings, loose, households, by_name)

    def building(self, name: str) -> tuple[Place | None, str]:
        """The community's building of that name, or why there is none."""
        found = self.buildings.get(place_key(name)) or self.loose_buildings.get(
            loose_place_key(name), []
        )
        if len(found) == 1:
            return found[0], ""
        return None, "building_ambiguous" if found else "building_unknown"


@dataclass
class Decision:
    row: CheckedRow
    kind: str
    building: Place | None = None
    household_id: int | None = None  # None: a new room, the household is created
    known: Known | None = None


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


def _by_id_number(id_numbers: list[str]) -> dict[str, tuple[int, Known | None]]:
    """Persons with these ID numbers: (person id, their resident record if any)."""
    found: dict[str, tuple[int, Known | None]] = {}
    for start in range(0, len(id_numbers), _LOOKUP_CHUNK):
        chunk = [index_of("id_number", n) for n in id_numbers[start : start + _LOOKUP_CHUNK]]
        for v in Person.objects.filter(id_number_hash__in=chunk).values(*_BY_ID_FIELDS):
            known = None
            if v["resident__pk"] is not None:
                known = Known(
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


def classify(rows: list[CheckedRow], registry: Registry, sheet: Sheet) -> list[Decision]:
    persons = _by_id_number([r.id_number for r in rows if r.ok and r.id_number])
    header = sheet.header_of
    decisions: list[Decision] = []
    for row in rows:
        if not row.ok:
            decisions.append(Decision(row, REJECTED))
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
            decisions.append(Decision(row, REJECTED))
            continue
        household_id = registry.households.get((building.pk, row.room))
        known: Known | None = None
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
                decisions.append(Decision(row, REJECTED))
                continue
        elif household_id is not None:
            # No ID, or an ID not on record yet: the same name in the same household is the
            # same person (then the ID is added), unless that person has another ID.
            candidate = registry.by_household_name.get((household_id, row.name))
            if candidate is not None and not (row.id_number and candidate.id_number):
                known = candidate
        if known is None:
            decisions.append(Decision(row, NEW, building, household_id))
        else:
            kind = CHANGED if _differs(row, known, household_id) else UNCHANGED
            decisions.append(Decision(row, kind, building, household_id, known))
    return decisions


def values_after(row: CheckedRow, known: Known) -> dict[str, Any]:
    """The resident's values after the row: what the row leaves blank is kept."""
    return {
        "name": row.name,
        "id_number": row.id_number or known.id_number,
        "phone": row.phone if row.phone is not None else known.phone,
        "relation": row.relation or known.relation,
        "care_note": row.care_note if row.care_note is not None else known.care_note,
        "flags": {**known.flags, **row.flags},
    }


def _differs(row: CheckedRow, known: Known, household_id: int | None) -> bool:
    wanted = values_after(row, known)
    return household_id != known.household_id or any(wanted[f] != getattr(known, f) for f in wanted)


def batches(rows: list[CheckedRow]) -> Iterator[list[CheckedRow]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


@dataclass
class Tally:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((NEW, CHANGED, UNCHANGED, REJECTED), 0)
    )
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, row: CheckedRow) -> None:
        self.counts[kind] += 1
        if kind == REJECTED:
            self.rejected.append(row.as_rejected())


def classify_all(
    sheet: Sheet,
    rows: list[CheckedRow],
    community: Place,
    progress: Callable[[int], None] | None = None,
) -> Tally:
    """Classify the checked rows against the community's registry; nothing is written."""
    registry = Registry.load(community)
    tally = Tally()
    processed = 0
    for batch in batches(rows):
        for decision in classify(batch, registry, sheet):
            tally.add(decision.kind, decision.row)
        processed += len(batch)
        if progress is not None:
            progress(processed)
    return tally
