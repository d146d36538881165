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
from core.errors import NotAllowed, field_error
from core.scoping import place_columns_q
from health.models import Slot
from health.rules import current_slot, is_abnormal, parse_temperature, slot_closes_at
from triage.cases import case_close, clean_note, event_add
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
                    resident_id=case.resident_id,
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
    locked = (
        FollowUp.objects.select_for_update().filter(scope or Q(pk=None), pk=follow_up.pk).first()
    )
    if locked is None:
        raise NotAllowed(_("This follow-up is outside your area."))
    if locked.status != FollowUpStatus.DUE:
        raise field_error(
            "status",
            _("This follow-up is %(status)s.") % {"status": FollowUpStatus(locked.status).label},
            code="not_due",
        )
    now = now or timezone.now()
    today, slot = current_slot(now)
    if locked.day > today or (
        locked.day == today and locked.slot == Slot.AFTERNOON and slot == Slot.MORNING
    ):
        raise field_error("slot", _("This slot has not started yet."), code="future")
    temp = parse_temperature(temperature)
    source = (
        FollowUpSource.HEALTH_CENTRE
        if actor.has_role("health_worker") and not actor.has_role(("grid_worker",))
        else FollowUpSource.WORKER
    )
    _fill(locked, temp, symptoms, source=source, actor=actor, now=now, note=clean_note(note)[:200])
    return locked


def _fill(
    follow_up: FollowUp,
    temperature: Decimal | None,
    symptoms: int,
    *,
    source: str,
    actor: Actor | None,
    now: datetime.datetime,
    note: str = "",
    report_id: int | None = None,
    abnormal: bool | None = None,
) -> None:
    follow_up.status = FollowUpStatus.DONE
    follow_up.temperature = temperature
    follow_up.symptoms = symptoms
    follow_up.abnormal = (
        abnormal if abnormal is not None else is_abnormal(temperature, symptoms, False)
    )
    follow_up.source = source
    follow_up.report_id = report_id
    follow_up.note = note
    follow_up.done_at = now
    follow_up.done_by_id = actor.user_id if actor is not None and actor.user_id else None
    follow_up.save()
    case = TriageCase.objects.select_for_update().get(pk=follow_up.case_id)
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
    write path with the rows it inserted; one indexed query for the whole batch)."""
    if not rows:
        return 0
    by_key = {(r["resident_id"], r["day"], r["slot"]): r for r in rows}
    residents = {r["resident_id"] for r in rows}
    due = list(
        FollowUp.objects.select_for_update()
        .filter(status=FollowUpStatus.DUE, resident_id__in=residents)
        .filter(day__in={r["day"] for r in rows})
        .order_by("pk")
    )
    filled = 0
    now = timezone.now()
    for follow_up in due:
        row = by_key.get((follow_up.resident_id, follow_up.day, follow_up.slot))
        if row is None:
            continue
        _fill(
            follow_up,
            row["temperature"],
            row["symptoms"],
            source=FollowUpSource.SELF_REPORT,
            actor=actor,
            now=now,
            report_id=row["id"],
            abnormal=bool(row["abnormal"]),
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
