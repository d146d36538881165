"""Close contacts (密切接触者): a contact is linked to its index case (a contact's contacts to
the contact), with the day of last contact; observation ends 14 days after that day."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import field_error
from core.validators import clean_text
from people.models import Resident
from triage import follow_ups as follow_up_services
from triage.cases import NOTE_MAX, case_open, event_add, locked_case
from triage.error_codes import TriageError
from triage.models import Category, Disposition, EventKind, Origin, TriageCase
from triage.policies import CATEGORY_ROLES, CONTACT_ROLES
from triage.rules import CONTACT_MAX_AGE, observation_end


@transaction.atomic
def contact_link(
    *,
    actor: Actor,
    index_case: TriageCase,
    resident: Resident,
    last_contact_on: datetime.date | None,
    note: str = "",
) -> TriageCase:
    """Open (or take) the contact's case and link it to `index_case`. A person cannot be their
    own contact and index cases cannot form a cycle; linked by the health centre, the contact
    is categorised as a close contact at once, otherwise the health centre triages it."""
    index_case = locked_case(actor, index_case, CONTACT_ROLES)
    today = timezone.localdate()
    if last_contact_on is None:
        raise field_error("last_contact_on", _("Give the day of last contact."), CoreError.REQUIRED)
    if last_contact_on > today:
        raise field_error(
            "last_contact_on", _("The day cannot be in the future."), CoreError.FUTURE
        )
    if last_contact_on < today - CONTACT_MAX_AGE:
        raise field_error(
            "last_contact_on",
            _("The last contact was more than 14 days ago: there is nothing left to observe."),
            CoreError.TOO_OLD,
        )
    if resident.pk == index_case.resident_id:
        raise field_error("resident", _("A person cannot be their own contact."), TriageError.SELF)
    contact, _created = case_open(
        actor=actor, resident=resident, origin=Origin.CONTACT, note=note, roles=CONTACT_ROLES
    )
    contact = TriageCase.objects.select_for_update().get(pk=contact.pk)
    # Walk up from the index case: meeting the contact means the link would close a cycle.
    # Each case on the way is locked, so two links made at once cannot close one together.
    seen: set[int] = set()
    up: TriageCase | None = index_case
    while up is not None and up.pk not in seen:
        if up.pk == contact.pk:
            raise field_error(
                "resident",
                _("This person is already up the chain of this case (a cycle of index cases)."),
                TriageError.CYCLE,
            )
        seen.add(up.pk)
        up = (
            TriageCase.objects.select_for_update().filter(pk=up.index_case_id).first()
            if up.index_case_id is not None
            else None
        )
    # A later contact keeps the observation going longer; an earlier one never shortens it.
    last = max(last_contact_on, contact.last_contact_on or last_contact_on)
    contact.index_case = index_case
    contact.last_contact_on = last
    now = timezone.now()
    event_add(
        contact,
        EventKind.CONTACT_LINKED,
        actor,
        at=now,
        to_value=str(index_case.pk),
        reason=clean_text(note, max_length=NOTE_MAX, truncate=True),
        data={"last_contact_on": last.isoformat()},
    )
    if not contact.category and (actor.is_superuser or actor.has_role(CATEGORY_ROLES)):
        event_add(
            contact,
            EventKind.CATEGORY,
            actor,
            at=now,
            to_value=Category.CLOSE_CONTACT,
            reason=_("Traced as a close contact of case #%(id)s.") % {"id": index_case.pk},
        )
        contact.category = Category.CLOSE_CONTACT
        contact.triaged_at = contact.triaged_at or now
        contact.triage_due_since = None
    if contact.disposition == Disposition.HOME_OBSERVATION and contact.observation_start:
        contact.observation_end = max(
            contact.observation_end or today, observation_end(contact.observation_start, last)
        )
        follow_up_services.follow_ups_plan(contact, now=now)
    contact.save()
    return contact
