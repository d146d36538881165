"""Opening and closing a case, and the timeline every other write adds to.

A case opens from a handed-over flag, a grid worker's screening, a resident's call or a walk-in
at the health centre, and never twice for one person: opening again joins the open case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.scoping import place_columns_q
from core.validators import clean_text
from health.models import FlagStatus, HealthFlag, Symptom
from people.models import Resident, ResidentStatus
from places.models import household_columns
from triage.error_codes import TriageError
from triage.models import (
    CaseEvent,
    CaseStatus,
    CloseReason,
    Disposition,
    EventKind,
    FollowUp,
    FollowUpStatus,
    Origin,
    Site,
    TriageCase,
)
from triage.policies import OPEN_ROLES, may

NOTE_MAX = 500
GONE: dict[str, str] = {
    ResidentStatus.MOVED_OUT: CloseReason.MOVED_OUT,
    ResidentStatus.DECEASED: CloseReason.DECEASED,
}


ALL_SYMPTOMS = sum(Symptom.values)


def clean_symptoms(value: Any, field: str = "symptoms") -> int:
    """Symptom bits as the forms send them (see health.rules.symptom_bits)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ALL_SYMPTOMS:
        raise field_error(field, _("Choose the symptoms from the list."), code=CoreError.INVALID)
    return value


def event_add(
    case: TriageCase,
    kind: str,
    actor: Actor | None,
    *,
    at: datetime.datetime | None = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """One line of the timeline; `actor` None is the system (a periodic job)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        by_id=actor.user_id if actor is not None and actor.user_id else None,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        data=data or {},
    )


def locked_case(actor: Actor, case: TriageCase, roles: frozenset[str]) -> TriageCase:
    """The case, locked, when the actor holds one of `roles` over it and it is open."""
    if not may(actor, roles):
        raise NotAllowed(_("Your role may not do this to a case."))
    scope = Q() if actor.is_superuser else place_columns_q(actor, roles)
    if scope is None:
        raise NotAllowed(_("Your role may not do this to a case."))
    locked = TriageCase.objects.select_for_update().filter(scope, pk=case.pk).first()
    if locked is None:
        raise NotAllowed(_("This case is outside your area."))
    if locked.status != CaseStatus.OPEN:
        raise field_error("status", _("This case is closed."), code=CoreError.CLOSED)
    return locked


def _check_resident(actor: Actor, resident: Resident, roles: frozenset[str]) -> Resident:
    scope = Q() if actor.is_superuser else place_columns_q(actor, roles)
    if scope is None or not Resident.objects.filter(scope, pk=resident.pk).exists():
        raise field_error(
            "resident", _("This resident is outside your area."), code=TriageError.SCOPE
        )
    if resident.status in GONE:
        raise field_error(
            "resident",
            _("This resident is registered as %(status)s.")
            % {"status": ResidentStatus(resident.status).label},
            code=CoreError.GONE,
        )
    return resident


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    resident: Resident,
    origin: str,
    note: str = "",
    flag: HealthFlag | None = None,
    roles: frozenset[str] = OPEN_ROLES,
) -> tuple[TriageCase, bool]:
    """Open a case for the person, or join the one already open. Returns (case, created)."""
    if not may(actor, roles):
        raise NotAllowed(_("Only grid workers, community admins and health workers open cases."))
    if origin not in Origin.values:
        raise field_error(
            "origin", _("Choose how the person came to notice."), code=CoreError.INVALID
        )
    note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    if origin in (Origin.CALL, Origin.WALK_IN, Origin.SCREENING) and not note:
        raise field_error(
            "note", _("Say what was found (temperature, symptoms)."), CoreError.REQUIRED
        )
    _check_resident(actor, resident, roles)
    now = timezone.now()
    existing = (
        TriageCase.objects.select_for_update()
        .filter(resident_id=resident.pk, status=CaseStatus.OPEN)
        .first()
    )
    if existing is not None:
        _join(actor, existing, origin, note, flag)
        return existing, False
    try:
        with transaction.atomic():
            case = TriageCase.objects.create(
                **household_columns(resident),
                resident=resident,
                origin=origin,
                flag=flag,
                first_flagged_at=flag.raised_at if flag is not None else now,
                triage_due_since=now,
                opened_at=now,
                opened_by_id=actor.user_id or None,
                note=note,
            )
    except IntegrityError:
        # Opened at the same moment by someone else: join theirs.
        existing = TriageCase.objects.select_for_update().get(
            resident_id=resident.pk, status=CaseStatus.OPEN
        )
        _join(actor, existing, origin, note, flag)
        return existing, False
    event_add(
        case,
        EventKind.OPENED,
        actor,
        at=now,
        to_value=origin,
        reason=note,
        data={"flag": flag.pk} if flag is not None else {},
    )
    return case, True


def _join(actor: Actor, case: TriageCase, origin: str, note: str, flag: HealthFlag | None) -> None:
    if flag is not None and case.flag_id is None:
        case.flag = flag
        case.save(update_fields=["flag"])
    if flag is not None or note:
        event_add(
            case,
            EventKind.FLAG_JOINED,
            actor,
            to_value=origin,
            reason=note,
            data={"flag": flag.pk} if flag is not None else {},
        )


@transaction.atomic
def case_open_from_flag(*, actor: Actor, flag: HealthFlag, note: str) -> tuple[TriageCase, bool]:
    """Hand an abnormal-report flag over to triage: the flag is closed as handed over and the
    person's case opens (or the open one takes the flag)."""
    from health.flags import health_flag_hand_over

    flag = health_flag_hand_over(actor=actor, flag=flag, note=note)
    resident = Resident.objects.get(pk=flag.resident_id)
    return case_open(actor=actor, resident=resident, origin=Origin.FLAG, note=note, flag=flag)


def case_close(
    case: TriageCase,
    *,
    actor: Actor | None,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> TriageCase:
    """Close a locked, open case: its bed is freed, its due follow-ups cancelled, its flags
    resolved. Callers check who may."""
    now = now or timezone.now()
    bed_release(case, actor=actor, now=now)
    follow_ups_cancel(case, now=now)
    case.status = CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_at = now
    case.triage_due_since = None
    case.bed_wanted_since = None
    if reason == CloseReason.RELEASED:
        case.disposition = Disposition.RELEASED
    case.save()
    HealthFlag.objects.filter(
        resident_id=case.resident_id,  # type: ignore[misc]  # an open case has one
        status=FlagStatus.HANDED_OVER,
    ).update(status=FlagStatus.CASE_CLOSED)
    event_add(case, EventKind.CLOSED, actor, at=now, to_value=reason, reason=note)
    return case


def bed_release(
    case: TriageCase, *, actor: Actor | None, now: datetime.datetime, note: str = ""
) -> None:
    """Free the bed a locked case holds (its site's count goes down by one)."""
    if case.site_id is None:
        return
    from django.db.models import F

    Site.objects.filter(pk=case.site_id, occupied__gt=0).update(occupied=F("occupied") - 1)
    event_add(
        case, EventKind.BED_RELEASED, actor, at=now, from_value=str(case.site_id), reason=note
    )
    case.site_id = None


def follow_ups_cancel(case: TriageCase, *, now: datetime.datetime) -> int:
    """A person who leaves home observation has no due follow-ups left."""
    return FollowUp.objects.filter(case_id=case.pk, status=FollowUpStatus.DUE).update(
        status=FollowUpStatus.CANCELLED, level=""
    )


@transaction.atomic
def cases_close_for_resident(*, actor: Actor | None, resident: Resident) -> int:
    """A resident registered as moved out or deceased: their open case closes with that reason
    (called by the registry's status change, and by the periodic job as a safety net)."""
    reason = GONE.get(resident.status)
    if reason is None:
        return 0
    closed = 0
    for case in TriageCase.objects.select_for_update().filter(
        resident_id=resident.pk, status=CaseStatus.OPEN
    ):
        case_close(case, actor=actor, reason=reason, note=resident.status_note)
        closed += 1
    return closed


def cases_follow_resident(resident: Resident) -> int:
    """The resident moved household: their open case and its due follow-ups take the new place
    columns (called by people.services.resident_move inside its transaction)."""
    columns = {
        "city_id": resident.city_id,
        "district_id": resident.district_id,
        "street_id": resident.street_id,
        "community_id": resident.community_id,
        "grid_id": resident.grid_id,
    }
    cases = TriageCase.objects.filter(resident_id=resident.pk, status=CaseStatus.OPEN)
    ids = list(cases.values_list("pk", flat=True))
    cases.update(**columns, building_id=resident.building_id, household_id=resident.household_id)
    FollowUp.objects.filter(case_id__in=ids, status=FollowUpStatus.DUE).update(**columns)
    return len(ids)
