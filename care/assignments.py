"""Giving a vulnerable household a carer (一对一包保), handing it over, changing the plan, ending
it, and a carer leaving. At most one active assignment per household (the database constraint
care_one_active_per_household); the household row is locked while it changes hands, so two
admins assigning at once leave exactly one active assignment."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Grant, User
from care import rules
from care.error_codes import CareError
from care.models import CareAssignment, EndReason
from care.policies import COMMUNITY_CARER_ROLES, assigns_in
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import clean_text
from people.models import VULNERABILITY_FIELDS, Resident, ResidentStatus
from places.models import Household, Place, household_columns

LIVING_STATUSES = (ResidentStatus.PRESENT, ResidentStatus.AWAY)
NOTE_MAX = 200


def vulnerable_q(prefix: str = "") -> Q:
    """A living resident with any vulnerability flag (`prefix` for a related lookup)."""
    flags = Q()
    for name in VULNERABILITY_FIELDS:
        flags |= Q(**{f"{prefix}{name}": True})
    return Q(**{f"{prefix}status__in": LIVING_STATUSES}) & flags


def in_home_observation_q() -> Q:
    """A resident with an open triage case in home observation."""
    from triage.models import CaseStatus, Disposition, TriageCase

    return Q(
        Exists(
            TriageCase.objects.filter(
                resident_id=OuterRef("pk"),
                status=CaseStatus.OPEN,
                disposition=Disposition.HOME_OBSERVATION,
            )
        )
    )


def household_is_vulnerable(household: Household) -> bool:
    residents = Resident.objects.filter(household_id=household.pk)
    return (
        residents.filter(vulnerable_q()).exists()
        or residents.filter(in_home_observation_q(), status__in=LIVING_STATUSES).exists()
    )


def carer_grant_q(community_id: int, grid_id: int | None) -> Q:
    """Grants that make a user a carer for a household of `grid_id` in `community_id` (any grid
    of the community when `grid_id` is None)."""
    at_grid = (
        Q(place_id=grid_id)
        if grid_id is not None
        else Q(place__in=Place.objects.filter(parent_id=community_id))
    )
    return Q(role__in=COMMUNITY_CARER_ROLES, place_id=community_id) | (
        Q(role=Role.GRID_WORKER) & at_grid
    )


def is_carer_at(user_id: int, community_id: int, grid_id: int | None) -> bool:
    return (
        Grant.objects.filter(carer_grant_q(community_id, grid_id), user_id=user_id)
        .filter(user__is_active=True)
        .exists()
    )


def _check_plan(phone_every_days: Any, visit_every_days: Any) -> tuple[int, int]:
    try:
        phone = int(phone_every_days)
    except (TypeError, ValueError):
        raise field_error(
            "phone_every_days", _("Enter a number of days."), CoreError.INVALID
        ) from None
    try:
        visit = int(visit_every_days)
    except (TypeError, ValueError):
        raise field_error(
            "visit_every_days", _("Enter a number of days."), CoreError.INVALID
        ) from None
    if not 0 <= phone <= rules.PHONE_EVERY_MAX:
        raise field_error(
            "phone_every_days",
            _("Phone every 1 to %(max)s days, or 0 for no phone checks.")
            % {"max": rules.PHONE_EVERY_MAX},
            CoreError.OUT_OF_RANGE,
        )
    if not 0 <= visit <= rules.VISIT_EVERY_MAX:
        raise field_error(
            "visit_every_days",
            _("Visit every 1 to %(max)s days, or 0 for no visits.")
            % {"max": rules.VISIT_EVERY_MAX},
            CoreError.OUT_OF_RANGE,
        )
    if phone == 0 and visit == 0:
        raise field_error(
            "phone_every_days", _("Plan phone checks, visits or both."), CareError.NO_PLAN
        )
    return phone, visit


def _end(
    assignment: CareAssignment,
    *,
    by_id: int | None,
    reason: str,
    note: str,
    now: datetime.datetime,
) -> None:
    assignment.ended_at = now
    assignment.end_reason = reason
    assignment.end_note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    assignment.ended_by_id = by_id
    assignment.save(update_fields=["ended_at", "end_reason", "end_note", "ended_by"])


def actor_user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


@transaction.atomic
def care_assign(
    *,
    actor: Actor,
    household: Household,
    carer_user_id: int | None,
    phone_every_days: int,
    visit_every_days: int,
    plan_note: str = "",
    now: datetime.datetime | None = None,
) -> CareAssignment:
    """Give the household a carer with a contact plan. An active assignment of another carer is
    ended (given to another carer) and the new one starts: a handover. The same carer again
    keeps the assignment and takes the new plan."""
    now = now or timezone.now()
    if not assigns_in(actor, household.community_id):
        raise NotAllowed(_("Only the community's admin assigns carers there."))
    # One household changes hands at a time: the second admin waits and then sees the first's.
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not household_is_vulnerable(household):
        raise field_error(
            "household",
            _("No one in this household is marked vulnerable or in home observation."),
            CareError.NOT_VULNERABLE,
        )
    phone, visit = _check_plan(phone_every_days, visit_every_days)
    if not carer_user_id or not is_carer_at(
        int(carer_user_id), household.community_id, household.grid_id
    ):
        raise field_error(
            "carer",
            _(
                "Choose a cadre or volunteer deployed to this community, or the grid worker "
                "of this household's grid."
            ),
            CareError.NOT_CARER,
        )
    carer = User.objects.get(pk=carer_user_id)
    current = (
        CareAssignment.objects.select_for_update()
        .filter(household_id=household.pk, ended_at__isnull=True)
        .first()
    )
    if current is not None and current.carer_id == carer.pk:
        return care_plan_set(
            actor=actor,
            assignment=current,
            phone_every_days=phone,
            visit_every_days=visit,
            plan_note=plan_note,
            now=now,
        )
    if current is not None:
        _end(current, by_id=actor.user_id, reason=EndReason.REASSIGNED, note="", now=now)
    today = timezone.localdate(now)
    return CareAssignment.objects.create(
        **household_columns(household),
        carer=carer,
        phone_every_days=phone,
        visit_every_days=visit,
        plan_note=clean_text(plan_note, max_length=NOTE_MAX, truncate=True),
        phone_due_on=rules.first_due(today, phone),
        visit_due_on=rules.first_due(today, visit),
        assigned_by_id=actor_user_id(actor),
        started_at=now,
    )


@transaction.atomic
def care_plan_set(
    *,
    actor: Actor,
    assignment: CareAssignment,
    phone_every_days: int,
    visit_every_days: int,
    plan_note: str = "",
    now: datetime.datetime | None = None,
) -> CareAssignment:
    """Change the contact plan. A due day comes no later than the new interval allows."""
    now = now or timezone.now()
    if not assigns_in(actor, assignment.community_id):
        raise NotAllowed(_("Only the community's admin changes a care plan."))
    assignment = CareAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_at is not None:
        raise field_error("assignment", _("This assignment has ended."), CoreError.ENDED)
    phone, visit = _check_plan(phone_every_days, visit_every_days)
    today = timezone.localdate(now)
    base = timezone.localdate(assignment.last_success_at) if assignment.last_success_at else today

    def due(current: datetime.date | None, every: int) -> datetime.date | None:
        if not every:
            return None
        if current is None:
            return today
        return min(current, base + datetime.timedelta(days=every))

    assignment.phone_due_on = due(assignment.phone_due_on, phone)
    assignment.visit_due_on = due(assignment.visit_due_on, visit)
    assignment.phone_every_days = phone
    assignment.visit_every_days = visit
    assignment.plan_note = clean_text(plan_note, max_length=NOTE_MAX, truncate=True)
    assignment.save(
        update_fields=[
            "phone_due_on",
            "visit_due_on",
            "phone_every_days",
            "visit_every_days",
            "plan_note",
        ]
    )
    return assignment


@transaction.atomic
def care_end(
    *,
    actor: Actor,
    assignment: CareAssignment,
    reason: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CareAssignment:
    now = now or timezone.now()
    if not assigns_in(actor, assignment.community_id):
        raise NotAllowed(_("Only the community's admin ends a care assignment."))
    if reason not in EndReason.values:
        raise field_error("reason", _("Choose why the care ends."), CoreError.INVALID)
    assignment = CareAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_at is not None:
        raise field_error("assignment", _("This assignment has already ended."), CoreError.ENDED)
    _end(assignment, by_id=actor.user_id, reason=reason, note=note, now=now)
    return assignment


@transaction.atomic
def carer_leave(
    *,
    actor: Actor,
    carer_user_id: int | None,
    community: Place,
    note: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """A carer leaves (deployment over, unwell): every active assignment of theirs in the
    community ends as "carer left"; the households go on the handover list. Returns how many."""
    now = now or timezone.now()
    if not assigns_in(actor, community.pk):
        raise NotAllowed(_("Only the community's admin records a carer leaving."))
    if not carer_user_id:
        raise field_error("carer", _("Choose the carer who leaves."), CoreError.REQUIRED)
    rows = list(
        CareAssignment.objects.select_for_update().filter(
            carer_id=carer_user_id, community_id=community.pk, ended_at__isnull=True
        )
    )
    if not rows:
        raise field_error(
            "carer",
            _("This person cares for no household in this community."),
            CareError.NO_HOUSEHOLDS,
        )
    for row in rows:
        _end(row, by_id=actor.user_id, reason=EndReason.CARER_LEFT, note=note, now=now)
    return len(rows)
