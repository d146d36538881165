"""Home observation: twice-daily follow-ups planned for the whole observation, filled by the
resident's own health report or recorded by a worker; overdue slots climb from the grid worker
to the health centre; a follow-up with fever or symptoms sends the person back to triage; the
last day without symptoms releases them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.scoping import place_columns_q
from core.validators import clean_text
from health.models import Presence, Slot
from health.models import Source as ReportSource
from health.rules import current_slot, is_abnormal, parse_temperature, slot_closes_at
from triage.cases import case_close, clean_symptoms, event_add
from triage.error_codes import TriageError
from triage.models import (
    CaseStatus,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpLevel,
    FollowUpSource,
    FollowUpStatus,
    TriageCase,
)
from triage.policies import FOLLOW_UP_ROLES, may
from triage.rules import FOLLOW_UP_GRACE, observation_end

SLOTS = (Slot.MORNING, Slot.AFTERNOON)


def observation_start(case: TriageCase, *, today: datetime.date) -> None:
    """Start (or restart) home observation today: its end, and one follow-up per slot to the
    end. The caller saves the case."""
    case.observation_start = today
    case.observation_end = observation_end(today, case.last_contact_on)
    follow_ups_plan(case, now=timezone.now())


def follow_ups_plan(case: TriageCase, *, now: datetime.datetime) -> None:
    """Make the due follow-ups from the current slot to the observation's end, and cancel any
    beyond it (when the last contact moved earlier). Slots already passed are not made."""
    if case.observation_end is None or case.observation_start is None:
        return
    today, slot = current_slot(now)
    first = max(case.observation_start, today)
    FollowUp.objects.filter(
        case_id=case.pk, status=FollowUpStatus.DUE, day__gt=case.observation_end
    ).update(status=FollowUpStatus.CANCELLED, level="")
    # Slots cancelled when the person left home observation before are due again now that they
    # are back (a slot is unique per case, so it cannot be made anew).
    revive = FollowUp.objects.filter(
        case_id=case.pk,
        status=FollowUpStatus.CANCELLED,
        day__gte=first,
        day__lte=case.observation_end,
    )
    if slot == Slot.AFTERNOON:
        revive = revive.exclude(day=today, slot=Slot.MORNING)
    revive.update(status=FollowUpStatus.DUE, level=FollowUpLevel.NONE, escalated_at=None)
    existing = set(FollowUp.objects.filter(case_id=case.pk).values_list("day", "slot"))
    rows: list[FollowUp] = []
    day = first
    while day <= case.observation_end:
        for s in SLOTS:
            if day == today and s == Slot.MORNING and slot == Slot.AFTERNOON:
                continue
            if (day, s) in existing:
                continue
            rows.append(
                FollowUp(
                    case_id=case.pk,
                    resident_id=case.resident_id,  # type: ignore[misc]  # an open case has one
                    city_id=case.city_id,
                    district_id=case.district_id,
                    street_id=case.street_id,
                    community_id=case.community_id,
                    grid_id=case.grid_id,
                    day=day,
                    slot=s,
                    due_at=slot_closes_at(day, s),
                )
            )
        day += datetime.timedelta(days=1)
    FollowUp.objects.bulk_create(rows)


def follow_ups_stop(case: TriageCase, *, now: datetime.datetime) -> None:
    """The person leaves home observation (hospital, isolation…): nothing more is due."""
    FollowUp.objects.filter(case_id=case.pk, status=FollowUpStatus.DUE).update(
        status=FollowUpStatus.CANCELLED, level=""
    )
    case.observation_end = None


def _escalate(case: TriageCase, actor: Actor | None, now: datetime.datetime, why: str) -> None:
    if case.triage_due_since is None:
        case.triage_due_since = now
        case.save(update_fields=["triage_due_since"])
        event_add(case, EventKind.ESCALATED, actor, at=now, reason=why)


@transaction.atomic
def follow_up_record(
    *,
    actor: Actor,
    follow_up: FollowUp,
    temperature: Any,
    symptoms: int = 0,
    note: str = "",
    now: datetime.datetime | None = None,
) -> FollowUp:
    """A worker records a follow-up for the person (phone call, visit at the door)."""
    if not may(actor, FOLLOW_UP_ROLES):
        raise NotAllowed(_("Only grid workers, community admins and health workers do this."))
    scope = Q() if actor.is_superuser else place_columns_q(actor, FOLLOW_UP_ROLES)
    if scope is None:
        raise NotAllowed(_("This follow-up is outside your area."))
    # The case first, then the follow-up: every writer locks in this order (no deadlock with a
    # disposition change or the person's own report filling the same slot).
    case_id = FollowUp.objects.filter(scope, pk=follow_up.pk).values_list("case_id", flat=True)
    case = TriageCase.objects.select_for_update().filter(pk__in=case_id).first()
    locked = FollowUp.objects.select_for_update().filter(scope, pk=follow_up.pk).first()
    if case is None or locked is None:
        raise NotAllowed(_("This follow-up is outside your area."))
    if locked.status != FollowUpStatus.DUE:
        raise field_error(
            "status",
            _("This follow-up is %(status)s.") % {"status": FollowUpStatus(locked.status).label},
            code=TriageError.NOT_DUE,
        )
    now = now or timezone.now()
    today, slot = current_slot(now)
    if locked.day > today or (
        locked.day == today and locked.slot == Slot.AFTERNOON and slot == Slot.MORNING
    ):
        raise field_error("slot", _("This slot has not started yet."), code=CoreError.FUTURE)
    temp = parse_temperature(temperature)
    symptoms = clean_symptoms(symptoms)
    source = (
        FollowUpSource.HEALTH_CENTRE
        if actor.has_role("health_worker") and not actor.has_role(("grid_worker",))
        else FollowUpSource.WORKER
    )
    _fill(
        case,
        locked,
        temp,
        symptoms,
        source=source,
        actor=actor,
        now=now,
        note=clean_text(note, max_length=200, truncate=True),
    )
    return locked


def _fill(
    case: TriageCase,
    follow_up: FollowUp,
    temperature: Decimal | None,
    symptoms: int,
    *,
    source: str,
    actor: Actor | None,
    now: datetime.datetime,
    note: str = "",
    report_id: int | None = None,
) -> None:
    """Fill a locked due follow-up of a locked case. Fever or symptoms (not a declared contact:
    every close contact in observation has one) send the person back to triage."""
    follow_up.status = FollowUpStatus.DONE
    follow_up.temperature = temperature
    follow_up.symptoms = symptoms
    follow_up.abnormal = is_abnormal(temperature, symptoms, False)
    follow_up.source = source
    follow_up.report_id = report_id
    follow_up.note = note
    follow_up.done_at = now
    follow_up.done_by_id = actor.user_id if actor is not None and actor.user_id else None
    follow_up.save()
    event_add(
        case,
        EventKind.FOLLOW_UP,
        actor,
        at=now,
        to_value=f"{follow_up.day} {follow_up.slot}",
        data={
            "temperature": str(temperature) if temperature is not None else None,
            "symptoms": symptoms,
            "abnormal": follow_up.abnormal,
            "source": source,
        },
    )
    if follow_up.abnormal and case.status == CaseStatus.OPEN:
        _escalate(case, actor, now, _("Fever or symptoms at a home-observation follow-up."))


def follow_ups_fill_from_reports(actor: Actor, rows: list[dict[str, Any]]) -> int:
    """The residents' own health reports fill their due follow-up slots (called by the report
    write path with the rows it inserted; one indexed query for the whole batch). A report of a
    person not found at home fills nothing; a screener's report counts as the worker's check."""
    if not rows:
        return 0
    by_key = {
        (r["resident_id"], r["day"], r["slot"]): r
        for r in rows
        if r.get("presence", Presence.PRESENT) == Presence.PRESENT
    }
    if not by_key:
        return 0
    residents = {key[0] for key in by_key}
    matched = [
        (pk, case_id)
        for pk, case_id, resident_id, day, slot in FollowUp.objects.filter(
            status=FollowUpStatus.DUE, resident_id__in=residents, day__in={k[1] for k in by_key}
        ).values_list("pk", "case_id", "resident_id", "day", "slot")
        if (resident_id, day, slot) in by_key
    ]
    if not matched:
        return 0
    # Cases first, then their follow-ups, each in key order (the order of every writer).
    cases = {
        case.pk: case
        for case in TriageCase.objects.select_for_update()
        .filter(pk__in={case_id for _pk, case_id in matched})
        .order_by("pk")
    }
    due = (
        FollowUp.objects.select_for_update()
        .filter(pk__in=[pk for pk, _case_id in matched], status=FollowUpStatus.DUE)
        .order_by("pk")
    )
    filled = 0
    now = timezone.now()
    for follow_up in due:
        row = by_key[(follow_up.resident_id, follow_up.day, follow_up.slot)]
        _fill(
            cases[follow_up.case_id],
            follow_up,
            row["temperature"],
            row["symptoms"],
            source=(
                FollowUpSource.WORKER
                if row.get("source") == ReportSource.SCREENING
                else FollowUpSource.SELF_REPORT
            ),
            actor=actor,
            now=now,
            report_id=row["id"],
        )
        filled += 1
    return filled


def follow_ups_escalate(now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic step: an empty slot past its deadline goes to the grid worker's list;
    still empty FOLLOW_UP_GRACE later, to the health centre. Running it twice changes nothing
    more."""
    now = now or timezone.now()
    to_grid = FollowUp.objects.filter(
        status=FollowUpStatus.DUE, level=FollowUpLevel.NONE, due_at__lte=now
    ).update(level=FollowUpLevel.GRID_WORKER, escalated_at=now)
    to_centre = FollowUp.objects.filter(
        status=FollowUpStatus.DUE,
        level__in=(FollowUpLevel.NONE, FollowUpLevel.GRID_WORKER),
        due_at__lte=now - FOLLOW_UP_GRACE,
    ).update(level=FollowUpLevel.HEALTH_CENTRE, escalated_at=now)
    return {"grid_worker": to_grid, "health_centre": to_centre}


def release_ready(case: TriageCase, today: datetime.date) -> bool:
    """Day 14 without symptoms: the last day's follow-ups are done and normal, nothing waits
    for triage, and the category allows going home."""
    if (
        case.status != CaseStatus.OPEN
        or case.disposition != Disposition.HOME_OBSERVATION
        or case.observation_end is None
        or case.observation_end > today
        or case.triage_due_since is not None
        or case.category in (Category.CONFIRMED, Category.SUSPECTED)
    ):
        return False
    last = FollowUp.objects.filter(case_id=case.pk, day=case.observation_end).exclude(
        status=FollowUpStatus.CANCELLED
    )
    if case.observation_end == today and last.count() < len(SLOTS):
        return False
    return not last.filter(Q(status=FollowUpStatus.DUE) | Q(abnormal=True)).exists()


def observation_release_due(now: datetime.datetime | None = None) -> int:
    """The periodic step: release everyone whose observation ended without symptoms (the
    release is recorded on the case, by the system). Running it twice releases nobody twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    released = 0
    ids = list(
        TriageCase.objects.filter(
            status=CaseStatus.OPEN,
            disposition=Disposition.HOME_OBSERVATION,
            observation_end__lte=today,
            triage_due_since__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            case = TriageCase.objects.select_for_update().get(pk=pk)
            if not release_ready(case, today):
                continue
            event_add(
                case,
                EventKind.DISPOSITION,
                None,
                at=now,
                from_value=case.disposition,
                to_value=Disposition.RELEASED,
                reason=_("14 days of home observation ended without symptoms."),
            )
            case_close(
                case,
                actor=None,
                reason=CloseReason.RELEASED,
                now=now,
                note=_("14 days of home observation ended without symptoms."),
            )
            released += 1
    return released
