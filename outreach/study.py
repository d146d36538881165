"""Themed party day study (主题党日, M3): every write. An organisation department (city or
district admin) publishes a programme with its materials for the organisations taking part; a
member under them studies each material once within the window and writes a reflection; members
of a branch and its admins discuss it; the offices above a branch remind those who have not
started. Services are keyword-only with `actor` first; each refusal changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_paragraphs
from outreach.error_codes import OutreachError
from outreach.models import (
    DiscussionPost,
    StudyMaterial,
    StudyProgramme,
    StudyRecord,
    StudyReminder,
)
from outreach.study_selectors import (
    in_window,
    oversees_org,
    own_member,
    publishes_at,
    takes_part,
    taking_part_q,
)
from party.models import PartyMember, PartyOrg
from places.models import Place

TITLE_MAX = 200
SOURCE_MAX = 200
REFLECTION_MAX = 4000
POST_MAX = 2000
BODY_MAX = 100_000


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


_line = normalize_line


def _text(value: object, limit: int) -> str:
    return _line(" ".join(str(value or "").splitlines()))[:limit]


def _body(value: object, limit: int) -> str:
    """Long text keeps its paragraphs and indents, at most one blank line between."""
    return normalize_paragraphs(value)[:limit]


@transaction.atomic
def programme_publish(
    *,
    actor: Actor,
    place: Place,
    title: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    orgs: Sequence[PartyOrg],
    intro: str = "",
) -> StudyProgramme:
    """A new programme of the organisation department of `place` (a city or district) for the
    organisations taking part (within the place). Materials are added with `material_add`."""
    _user_id(actor)
    if not publishes_at(actor, place):
        raise NotAllowed(_("Only the organisation department of a city or district publishes."))
    errors: dict[str, str] = {}
    title = _text(title, TITLE_MAX)
    if not title:
        errors["title"] = _("Enter a title.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day.")
    if ends_on is None:
        errors["ends_on"] = _("Enter the last day.")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    orgs = list(orgs)
    if not orgs:
        errors["orgs"] = _("Choose at least one organisation to take part.")
    elif any(not o.scope_path.startswith(place.path) for o in orgs):
        errors["orgs"] = _("Every organisation taking part must be within %(place)s.") % {
            "place": place.name
        }
    if errors:
        raise ValidationError(
            {f: [ValidationError(m, code=CoreError.INVALID)] for f, m in errors.items()}  # type: ignore[misc]
        )
    assert starts_on is not None and ends_on is not None
    programme = StudyProgramme.objects.create(
        title=title,
        intro=_body(intro, BODY_MAX),
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        place_path=place.path,
        published_by_id=_user_id(actor),
    )
    programme.orgs.set(orgs)
    return programme


@transaction.atomic
def material_add(
    *,
    actor: Actor,
    programme: StudyProgramme,
    title: str,
    body: str,
    source: str = "",
    issued_on: datetime.date | None = None,
) -> StudyMaterial:
    """One more material at the end of the programme (its publisher's department only)."""
    _user_id(actor)
    if not publishes_at(actor, programme.place):
        raise NotAllowed(_("Only the organisation department of a city or district publishes."))
    title = _text(title, TITLE_MAX)
    body = _body(body, BODY_MAX)
    if not title:
        raise field_error("material_title", _("Enter the material's title."), CoreError.REQUIRED)
    if not body:
        raise field_error("material_body", _("Enter the material's text."), CoreError.REQUIRED)
    last = StudyMaterial.objects.filter(programme=programme).order_by("-position").first()
    return StudyMaterial.objects.create(
        programme=programme,
        position=(last.position + 1) if last else 1,
        title=title,
        body=body,
        source=_text(source, SOURCE_MAX),
        issued_on=issued_on,
        place_path=programme.place_path,
    )


def _studying_member(
    actor: Actor, programme: StudyProgramme, now: datetime.datetime
) -> PartyMember:
    member = own_member(actor)
    if member is None:
        raise NotAllowed(_("Only party members study the materials."))
    if not takes_part(programme, member.org):
        raise NotAllowed(_("Your party organisation does not take part in this programme."))
    if not in_window(programme, now):
        raise field_error(
            "studied",
            _("This programme runs from %(from)s to %(until)s.")
            % {"from": programme.starts_on, "until": programme.ends_on},
            CoreError.CLOSED,
        )
    return member


@transaction.atomic
def material_study(
    *, actor: Actor, material: StudyMaterial, now: datetime.datetime | None = None
) -> StudyRecord:
    """The actor (a party member under an organisation taking part) studied the material, within
    the programme's window (Beijing dates, both days included). Twice: the first record."""
    now = now or timezone.now()
    _user_id(actor)
    programme = material.programme
    member = _studying_member(actor, programme, now)
    existing = StudyRecord.objects.filter(material=material, member=member).first()
    if existing is not None:
        return existing
    org = member.org
    try:
        with transaction.atomic():
            return StudyRecord.objects.create(
                programme=programme,
                material=material,
                member=member,
                org=org,
                org_path=org.path,
                scope_path=org.scope_path,
                unit_id=member.unit_id or org.unit_id,
                user_id=_user_id(actor),
                studied_at=now,
            )
    except IntegrityError:  # the same member at the same moment from another device
        return StudyRecord.objects.get(material=material, member=member)


@transaction.atomic
def reflection_write(
    *,
    actor: Actor,
    material: StudyMaterial,
    text: str,
    now: datetime.datetime | None = None,
) -> StudyRecord:
    """The member's reflection on a material (writing one marks it studied); a new text
    replaces the old one."""
    now = now or timezone.now()
    text = _body(text, REFLECTION_MAX)
    if not text:
        raise field_error("reflection", _("Write your reflection first."), CoreError.REQUIRED)
    record = material_study(actor=actor, material=material, now=now)
    record = StudyRecord.objects.select_for_update().get(pk=record.pk)
    if record.reflection != text:
        record.reflection = text
        record.reflected_at = now
        record.save(update_fields=["reflection", "reflected_at"])
    return record


@transaction.atomic
def discussion_post(
    *,
    actor: Actor,
    programme: StudyProgramme,
    org: PartyOrg,
    body: str,
    now: datetime.datetime | None = None,
) -> DiscussionPost:
    """A message in the organisation's discussion of the programme: its own members and the
    offices or unit admin over it."""
    now = now or timezone.now()
    _user_id(actor)
    member = own_member(actor)
    is_member = member is not None and member.org_id == org.pk
    if not takes_part(programme, org) or not (is_member or oversees_org(actor, org)):
        raise NotAllowed(_("Only the organisation's members and its admins post here."))
    body = _body(body, POST_MAX)
    if not body:
        raise field_error("body", _("Write a message first."), CoreError.REQUIRED)
    return DiscussionPost.objects.create(
        programme=programme,
        org=org,
        scope_path=org.scope_path,
        unit_id=org.unit_id,
        author_id=_user_id(actor),
        member=member if is_member else None,
        body=body,
        created_at=now,
    )


def members_not_started(programme: StudyProgramme, org: PartyOrg) -> int:
    """Members under the organisation (taking part) who have not studied anything yet."""
    q = taking_part_q(programme)
    if q is None:
        return 0
    return (
        PartyMember.objects.filter(q, org__path__startswith=org.path)
        .exclude(Exists(StudyRecord.objects.filter(programme=programme, member=OuterRef("pk"))))
        .count()
    )


@transaction.atomic
def reminder_send(
    *,
    actor: Actor,
    programme: StudyProgramme,
    org: PartyOrg,
    now: datetime.datetime | None = None,
) -> StudyReminder:
    """Remind the members under `org` who have not started (the community admin for its
    community's organisations, the unit's party admin for the unit's, the street, district and
    city admins over them). Nobody left to remind: refused, nothing sent."""
    now = now or timezone.now()
    _user_id(actor)
    if not takes_part(programme, org):
        raise field_error("org", _("This organisation does not take part."), CoreError.INVALID)
    if not oversees_org(actor, org):
        raise NotAllowed(_("Only the admins over this organisation remind its members."))
    count = members_not_started(programme, org)
    if count == 0:
        raise field_error(
            "org", _("Every member here has started; nobody to remind."), OutreachError.NONE
        )
    reminder = StudyReminder.objects.create(
        programme=programme,
        org=org,
        scope_path=org.scope_path,
        unit_id=org.unit_id,
        sent_by_id=_user_id(actor),
        sent_at=now,
        recipients=count,
    )
    from outreach.notifying import branch_reminder_tell

    branch_reminder_tell(reminder)
    return reminder
