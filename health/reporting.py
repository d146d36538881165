"""Writing health reports: one from a form, many from a phone's offline queue (the hot path).

A report is one row, unique per (resident, day, slot) and per (day, idempotency key). Rows go in
with `INSERT … ON CONFLICT DO NOTHING RETURNING`, so a resubmission (double tap, retry, replayed
queue: the same idempotency key, or the same values) returns the stored report and never counts
twice, even when two arrive at the same moment. A *different* report for a slot already reported
amends it: the row takes the latest values under a row lock and every version is kept in
HealthReportRevision (who, when). The grid's counters move in the same transaction, by exactly
the rows inserted and the abnormal marks amended, so they always equal a recount. Abnormal
reports and amendments raise (or join) the person's flag at once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error, field_errors
from core.roles import Role
from health import flows, rules
from health.error_codes import HealthError
from health.models import (
    ACTIVE_FLAG_STATUSES,
    CoverageCount,
    Declared,
    HealthFlag,
    HealthReport,
    HealthReportRevision,
    Presence,
    Source,
)
from health.policies import may_report, reportable_q
from people.models import Resident, ResidentStatus

# Rows per INSERT statement (SQLite allows 32,766 parameters; a row has 20).
CHUNK = 500
# How often a transaction PostgreSQL aborted to break a deadlock is tried again.
DEADLOCK_RETRIES = 3
# The most reports one sync request may carry.
SYNC_MAX = 2000

# The columns a report is written with (the bench generator COPYs the same ones).
REPORT_COLUMNS = (
    "city_id",
    "district_id",
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "household_id",
    "resident_id",
    "day",
    "slot",
    "presence",
    "temperature",
    "symptoms",
    "contact",
    "declared",
    "abnormal",
    "source",
    "reported_by_id",
    "idempotency_key",
    "created_at",
)
_DECLARED = frozenset(Declared.values)
_PLACE = ("city_id", "district_id", "street_id", "community_id", "grid_id", "building_id")
_RESIDENT_FIELDS = ("pk", "person_id", "household_id", "status", *_PLACE)


@dataclass
class ReportInput:
    """One report as the user meant it, already parsed (see `report_input`)."""

    resident_id: int
    day: datetime.date
    slot: str
    temperature: Decimal | None
    symptoms: int = 0
    contact: bool = False
    presence: str = Presence.PRESENT
    declared: str = ""
    idempotency_key: str | None = None
    recorded_at: datetime.datetime | None = None


@dataclass
class ReportResult:
    report_id: int
    resident_id: int
    created: bool
    abnormal: bool
    day: datetime.date
    slot: str
    # A different report for a slot already reported: stored as the slot's latest version.
    amended: bool = False


@dataclass
class SyncResult:
    created: list[ReportResult] = field(default_factory=list)
    amended: list[ReportResult] = field(default_factory=list)
    duplicates: list[ReportResult] = field(default_factory=list)
    # [{"index": 3, "errors": [{"field", "message", "code"}]}]
    rejected: list[dict[str, Any]] = field(default_factory=list)


def report_input(data: dict[str, Any], *, now: datetime.datetime | None = None) -> ReportInput:
    """Parse one report's raw fields (a form, a JSON item) into a ReportInput, or raise a
    ValidationError naming every wrong field."""
    errors: dict[str, list[ValidationError]] = {}

    def take(name: str, parse: Any) -> Any:
        try:
            return parse()
        except ValidationError as e:
            for k, v in e.error_dict.items():
                errors.setdefault(k, []).extend(v)
            return None

    default_day, default_slot = rules.current_slot(now)
    resident_id = take("resident", lambda: _int(data.get("resident"), "resident"))
    day = take("day", lambda: _day(data.get("day"), default_day))
    slot = str(data.get("slot") or default_slot)
    presence = str(data.get("presence") or Presence.PRESENT)
    if presence not in (Presence.PRESENT, Presence.AWAY):
        errors.setdefault("presence", []).append(
            ValidationError(_("Choose present or away."), code=CoreError.INVALID)
        )
    raw_temp = data.get("temperature")
    temperature = None
    if presence == Presence.PRESENT:
        temperature = take("temperature", lambda: rules.parse_temperature(raw_temp))
    elif raw_temp not in (None, ""):
        errors.setdefault("temperature", []).append(
            ValidationError(_("Leave the temperature empty for someone not present."))
        )
    symptoms_raw = data.get("symptoms") or []
    if isinstance(symptoms_raw, str):
        symptoms_raw = [s for s in symptoms_raw.replace("，", ",").split(",")]
    symptoms = take("symptoms", lambda: rules.symptom_bits(symptoms_raw)) or 0
    contact = _bool(data.get("contact"))
    declared = str(data.get("declared") or "")
    if declared not in _DECLARED:
        errors.setdefault("declared", []).append(
            ValidationError(
                _("Choose one of the four categories, or none."), code=CoreError.INVALID
            )
        )
    key = data.get("idempotency_key") or None
    if key is not None:
        key = str(key).strip()[:64] or None
    recorded_at = take("recorded_at", lambda: rules.parse_recorded_at(data.get("recorded_at")))
    if day is not None and not errors:
        take(
            "slot",
            lambda: rules.check_slot_open(day, slot, now=now, recorded_at=recorded_at),
        )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return ReportInput(
        resident_id=resident_id,
        day=day,
        slot=slot,
        temperature=temperature,
        symptoms=symptoms if presence == Presence.PRESENT else 0,
        contact=contact,
        presence=presence,
        declared=declared,
        idempotency_key=key,
        recorded_at=recorded_at,
    )


def _int(value: Any, name: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise field_error(name, _("Choose a household member."), code=CoreError.REQUIRED) from None
    if number <= 0:
        raise field_error(name, _("Choose a household member."), code=CoreError.INVALID)
    return number


def _day(value: Any, default: datetime.date) -> datetime.date:
    if value in (None, ""):
        return default
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise field_error("day", _("Enter a date as YYYY-MM-DD."), code=CoreError.INVALID) from None


def _bool(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "on", "yes", "y", "是"}


# ---- the services ---------------------------------------------------------------------------


def health_report_submit(*, actor: Actor, data: ReportInput, source: str = "") -> ReportResult:
    """Store one report (or return the one already stored for it)."""
    result = health_reports_submit(actor=actor, items=[data], source=source)
    if result.rejected:
        errors = result.rejected[0]["errors"]
        raise ValidationError(
            {e["field"]: [ValidationError(e["message"], code=e["code"])] for e in errors}  # type: ignore[arg-type]
        )
    return (result.created or result.amended or result.duplicates)[0]


def health_reports_submit(
    *, actor: Actor, items: Sequence[ReportInput], source: str = ""
) -> SyncResult:
    """Store many reports in a few statements. Each item is created, amends the slot's stored
    report, is found to be a replay of it, or is rejected with its reasons; one bad item never
    stops the others."""
    if not may_report(actor):
        raise NotAllowed(_("Your role does not record health reports."))
    if len(items) > SYNC_MAX:
        raise field_error(
            "reports",
            _("Send at most %(n)s reports at a time.") % {"n": SYNC_MAX},
            HealthError.TOO_MANY,
        )
    out = SyncResult()
    residents = _reportable_residents(actor, {i.resident_id for i in items})
    now = timezone.now()
    own_households = {g.household_id for g in actor.grants_for(Role.RESIDENT)}
    rows: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(items):
        resident = residents.get(item.resident_id)
        if resident is None:
            out.rejected.append(
                _rejection(
                    index,
                    "resident",
                    _("This person is not in your household or your area."),
                    "not_found",
                )
            )
            continue
        if resident["status"] not in (ResidentStatus.PRESENT, ResidentStatus.AWAY):
            out.rejected.append(
                _rejection(index, "resident", _("This person no longer lives here."), "not_living")
            )
            continue
        staff = resident["household_id"] not in own_households
        rows.append((index, _row(actor, item, resident, source, staff, now)))
    for attempt in range(DEADLOCK_RETRIES + 1):
        try:
            stored, inserted_ids, amended = _store(actor, rows)
            break
        except OperationalError as e:
            # PostgreSQL broke a deadlock by aborting this transaction (nothing of it stayed):
            # the same work again is safe, and the other transaction has finished by now.
            if getattr(e.__cause__, "sqlstate", "") != "40P01" or attempt == DEADLOCK_RETRIES:
                raise
    for _index, row in rows:
        if id(row) in inserted_ids:
            out.created.append(_result(stored[_slot_key(row)], True))
            continue
        if id(row) in amended:
            out.amended.append(amended[id(row)])
            continue
        # A duplicate: the report stored first under the same key (idempotency key first).
        first = stored.get(_idem_key(row)) if row["idempotency_key"] else None
        first = first or stored.get(_slot_key(row))
        if first is None:  # pragma: no cover - a conflict leaves the conflicting row behind
            raise IntegrityError("a report was neither stored nor found")
        out.duplicates.append(_result(first, False))
    return out


def _store(
    actor: Actor, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[dict[tuple[Any, ...], dict[str, Any]], set[int], dict[int, ReportResult]]:
    """Insert the rows in one transaction; returns the stored report under each unique key the
    rows claim, which rows were inserted and which amended a stored report (by identity)."""
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    inserted_ids: set[int] = set()
    amended: dict[int, ReportResult] = {}
    all_inserted: list[dict[str, Any]] = []
    with transaction.atomic():
        pending = rows
        while pending:
            # One statement may not claim a key twice: a report repeated in the batch (a queue
            # that re-sent it) waits for the next pass, where it meets the first one's row.
            batch: list[tuple[int, dict[str, Any]]] = []
            later: list[tuple[int, dict[str, Any]]] = []
            claimed: set[tuple[Any, ...]] = set()
            for ir in pending:
                keys = _keys(ir[1])
                if keys & stored.keys():
                    continue
                (later if keys & claimed else batch).append(ir)
                claimed |= keys
            # Rows go in by resident, day and slot: two requests carrying the same reports take
            # their locks in the same order.
            batch.sort(key=lambda ir: (ir[1]["resident_id"], str(ir[1]["day"]), ir[1]["slot"]))
            inserted = _insert(r for _i, r in batch)
            all_inserted += inserted
            for r in inserted:
                inserted_ids.add(id(r["_row"]))
                stored.update(dict.fromkeys(_keys(r), r))
            unresolved = [r for _i, r in batch if not (_keys(r) & stored.keys())]
            stored.update({k: v for k, v in _existing(unresolved).items() if k not in stored})
            pending = later
        # The rows that met a stored report: a replay, or an amendment of it.
        others = [r for _i, r in rows if id(r) not in inserted_ids]
        amendments, abnormal_moves = _amend(others, stored)
        amended.update({id(r): result for r, result in amendments})
        # Counters, then flags, each in one fixed order and only after every report row is in:
        # two transactions then never wait for each other crosswise.
        _count(all_inserted)
        _count_beyond_expected(all_inserted)
        _count_abnormal_moves(abnormal_moves)
        raised = [row for row in all_inserted if row["abnormal"]]
        raised += [{**r, "id": result.report_id} for r, result in amendments if r["abnormal"]]
        _raise_flags(actor, raised)
        # A report of a person in home observation fills that slot's follow-up.
        flows.reports_stored(actor, all_inserted)
    return stored, inserted_ids, amended


# What a report says; a later report saying anything else about the slot amends it.
_VALUES = ("presence", "temperature", "symptoms", "contact", "declared")
_VERSION = (*_VALUES, "abnormal", "source", "reported_by_id", "idempotency_key", "created_at")
# What an amendment changes on the report row.
_AMENDED = (*_VALUES, "abnormal", "source", "reported_by_id")


def _amend(
    rows: list[dict[str, Any]], stored: dict[tuple[Any, ...], dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], ReportResult]], dict[tuple[Any, ...], int]]:
    """Amend the stored report of each row that says something new about its slot. A row sent
    before (its idempotency key is the report's or one of its versions', or it repeats the
    latest values) is a replay and changes nothing. Returns the amendments in the order they
    were applied and how much each (grid, day, slot) abnormal counter moves."""
    done: list[tuple[dict[str, Any], ReportResult]] = []
    moves: dict[tuple[Any, ...], int] = defaultdict(int)
    # A key already seen on a stored report is a replay: no query, no lock.
    candidates = [r for r in rows if not (r["idempotency_key"] and _idem_key(r) in stored)]
    if not candidates:
        return done, moves
    slots = Q()
    for r in candidates:
        slots |= Q(resident_id=r["resident_id"], day=r["day"], slot=r["slot"])
    # The slots' reports, locked in one statement in one order for every writer (resident,
    # day, slot), and what their versions hold: two queries for a whole queue, not per row.
    reports = {
        (h.resident_id, h.day, h.slot): h
        for h in HealthReport.objects.select_for_update()
        .filter(slots)
        .order_by("resident_id", "day", "slot")
    }
    versioned: set[tuple[Any, ...]] = set()
    version_keys: set[tuple[Any, ...]] = set()
    for resident_id, day, slot, key in HealthReportRevision.objects.filter(slots).values_list(
        "resident_id", "day", "slot", "idempotency_key"
    ):
        versioned.add((resident_id, day, slot))
        if key:
            version_keys.add((day, key))
    # A queue's later item is applied last.
    ordered = sorted(
        enumerate(candidates),
        key=lambda ir: (ir[1]["resident_id"], str(ir[1]["day"]), ir[1]["slot"], ir[0]),
    )
    for _index, row in ordered:
        where = (row["resident_id"], row["day"], row["slot"])
        report = reports.get(where)
        if report is None:  # pragma: no cover - the conflicting row is there under our lock
            raise IntegrityError("a report was neither stored nor found")
        key = row["idempotency_key"]
        if key and (row["day"], key) in version_keys:
            continue
        if all(_same(getattr(report, c), row[c]) for c in _VALUES):
            continue
        if where not in versioned:
            _keep_version(report.pk, row, {c: getattr(report, c) for c in _VERSION})
            versioned.add(where)
        _keep_version(report.pk, row, {c: row[c] for c in _VERSION})
        if key:
            version_keys.add((row["day"], key))
        was_abnormal = report.abnormal
        changed = {c: row[c] for c in _AMENDED}
        for c, value in changed.items():
            setattr(report, c, value)
        # The report keeps its first idempotency key and received-at time; versions keep theirs.
        HealthReport.objects.filter(pk=report.pk, day=report.day).update(**changed)
        if was_abnormal != row["abnormal"]:
            moves[(row["grid_id"], row["day"], row["slot"])] += 1 if row["abnormal"] else -1
        stored[_slot_key(row)] = {**row, "id": report.pk}
        done.append((row, _result({**row, "id": report.pk}, False, amended=True)))
    return done, moves


def _same(stored: Any, sent: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(sent, Decimal):
        return (stored is None and sent is None) or (
            stored is not None and sent is not None and Decimal(stored) == Decimal(sent)
        )
    return bool(stored == sent)


def _keep_version(report_id: int, row: dict[str, Any], values: dict[str, Any]) -> None:
    HealthReportRevision.objects.create(
        report_id=report_id,
        resident_id=row["resident_id"],
        day=row["day"],
        slot=row["slot"],
        **values,
    )


def _count_beyond_expected(inserted: list[dict[str, Any]]) -> None:
    """A report by someone not counted as living in the grid raises its expected by one."""
    extra: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in inserted:
        if r.get("_beyond_expected"):
            extra[(r["grid_id"], r["day"], r["slot"])] += 1
    for (grid, day, slot), n in sorted(
        extra.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2])
    ):
        CoverageCount.objects.filter(
            grid_id=grid, day=day, slot=slot, expected__isnull=False
        ).update(expected=F("expected") + n)


def _count_abnormal_moves(moves: dict[tuple[Any, ...], int]) -> None:
    """An amendment turning a slot's report abnormal (or back) moves its grid's counter."""
    for (grid, day, slot), delta in sorted(
        moves.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2])
    ):
        if delta:
            CoverageCount.objects.filter(grid_id=grid, day=day, slot=slot).update(
                abnormal=F("abnormal") + delta
            )


def _slot_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("slot", row["resident_id"], row["day"], row["slot"])


def _idem_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return ("key", row["day"], row["idempotency_key"])


def _keys(row: dict[str, Any]) -> set[tuple[Any, ...]]:
    """The unique keys a report row claims: its slot, and its idempotency key if it has one."""
    return {_slot_key(row), _idem_key(row)} if row["idempotency_key"] else {_slot_key(row)}


def _rejection(index: int, field_name: str, message: str, code: str) -> dict[str, Any]:
    return {"index": index, "errors": [{"field": field_name, "message": message, "code": code}]}


def rejection_from(index: int, error: ValidationError) -> dict[str, Any]:
    return {"index": index, "errors": field_errors(error)}


def _reportable_residents(actor: Actor, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    qs = Resident.objects.for_actor(actor).filter(pk__in=ids)
    if not actor.is_superuser:
        q = reportable_q(actor)
        if q is None:
            return {}
        qs = qs.filter(q)
    return {r["pk"]: r for r in qs.values(*_RESIDENT_FIELDS)}


def _row(
    actor: Actor,
    item: ReportInput,
    resident: dict[str, Any],
    source: str,
    staff: bool,
    now: datetime.datetime,
) -> dict[str, Any]:
    if not source:
        if staff:
            source = Source.SCREENING
        else:
            source = Source.SELF if resident["person_id"] == actor.person_id else Source.HOUSEHOLD
    return {
        **{c: resident[c] for c in _PLACE},
        "household_id": resident["household_id"],
        "resident_id": resident["pk"],
        "day": item.day,
        "slot": item.slot,
        "presence": item.presence,
        "temperature": item.temperature,
        "symptoms": item.symptoms,
        "contact": item.contact,
        "declared": item.declared,
        "abnormal": item.presence == Presence.PRESENT
        and (
            rules.is_abnormal(item.temperature, item.symptoms, item.contact) or bool(item.declared)
        ),
        "source": source,
        "reported_by_id": actor.user_id or None,
        "idempotency_key": item.idempotency_key,
        "created_at": now,
        # Not counted among the grid's living residents: their report adds to who is expected
        # (health.expected), so reported never passes expected.
        "_beyond_expected": resident["status"] != ResidentStatus.PRESENT,
    }


def _adapt(column: str, value: Any) -> Any:
    ops = connection.ops
    if value is None:
        return None
    if column == "day":
        return ops.adapt_datefield_value(value)
    if column == "created_at":
        return ops.adapt_datetimefield_value(value)
    if column == "temperature":
        return ops.adapt_decimalfield_value(value, 3, 1)
    return value


# PostgreSQL types of the report columns, for one array per column (the rest are bigint).
_PG_TYPES = {
    "day": "date",
    "slot": "text",
    "presence": "text",
    "temperature": "numeric",
    "symptoms": "int2",
    "contact": "bool",
    "declared": "text",
    "abnormal": "bool",
    "source": "text",
    "idempotency_key": "text",
    "created_at": "timestamptz",
}


def _insert(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert the rows, skipping any that conflict; returns those that went in, with their ids.

    On PostgreSQL the rows travel as one array per column (`unnest`: no per-value adaptation, no
    statement with thousands of placeholders); SQLite takes a multi-row VALUES."""
    rows = list(rows)
    if connection.vendor != "postgresql":
        return _insert_values(rows)
    table = HealthReport._meta.db_table
    arrays = ", ".join(f"%s::{_PG_TYPES.get(c, 'int8')}[]" for c in REPORT_COLUMNS)
    sql = (
        f"INSERT INTO {table} ({', '.join(REPORT_COLUMNS)}) SELECT * FROM unnest({arrays}) "  # nosec B608: names from the model and REPORT_COLUMNS; values are parameters
        f"ON CONFLICT DO NOTHING RETURNING id, resident_id, day, slot"
    )
    by_key = {(r["resident_id"], r["day"], r["slot"]): r for r in rows}
    inserted: list[dict[str, Any]] = []
    with connection.cursor() as cur:
        for start in range(0, len(rows), SYNC_MAX):
            chunk = rows[start : start + SYNC_MAX]
            cur.execute(sql, [[r[c] for r in chunk] for c in REPORT_COLUMNS])
            for pk, resident_id, day, slot in cur.fetchall():
                original = by_key[(resident_id, day, slot)]
                inserted.append({**original, "id": pk, "_row": original})
    return inserted


def _insert_values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING: the rows that went in, with their ids."""
    table = HealthReport._meta.db_table
    columns = ", ".join(REPORT_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(REPORT_COLUMNS)) + ")"
    inserted: list[dict[str, Any]] = []
    by_key = {(r["resident_id"], r["day"], r["slot"]): r for r in rows}
    with connection.cursor() as cur:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = [_adapt(c, r[c]) for r in chunk for c in REPORT_COLUMNS]
            cur.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "  # nosec B608: names from the model and REPORT_COLUMNS; values are parameters
                f"ON CONFLICT DO NOTHING RETURNING id, resident_id, day, slot",
                params,
            )
            for pk, resident_id, day, slot in cur.fetchall():
                if isinstance(day, str):
                    day = datetime.date.fromisoformat(day)
                original = by_key[(resident_id, day, slot)]
                row = dict(original)
                row["id"] = pk
                row["_row"] = original
                inserted.append(row)
    return inserted


def _count(inserted: list[dict[str, Any]]) -> None:
    """Move each grid's counters by exactly the rows inserted (an upsert per grid and slot)."""
    if not inserted:
        return
    deltas: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for r in inserted:
        key: tuple[Any, ...] = (r["grid_id"], r["day"], r["slot"], r["community_id"])
        key += (r["street_id"], r["district_id"], r["city_id"])
        d = deltas[key]
        d[0] += 1
        d[1] += 1 if r["abnormal"] else 0
    table = CoverageCount._meta.db_table
    # One order for every writer, so two requests never lock the same counters crosswise.
    ordered = sorted(deltas.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2]))
    with connection.cursor() as cur:
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            params: list[Any] = []
            for (grid, day, slot, community, street, district, city), (n, ab) in chunk:
                params += [grid, community, street, district, city]
                params += [connection.ops.adapt_datefield_value(day), slot, n, ab]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, NULL, %s, %s)"] * len(chunk))
            cur.execute(
                f"INSERT INTO {table} (grid_id, community_id, street_id, district_id, city_id, "  # nosec B608: names from the model and REPORT_COLUMNS; values are parameters
                f"day, slot, expected, reported, abnormal) VALUES {values} "
                f"ON CONFLICT (grid_id, day, slot) DO UPDATE SET "
                f"reported = {table}.reported + excluded.reported, "
                f"abnormal = {table}.abnormal + excluded.abnormal",
                params,
            )


def _existing(rows: Iterable[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The stored reports the given rows collided with, by idempotency key and by slot."""
    rows = list(rows)
    if not rows:
        return {}
    q = Q()
    for r in rows:
        q |= Q(resident_id=r["resident_id"], day=r["day"], slot=r["slot"])
        if r["idempotency_key"]:
            q |= Q(day=r["day"], idempotency_key=r["idempotency_key"])
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    values = ("id", "resident_id", "day", "slot", "abnormal", "idempotency_key")
    for r in HealthReport.objects.filter(q).values(*values):
        found[("slot", r["resident_id"], r["day"], r["slot"])] = r
        if r["idempotency_key"]:
            found[("key", r["day"], r["idempotency_key"])] = r
    return found


def _result(row: dict[str, Any], created: bool, *, amended: bool = False) -> ReportResult:
    return ReportResult(
        report_id=row["id"],
        resident_id=row["resident_id"],
        created=created,
        abnormal=row["abnormal"],
        day=row["day"],
        slot=row["slot"],
        amended=amended,
    )


# ---- abnormal reports raise a flag ----------------------------------------------------------


def _raise_flags(actor: Actor, abnormal: list[dict[str, Any]]) -> None:
    """Each abnormal report opens a flag for its person, or joins the one already active."""
    for row in sorted(abnormal, key=lambda r: r["resident_id"]):
        flag = (
            HealthFlag.objects.select_for_update()
            .filter(resident_id=row["resident_id"], status__in=ACTIVE_FLAG_STATUSES)
            .first()
        )
        if flag is None:
            try:
                with transaction.atomic():
                    HealthFlag.objects.create(
                        **{c: row[c] for c in _PLACE},
                        household_id=row["household_id"],
                        resident_id=row["resident_id"],
                        raised_at=row["created_at"],
                        first_report_id=row["id"],
                        last_report_id=row["id"],
                        max_temperature=row["temperature"],
                        symptoms=row["symptoms"],
                        contact=row["contact"],
                        declared=row["declared"],
                    )
                continue
            except IntegrityError:
                # Another request opened it a moment ago: join that one.
                flag = HealthFlag.objects.select_for_update().get(
                    resident_id=row["resident_id"], status__in=ACTIVE_FLAG_STATUSES
                )
        flag.last_report_id = row["id"]
        flag.report_count += 1
        if row["temperature"] is not None and (
            flag.max_temperature is None or row["temperature"] > flag.max_temperature
        ):
            flag.max_temperature = row["temperature"]
        flag.symptoms |= row["symptoms"]
        flag.contact = flag.contact or row["contact"]
        flag.declared = flag.declared or row["declared"]
        flag.save(
            update_fields=[
                "last_report_id",
                "report_count",
                "max_temperature",
                "symptoms",
                "contact",
                "declared",
            ]
        )
