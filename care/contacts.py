"""Recording a phone check, home visit or failed attempt; a need found becomes a resident request
in the same step (the same transaction: both or neither)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from care import rules
from care.assignments import LIVING_STATUSES, actor_user_id, vulnerable_q
from care.error_codes import CareError
from care.models import CareAssignment, CareContact, ContactKind, HealthState
from care.policies import logs_contact
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error, rename_fields
from core.validators import normalize_line
from people.models import Resident
from places.models import household_columns

TEXT_MAX = 300
# The request service's field names as the contact form calls them.
REQUEST_FIELDS = {
    "category": "request_category",
    "urgency": "request_urgency",
    "details": "request_details",
    "resident": "request_category",
}


def request_resident(household_id: int) -> Resident | None:
    """Whom a request raised at a contact is for: the household's first living vulnerable
    resident, else its first living resident."""
    living = Resident.objects.filter(household_id=household_id, status__in=LIVING_STATUSES)
    return living.filter(vulnerable_q()).order_by("pk").first() or living.order_by("pk").first()


@transaction.atomic
def care_contact_log(
    *,
    actor: Actor,
    assignment: CareAssignment,
    kind: str,
    health: str,
    outcome: str = "",
    needs: str = "",
    request_category: str = "",
    request_urgency: str = "normal",
    request_details: str = "",
    at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> CareContact:
    """Record one contact at `at` (default now). A phone check or visit moves the due days,
    counts as the last success and clears the no-contact alarm; a failed attempt moves nothing.
    With `request_category` a request is filed for the household's resident and kept on the
    contact."""
    now = now or timezone.now()
    at = at or now
    if not logs_contact(actor, assignment):
        raise NotAllowed(_("Only the carer or the community's admin records a contact."))
    assignment = CareAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_at is not None:
        raise field_error(
            "assignment",
            _("This assignment has ended; contacts go to the new one."),
            CoreError.ENDED,
        )
    if kind not in ContactKind.values:
        raise field_error("kind", _("Choose a phone check, a visit or a failed attempt."))
    if health not in HealthState.values:
        raise field_error("health", _("Choose how the resident is."))
    if at > now + rules.FUTURE_TOLERANCE:
        raise field_error("at", _("A contact cannot be in the future."), CoreError.FUTURE)
    if at < assignment.started_at - rules.FUTURE_TOLERANCE:
        raise field_error("at", _("This is before the assignment started."), CoreError.TOO_EARLY)
    outcome = normalize_line(outcome)[:TEXT_MAX]
    needs = normalize_line(needs)[:TEXT_MAX]
    request = None
    if request_category:
        resident = request_resident(assignment.household_id)
        if resident is None:
            raise field_error(
                "request_category",
                _("No one lives in this household any more."),
                CareError.NO_RESIDENT,
            )
        from service_requests.filing import request_file

        try:
            request = request_file(
                actor=actor,
                resident=resident,
                category=request_category,
                urgency=request_urgency or "normal",
                details=request_details or needs,
                now=now,
            )
        except ValidationError as e:
            raise rename_fields(e, REQUEST_FIELDS) from None
    contact = CareContact.objects.create(
        **household_columns(assignment),
        assignment=assignment,
        carer_id=actor_user_id(actor),
        kind=kind,
        at=at,
        health=health,
        outcome=outcome,
        needs=needs,
        request=request,
    )
    if kind in rules.SUCCESS_KINDS:
        day = timezone.localdate(at)
        assignment.phone_due_on, assignment.visit_due_on = rules.moved_due_days(
            kind,
            day,
            assignment.phone_every_days,
            assignment.visit_every_days,
            assignment.phone_due_on,
            assignment.visit_due_on,
        )
        if assignment.last_success_at is None or at > assignment.last_success_at:
            assignment.last_success_at = at
        assignment.alarm_at = None
        assignment.save(
            update_fields=["phone_due_on", "visit_due_on", "last_success_at", "alarm_at"]
        )
    return contact
