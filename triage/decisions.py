"""The decisions on a case: the health centre's assessment and category, the community's or
street's disposition, the bed at a site, and transport. Each records who, when and why."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import clean_text
from health.rules import parse_temperature
from triage import follow_ups as follow_up_services
from triage.cases import (
    NOTE_MAX,
    bed_release,
    case_close,
    clean_symptoms,
    event_add,
    locked_case,
)
from triage.error_codes import TriageError
from triage.models import (
    BED_DISPOSITIONS,
    Category,
    CloseReason,
    Disposition,
    EventKind,
    Site,
    SiteKind,
    Transport,
    TriageCase,
)
from triage.policies import CATEGORY_ROLES, DISPOSITION_ROLES
from triage.rules import CATEGORY_NEXT, DISPOSITIONS_FOR, observation_end

RESULT_MAX = 200


@transaction.atomic
def case_assess(
    *,
    actor: Actor,
    case: TriageCase,
    category: str,
    temperature: Any = None,
    symptoms: int = 0,
    test_result: str = "",
    notes: str = "",
    reason: str = "",
) -> TriageCase:
    """The clinician's assessment and category. The first category needs no reason; changing
    it does (suspected → confirmed, febrile → cleared…). Keeping it is a reassessment."""
    case = locked_case(actor, case, CATEGORY_ROLES)
    if category not in Category.values:
        raise field_error("category", _("Choose a category."), code=CoreError.INVALID)
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    changed = category != case.category
    if changed and category not in CATEGORY_NEXT[case.category]:
        raise field_error(
            "category",
            _("A case cannot go from %(old)s to %(new)s.")
            % {"old": Category(case.category).label, "new": Category(category).label},
            code=TriageError.TRANSITION,
        )
    if changed and case.category and not reason:
        raise field_error("reason", _("Say why the category changes."), code=CoreError.REQUIRED)
    temp: Decimal | None = None
    if temperature not in (None, ""):
        temp = parse_temperature(temperature)
    symptoms = clean_symptoms(symptoms)
    test_result = clean_text(test_result, max_length=RESULT_MAX, truncate=True)
    notes = clean_text(notes, max_length=NOTE_MAX, truncate=True)
    now = timezone.now()
    event_add(
        case,
        EventKind.ASSESSED,
        actor,
        at=now,
        reason=notes,
        data={
            "temperature": str(temp) if temp is not None else None,
            "symptoms": symptoms,
            "test_result": test_result,
        },
    )
    if changed:
        event_add(
            case,
            EventKind.CATEGORY,
            actor,
            at=now,
            from_value=case.category,
            to_value=category,
            reason=reason,
        )
    case.category = category
    case.triaged_at = case.triaged_at or now
    case.triage_due_since = None
    case.temperature, case.symptoms = temp, symptoms
    case.test_result, case.note = test_result, notes or case.note
    case.save()
    return case


@transaction.atomic
def case_disposition_set(
    *,
    actor: Actor,
    case: TriageCase,
    disposition: str,
    reason: str = "",
    site: Site | None = None,
) -> TriageCase:
    """Where the person goes. A hospital or isolation site puts them in the street's transfer
    queue until a bed is assigned (at once when `site` is given and has room); home
    observation plans the twice-daily follow-ups; released closes the case."""
    case = locked_case(actor, case, DISPOSITION_ROLES)
    if disposition not in Disposition.values:
        raise field_error("disposition", _("Choose a disposition."), code=CoreError.INVALID)
    if not case.category:
        raise field_error(
            "disposition",
            _("The health centre must triage the case first."),
            code=TriageError.UNTRIAGED,
        )
    if disposition == case.disposition:
        raise field_error(
            "disposition", _("The case already has this disposition."), code=TriageError.UNCHANGED
        )
    if disposition not in DISPOSITIONS_FOR[case.category]:
        raise field_error(
            "disposition",
            _("A %(category)s cannot be sent to %(disposition)s.")
            % {
                "category": Category(case.category).label,
                "disposition": Disposition(disposition).label,
            },
            code=TriageError.TRANSITION,
        )
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    if case.disposition and not reason:
        raise field_error("reason", _("Say why the disposition changes."), code=CoreError.REQUIRED)
    now = timezone.now()
    today = timezone.localdate(now)
    # A close contact is watched until 14 days after the last contact, wherever they are (an
    # isolation room or not yet sent anywhere: the day is known from the contact link).
    watch_until = case.observation_end
    if case.last_contact_on is not None:
        watch_until = max(watch_until or today, observation_end(today, case.last_contact_on))
    if (
        disposition == Disposition.RELEASED
        and case.category == Category.CLOSE_CONTACT
        and watch_until is not None
        and today < watch_until
    ):
        raise field_error(
            "disposition",
            _("A close contact's observation lasts until %(day)s.") % {"day": watch_until},
            code=CoreError.TOO_EARLY,
        )
    event_add(
        case,
        EventKind.DISPOSITION,
        actor,
        at=now,
        from_value=case.disposition,
        to_value=disposition,
        reason=reason,
    )
    if disposition == Disposition.RELEASED:
        return case_close(case, actor=actor, reason=CloseReason.RELEASED, note=reason, now=now)
    if case.site_id is not None:
        bed_release(case, actor=actor, now=now, note=reason)
    if disposition != Disposition.HOME_OBSERVATION:
        # Whatever came before, a person leaving home has no due follow-ups.
        follow_up_services.follow_ups_stop(case, now=now)
    case.disposition = disposition
    case.bed_wanted_since = None
    case.queue_alarm_at = None
    if disposition in BED_DISPOSITIONS:
        case.bed_wanted_since = now
        event_add(case, EventKind.BED_QUEUED, actor, at=now, to_value=disposition)
    if disposition == Disposition.HOME_OBSERVATION:
        follow_up_services.observation_start(case, today=today)
    case.save()
    if site is not None and disposition in BED_DISPOSITIONS:
        _take_bed(actor, case, site, now)
    return case


@transaction.atomic
def bed_assign(*, actor: Actor, case: TriageCase, site: Site) -> TriageCase:
    """Give a waiting person a bed (or room) at a site with room; a full site refuses and
    nothing changes. On PostgreSQL two workers taking the last bed: exactly one wins."""
    case = locked_case(actor, case, DISPOSITION_ROLES)
    if case.disposition not in BED_DISPOSITIONS:
        raise field_error(
            "site",
            _("Set the disposition to a designated hospital or an isolation site first."),
            code=TriageError.NO_BED_NEEDED,
        )
    now = timezone.now()
    if case.site_id == site.pk:
        raise field_error(
            "site", _("The person already has a place at this site."), TriageError.UNCHANGED
        )
    _take_bed(actor, case, site, now)
    return case


def _take_bed(actor: Actor, case: TriageCase, site: Site, now: datetime.datetime) -> None:
    wanted = BED_DISPOSITIONS[Disposition(case.disposition)]
    visible = Site.objects.for_actor(actor).filter(pk=site.pk).first()
    if visible is None:
        raise field_error("site", _("This site is outside your area."), code=TriageError.SCOPE)
    if visible.kind != wanted:
        raise field_error(
            "site",
            _("Choose a %(kind)s.") % {"kind": SiteKind(wanted).label},
            code=TriageError.WRONG_KIND,
        )
    # One conditional UPDATE: the row lock makes a second taker re-read the count and miss.
    taken = Site.objects.filter(pk=site.pk, is_active=True, occupied__lt=F("capacity")).update(
        occupied=F("occupied") + 1
    )
    if not taken:
        raise field_error(
            "site",
            _("%(site)s is full or not taking people; choose another site.") % {"site": site.name},
            code=TriageError.FULL,
        )
    if case.site_id is not None:
        bed_release(case, actor=actor, now=now)
    case.site_id = site.pk
    case.bed_wanted_since = None
    case.queue_alarm_at = None
    if wanted == SiteKind.ISOLATION:
        case.isolated_at = case.isolated_at or now
    else:
        case.hospitalised_at = case.hospitalised_at or now
    case.save()
    event_add(
        case, EventKind.BED_ASSIGNED, actor, at=now, to_value=str(site.pk), data={"site": site.name}
    )


@transaction.atomic
def transport_set(*, actor: Actor, case: TriageCase, transport: str, note: str = "") -> TriageCase:
    """Transport is a request the requests capability dispatches; the case records that it is
    needed and that it was done."""
    case = locked_case(actor, case, DISPOSITION_ROLES)
    if transport not in Transport.values:
        raise field_error("transport", _("Choose needed or done."), code=CoreError.INVALID)
    if transport == case.transport:
        raise field_error(
            "transport", _("Transport is already marked so."), code=TriageError.UNCHANGED
        )
    if transport == Transport.DONE and case.transport != Transport.NEEDED:
        raise field_error(
            "transport", _("Mark transport as needed before marking it done."), code=CoreError.ORDER
        )
    event_add(
        case,
        EventKind.TRANSPORT,
        actor,
        from_value=case.transport,
        to_value=transport,
        reason=clean_text(note, max_length=NOTE_MAX, truncate=True),
    )
    case.transport = transport
    case.save(update_fields=["transport"])
    return case


__all__ = ["NotAllowed", "bed_assign", "case_assess", "case_disposition_set", "transport_set"]
