"""Writes of recognition and accountability (M17): frontline entries, nominations, commendation
decisions (and publishing their exemplary deeds as a notice), accountability records (问责) and
activists found on the front line (入党积极分子).

Each service checks that the actor records for the party organisation concerned (organisation
departments over their area, the community admin for organisations of the community, the unit's
party admin for the unit's), names every wrong field at once, and creates nothing on error."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_paragraphs
from notices.models import Notice, NoticeKind
from notices.publishing import notice_publish
from outreach import policies as outreach_policies
from outreach import recognition_selectors as sel
from outreach.error_codes import OutreachError
from outreach.models import (
    Accountability,
    Activist,
    Commendation,
    FrontlineEntry,
    Nomination,
    NominationStatus,
)
from party.models import PartyOrg
from people.models import Person
from places.models import Place

TEXT_MAX = 5000
TITLE_MAX = 120
AUTHORITY_MAX = 120
WHERE_MAX = 200
DECISION_MAX = 20000


class _Errors:
    """Collects field errors so that one answer names every wrong field."""

    def __init__(self) -> None:
        self.fields: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.fields.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)  # type: ignore[arg-type]


def _text(errors: _Errors, field: str, value: Any, limit: int, *, multiline: bool = False) -> str:
    text = normalize_paragraphs(value) if multiline else normalize_line(value)
    if not text:
        errors.add(field, _("This field is required."), "required")
    elif len(text) > limit:
        errors.add(field, _("At most %(n)s characters.") % {"n": limit}, "too_long")
    return text


def _past_date(errors: _Errors, field: str, value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str) and value:
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            errors.add(field, _("Enter a date as YYYY-MM-DD."))
            return None
    if not isinstance(value, datetime.date):
        errors.add(field, _("Enter the date."), "required")
        return None
    if value > timezone.localdate():
        errors.add(field, _("The date cannot be in the future."), "future")
        return None
    return value


def _org_for(actor: Actor, person: Person, org: PartyOrg | None) -> PartyOrg:
    """The organisation a record is for: the one given, else the person's own; the actor must
    record for it."""
    if actor.user_id is None and not actor.is_superuser:
        raise NotAllowed(_("Log in first."))
    if org is None:
        member = sel.person_membership(person)
        if member is None:
            raise field_error(
                "org", _("This person has no party organisation; choose one."), CoreError.REQUIRED
            )
        org = member.org
    if not outreach_policies.may_record_for(actor, org):
        raise NotAllowed(
            _(
                "Only the organisation department or the person's own party "
                "organisation records this."
            )
        )
    return org


def _lock(person: Person) -> None:
    """Serialise records about one person: a check for an open one then its creation cannot
    interleave with another admin's (two tabs, two admins)."""
    Person.objects.select_for_update().filter(pk=person.pk).first()


def _by_org(actor: Actor, person: Person, org: PartyOrg) -> dict[str, Any]:
    return {
        "person": person,
        "org": org,
        "scope_path": org.scope_path,
        "unit_id": org.unit_id,
        "recorded_by_id": actor.user_id,
        "recorded_at": timezone.now(),
    }


@transaction.atomic
def frontline_entry_add(
    *,
    actor: Actor,
    person: Person,
    happened_on: datetime.date | str | None,
    text: str,
    org: PartyOrg | None = None,
) -> FrontlineEntry:
    """The organisation writes what the person did on the front line (a dated entry)."""
    org = _org_for(actor, person, org)
    errors = _Errors()
    day = _past_date(errors, "happened_on", happened_on)
    body = _text(errors, "text", text, TEXT_MAX, multiline=True)
    errors.raise_any()
    assert day is not None
    return FrontlineEntry.objects.create(**_by_org(actor, person, org), happened_on=day, text=body)


@transaction.atomic
def nominate(
    *, actor: Actor, person: Person, title: str, deeds: str, org: PartyOrg | None = None
) -> Nomination:
    """Propose the person for an honour (e.g. 全市优秀共产党员) with their deeds."""
    org = _org_for(actor, person, org)
    errors = _Errors()
    honour = _text(errors, "title", title, TITLE_MAX)
    body = _text(errors, "deeds", deeds, TEXT_MAX, multiline=True)
    errors.raise_any()
    _lock(person)
    open_same = Nomination.objects.filter(
        person=person, title=honour, status=NominationStatus.PROPOSED
    ).exists()
    if open_same:
        raise field_error(
            "title", _("This person is already proposed for this honour."), CoreError.DUPLICATE
        )
    return Nomination.objects.create(**_by_org(actor, person, org), title=honour, deeds=body)


def _department_place(actor: Actor, place: Place | None) -> Place:
    places = sel.department_places(actor)
    if not places:
        raise NotAllowed(_("Only the organisation department records commendations."))
    if place is None:
        if len(places) == 1:
            return places[0]
        raise field_error("place", _("Choose the area of the decision."), CoreError.REQUIRED)
    if place.pk not in {p.pk for p in places}:
        raise field_error("place", _("Choose a city or district you are the department of."))
    return place


@transaction.atomic
def commendation_record(
    *,
    actor: Actor,
    title: str,
    decision_text: str,
    authority: str,
    decided_on: datetime.date | str | None,
    nominations: Sequence[Nomination] = (),
    not_adopted: Sequence[Nomination] = (),
    place: Place | None = None,
) -> Commendation:
    """Record a commendation decision (表彰决定) of the organisation department. The nominations
    it settles become commended; those in `not_adopted` are marked not adopted."""
    where = _department_place(actor, place)
    errors = _Errors()
    honour = _text(errors, "title", title, TITLE_MAX)
    text = _text(errors, "decision_text", decision_text, DECISION_MAX, multiline=True)
    by = _text(errors, "authority", authority, AUTHORITY_MAX)
    day = _past_date(errors, "decided_on", decided_on)
    settle = {n.pk: n for n in nominations}
    refuse = {n.pk: n for n in not_adopted}
    if set(settle) & set(refuse):
        errors.add("not_adopted", _("A nomination cannot be both commended and not adopted."))
    ids = set(settle) | set(refuse)
    if ids:
        # Locked: a nomination decided on its own page meanwhile is not open any more.
        open_ones = sel.open_nominations(actor, where).filter(pk__in=ids)
        usable = set(open_ones.select_for_update(of=("self",)).values_list("pk", flat=True))
        if set(settle) - usable:
            errors.add(
                "nominations", _("Choose open nominations of the decision's area."), "not_open"
            )
        if set(refuse) - usable:
            errors.add(
                "not_adopted", _("Choose open nominations of the decision's area."), "not_open"
            )
    errors.raise_any()
    assert day is not None and actor.user_id is not None
    now = timezone.now()
    commendation = Commendation.objects.create(
        title=honour,
        decision_text=text,
        authority=by,
        decided_on=day,
        place=where,
        place_path=where.path,
        recorded_by_id=actor.user_id,
        recorded_at=now,
    )
    if settle:
        Nomination.objects.filter(pk__in=settle, status=NominationStatus.PROPOSED).update(
            status=NominationStatus.COMMENDED, commendation=commendation, decided_at=now
        )
    if refuse:
        Nomination.objects.filter(pk__in=refuse, status=NominationStatus.PROPOSED).update(
            status=NominationStatus.NOT_ADOPTED, commendation=commendation, decided_at=now
        )
    return commendation


@transaction.atomic
def nomination_decide(
    *,
    actor: Actor,
    nomination: Nomination,
    outcome: str,
    commendation: Commendation | None = None,
) -> Nomination:
    """The organisation department settles one nomination: commended under an existing decision,
    or not adopted."""
    if not sel.is_org_department(actor) or not any(
        nomination.scope_path.startswith(p.path) for p in sel.department_places(actor)
    ):
        raise NotAllowed(_("Only the organisation department decides nominations."))
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.status != NominationStatus.PROPOSED:
        raise field_error(
            "outcome", _("This nomination was already decided."), OutreachError.DECIDED
        )
    if outcome == NominationStatus.COMMENDED:
        if commendation is None:
            raise field_error(
                "commendation", _("Choose the commendation decision."), CoreError.REQUIRED
            )
        if not locked.scope_path.startswith(commendation.place_path):
            raise field_error(
                "commendation", _("Choose a decision of the nomination's area."), CoreError.INVALID
            )
        locked.commendation = commendation
    elif outcome != NominationStatus.NOT_ADOPTED:
        raise field_error("outcome", _("Choose the outcome."), CoreError.REQUIRED)
    locked.status = outcome
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "commendation", "decided_at"])
    return locked


def deeds_body(commendation: Commendation, nominees: Sequence[Nomination]) -> str:
    """The notice text: the decision, then each commended person's deeds."""
    parts = [commendation.decision_text.strip()]
    commended = [n for n in nominees if n.status == NominationStatus.COMMENDED]
    if commended:
        parts.append(_("Exemplary deeds"))
        for n in commended:
            parts.append(f"{n.person.name}（{n.org.name}）\n{n.deeds.strip()}")
    parts.append(f"{commendation.authority}\n{commendation.decided_on:%Y-%m-%d}")
    return "\n\n".join(parts)


@transaction.atomic
def commendation_publish(*, actor: Actor, commendation: Commendation) -> Notice:
    """Publish the decision and its exemplary deeds as a notice (kind DEED) to the decision's
    area, once; the notice is linked from the commendation."""
    locked = (
        Commendation.objects.select_for_update().select_related("place").get(pk=commendation.pk)
    )
    if locked.notice_id is not None:
        raise field_error(
            "notice", _("This commendation was already published."), OutreachError.PUBLISHED
        )
    if locked.place.pk not in {p.pk for p in sel.department_places(actor)}:
        raise NotAllowed(_("Only the organisation department of the area publishes it."))
    nominees = list(
        Nomination.objects.filter(commendation=locked)
        .select_related("person", "org")
        .order_by("person__name", "pk")
    )
    notice = notice_publish(
        actor=actor,
        kind=NoticeKind.DEED,
        title=_("Exemplary deeds: %(title)s") % {"title": locked.title},
        body=deeds_body(locked, nominees),
        issuer=locked.place,
        targets=[locked.place],
    )
    locked.notice = notice
    locked.save(update_fields=["notice"])
    commendation.notice = notice
    return notice


@transaction.atomic
def accountability_record(
    *,
    actor: Actor,
    person: Person,
    finding: str,
    decision: str,
    authority: str,
    decided_on: datetime.date | str | None,
    org: PartyOrg | None = None,
) -> Accountability:
    """问责: what was found, what was decided, by which authority, when."""
    org = _org_for(actor, person, org)
    errors = _Errors()
    found = _text(errors, "finding", finding, TEXT_MAX, multiline=True)
    decided = _text(errors, "decision", decision, TEXT_MAX, multiline=True)
    by = _text(errors, "authority", authority, AUTHORITY_MAX)
    day = _past_date(errors, "decided_on", decided_on)
    errors.raise_any()
    assert day is not None
    return Accountability.objects.create(
        **_by_org(actor, person, org),
        finding=found,
        decision=decided,
        authority=by,
        decided_on=day,
    )


@transaction.atomic
def activist_record(
    *,
    actor: Actor,
    person: Person,
    found_where: str,
    found_on: datetime.date | str | None,
    note: str = "",
    org: PartyOrg | None = None,
) -> Activist:
    """A person found on the front line who wants to join the party, recorded for the party
    organisation that will cultivate them (once per person and organisation)."""
    org = _org_for(actor, person, org)
    errors = _Errors()
    where = _text(errors, "found_where", found_where, WHERE_MAX)
    day = _past_date(errors, "found_on", found_on)
    remark = normalize_paragraphs(note)
    if len(remark) > TEXT_MAX:
        errors.add("note", _("At most %(n)s characters.") % {"n": TEXT_MAX}, "too_long")
    _lock(person)
    if Activist.objects.filter(person=person, org=org).exists():
        errors.add("person", _("This person is already an activist of this organisation."), "dup")
    errors.raise_any()
    assert day is not None
    return Activist.objects.create(
        **_by_org(actor, person, org), found_where=where, found_on=day, note=remark
    )
