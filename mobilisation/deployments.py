"""Cadre deployment (下沉社区报到), M4: check-in links, a cadre's check-in, the community's
decision, and the end of a deployment with its handover. Every write is here.

A deployment is PENDING after the check-in, ACTIVE once the community admin accepts (the cadre
then holds a `Role.CADRE` grant on the community, so every other capability sees them as a
helper there), and ENDED with a handover: care households (care.assignments.carer_leave), posts,
zones and future shifts (mobilisation.handover.duties_hand_over) and active person dispatches of
requests. One pending-or-active deployment per user (a partial unique index).

The work unit of a deployment is the unit of the cadre's party membership; a cadre who
registered from a link (and has no membership on record) chose a unit on the registration form:
the registration page passes it to `deployment_check_in(unit_id=…)`, and later check-ins reuse
the unit of the cadre's previous deployment.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Grant, User
from accounts.selectors import actor_forget
from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.roles import Role
from core.validators import (
    clean_text,
    normalize_name,
    validate_id_number,
    validate_phone,
)
from mobilisation.error_codes import MobilisationError
from mobilisation.models import HOLDING_STATUSES, CheckInLink, Deployment, DeploymentStatus
from mobilisation.policies import accepts_in, marks_for
from party.models import DeployCall, ExemptReason, PartyMember, Unit
from people.models import Person
from people.search import person_search_fields
from places.models import Place, PlaceKind

LINK_VALID_DAYS = 30
# Registrations from one network address per hour. A community office's Wi-Fi may carry a few
# dozen cadres scanning the code at once; a script creating accounts is stopped.
REGISTRATIONS_PER_HOUR = 60
LINK_VALID_DAYS_MAX = 180
NOTE_MAX = 200


def _user_id(actor: Actor) -> int:
    if actor.user_id is None:
        raise NotAllowed(_("Log in first."))
    return actor.user_id


# --- check-in links ---------------------------------------------------------------------------


@transaction.atomic
def checkin_link_create(
    *,
    actor: Actor,
    community: Place,
    valid_days: int = LINK_VALID_DAYS,
    now: datetime.datetime | None = None,
) -> CheckInLink:
    """A new check-in link (random token) for the community; its admin only."""
    now = now or timezone.now()
    if community.kind != PlaceKind.COMMUNITY or not accepts_in(actor, community.pk):
        raise NotAllowed(_("Only the community's admin makes its check-in links."))
    try:
        days = int(valid_days)
    except (TypeError, ValueError):
        raise field_error("valid_days", _("Enter a number of days."), CoreError.INVALID) from None
    if not 1 <= days <= LINK_VALID_DAYS_MAX:
        raise field_error(
            "valid_days",
            _("A link is valid for 1 to %(max)s days.") % {"max": LINK_VALID_DAYS_MAX},
            CoreError.OUT_OF_RANGE,
        )
    return CheckInLink.objects.create(
        community=community,
        community_path=community.path,
        token=secrets.token_urlsafe(24),
        created_by_id=_user_id(actor),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )


@transaction.atomic
def checkin_link_revoke(
    *, actor: Actor, link: CheckInLink, now: datetime.datetime | None = None
) -> CheckInLink:
    """The link checks no one in any more (a leaked QR code). Revoking twice changes nothing."""
    now = now or timezone.now()
    if not accepts_in(actor, link.community_id):
        raise NotAllowed(_("Only the community's admin revokes its check-in links."))
    locked = CheckInLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
    link.revoked_at = locked.revoked_at
    return link


def checkin_link_open(token: str, now: datetime.datetime | None = None) -> CheckInLink:
    """The valid link with this token, or a field error on "token" (unknown, expired, revoked)."""
    now = now or timezone.now()
    token = str(token or "").strip()[:40]
    link = (
        CheckInLink.objects.select_related("community", "community__parent__parent")
        .filter(token=token)
        .first()
        if token
        else None
    )
    if link is None:
        raise field_error(
            "token",
            _("This check-in link is not known. Scan the community's current QR code."),
            MobilisationError.UNKNOWN,
        )
    if link.revoked_at is not None:
        raise field_error(
            "token",
            _("This check-in link was withdrawn by the community. Ask for the current QR code."),
            MobilisationError.REVOKED,
        )
    if link.expires_at <= now:
        raise field_error(
            "token",
            _("This check-in link has expired. Ask the community for a new QR code."),
            MobilisationError.EXPIRED,
        )
    return link


# --- registration and check-in ----------------------------------------------------------------


def _collect(errors: dict[str, list[ValidationError]], field: str, error: ValidationError) -> None:
    errors.setdefault(field, []).extend(error.error_list)


@transaction.atomic
def cadre_register(
    *,
    token: str,
    name: str,
    id_number: str,
    phone: str,
    unit_id: object,
    password: str,
    now: datetime.datetime | None = None,
) -> User:
    """A cadre without an account registers from a valid check-in link: the login is the phone
    number; no grant is given (the community's acceptance gives it). A new ID number makes the
    account's person; an ID number already on record (a resident, a party member) is only
    *claimed*: the account gets none of that person's views until the community admin confirms
    who it is when accepting the check-in (issue 15 item 21). Field errors name the field;
    nothing is created on any error."""
    checkin_link_open(token, now)
    errors: dict[str, list[ValidationError]] = {}
    clean_name = clean_id = clean_phone = ""
    try:
        clean_name = normalize_name(name)
    except ValidationError as e:
        _collect(errors, "name", e)
    try:
        clean_id = validate_id_number(id_number)
    except ValidationError as e:
        _collect(errors, "id_number", e)
    try:
        clean_phone = validate_phone(phone)
        if not clean_phone.startswith("1") or len(clean_phone) != 11:
            raise ValidationError(
                _("Enter your 11-digit mobile number: it is your login."),
                code=CoreError.NOT_MOBILE,
            )
        if User.objects.filter(Q(username=clean_phone) | Q(phone=clean_phone)).exists():
            raise ValidationError(REGISTRATION_REFUSED, code=MobilisationError.REGISTERED)
    except ValidationError as e:
        _collect(errors, "phone", e)
    if _unit_by_id(unit_id) is None:
        _collect(
            errors, "unit", ValidationError(_("Choose your work unit."), code=CoreError.REQUIRED)
        )
    try:
        validate_password(
            str(password or ""),
            User(username=clean_phone, display_name=clean_name, phone=clean_phone),
        )
    except ValidationError as e:
        _collect(errors, "password", e)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    # Someone already on record (a resident, a party member) keeps their identity; nothing about
    # them is shown or changed here, and the new account is not them until confirmed.
    claimed = Person.objects.with_id_number(clean_id).first()
    person = None
    if claimed is None:
        person = Person.objects.create(
            name=clean_name,
            id_number=clean_id,
            phone=clean_phone,
            **person_search_fields(name=clean_name, phone=clean_phone, id_number=clean_id),
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=clean_phone,
                password=str(password),
                display_name=clean_name,
                phone=clean_phone,
                person=person,
                claimed_person=claimed,
            )
    except IntegrityError:
        raise field_error("phone", REGISTRATION_REFUSED, MobilisationError.REGISTERED) from None
    return user


# The same words whether the number has an account or not (it may be someone else's number).
REGISTRATION_REFUSED = gettext_lazy(
    "This mobile number cannot register here. If you have an account, log in with it."
)


def _registration_key(ip: str) -> str:
    import hashlib

    return "checkin-register:" + hashlib.sha256(ip.encode()).hexdigest()


def registration_allowed(ip: str) -> bool:
    """Fewer than REGISTRATIONS_PER_HOUR accounts registered from this address this hour."""
    from django.core.cache import cache

    return int(cache.get(_registration_key(ip), 0)) < REGISTRATIONS_PER_HOUR


def registration_count(ip: str) -> None:
    from django.core.cache import cache

    key = _registration_key(ip)
    cache.add(key, 0, 3600)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)


def _unit_by_id(unit_id: object) -> Unit | None:
    try:
        return Unit.objects.filter(pk=int(str(unit_id))).first() if unit_id else None
    except (TypeError, ValueError):
        return None


def _member_of(user: User) -> PartyMember | None:
    if not user.person_id:
        return None
    return PartyMember.objects.select_related("unit").filter(person_id=user.person_id).first()


def _unit_for(user: User, member: PartyMember | None, unit_id: object) -> Unit | None:
    if member is not None and member.unit is not None:
        return member.unit
    unit = _unit_by_id(unit_id)
    if unit is not None:
        return unit
    earlier = (
        Deployment.objects.filter(user_id=user.pk, unit__isnull=False)
        .select_related("unit")
        .order_by("-requested_at", "-pk")
        .first()
    )
    return earlier.unit if earlier is not None else None


def _elsewhere(holding: Deployment) -> ValidationError:
    return field_error(
        "token",
        _("You are already checked in at %(community)s; end that deployment first.")
        % {"community": holding.community.name},
        MobilisationError.ALREADY_DEPLOYED,
    )


@transaction.atomic
def deployment_check_in(
    *,
    actor: Actor,
    token: str,
    note: str = "",
    now: datetime.datetime | None = None,
    unit_id: object = None,
) -> Deployment:
    """Check in at the link's community: a PENDING deployment. The same check-in twice returns
    the first; a pending or active deployment elsewhere is refused (field "token").

    `unit_id` is the unit chosen at registration, used when the cadre has no party membership
    with a unit on record."""
    now = now or timezone.now()
    link = checkin_link_open(token, now)
    user_id = _user_id(actor)
    # The user's row is the lock: two check-ins of one cadre at once are serialised.
    user = User.objects.select_for_update().get(pk=user_id)
    holding = (
        Deployment.objects.select_related("community")
        .filter(user_id=user_id, status__in=HOLDING_STATUSES)
        .first()
    )
    if holding is not None:
        if holding.community_id == link.community_id:
            return holding
        raise _elsewhere(holding)
    member = _member_of(user)
    community = link.community
    try:
        with transaction.atomic():
            return Deployment.objects.create(
                user_id=user_id,
                person_id=user.person_id,
                member=member,
                unit=_unit_for(user, member, unit_id),
                community=community,
                community_path=community.path,
                link=link,
                note=clean_text(note, max_length=NOTE_MAX, truncate=True),
                requested_at=now,
            )
    except IntegrityError:
        # Another check-in of the same user won the race (the partial unique index).
        holding = (
            Deployment.objects.select_related("community")
            .filter(user_id=user_id, status__in=HOLDING_STATUSES)
            .first()
        )
        if holding is not None and holding.community_id == link.community_id:
            return holding
        if holding is not None:
            raise _elsewhere(holding) from None
        raise


# --- the community's decision -----------------------------------------------------------------


def _lock(deployment: Deployment) -> Deployment:
    """Lock the row and bring the caller's object up to date with it."""
    locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
    for f in Deployment._meta.concrete_fields:
        setattr(deployment, f.attname, getattr(locked, f.attname))
    return deployment


def _must_be(deployment: Deployment, status: str, message: str) -> None:
    if deployment.status != status:
        raise field_error("status", message, CoreError.WRONG_STATUS)


@transaction.atomic
def deployment_accept(
    *,
    actor: Actor,
    deployment: Deployment,
    now: datetime.datetime | None = None,
    confirm_identity: bool = False,
) -> Deployment:
    """The community admin accepts: ACTIVE, and a cadre grant on the community. With
    `confirm_identity` the admin also confirms that the account is the person on record it
    claimed at registration: the account is bound to that person (and their membership)."""
    now = now or timezone.now()
    if not accepts_in(actor, deployment.community_id):
        raise NotAllowed(_("Only the community's admin accepts check-ins there."))
    _lock(deployment)
    _must_be(deployment, DeploymentStatus.PENDING, _("Only a check-in still waiting is accepted."))
    deployment.status = DeploymentStatus.ACTIVE
    deployment.decided_at = now
    deployment.decided_by_id = _user_id(actor)
    deployment.save(update_fields=["status", "decided_at", "decided_by"])
    if confirm_identity:
        _bind_claimed_person(deployment)
    Grant.objects.get_or_create(
        user_id=deployment.user_id,
        role=Role.CADRE,
        place_id=deployment.community_id,
        defaults={"created_by_id": actor.user_id},
    )
    user_id = deployment.user_id
    transaction.on_commit(lambda: actor_forget(user_id))
    actor_forget(user_id)
    return deployment


def _bind_claimed_person(deployment: Deployment) -> None:
    user = User.objects.select_for_update().get(pk=deployment.user_id)
    if user.claimed_person_id is None or user.person_id is not None:
        return
    user.person_id, user.claimed_person_id = user.claimed_person_id, None
    user.save(update_fields=["person", "claimed_person"])
    deployment.person_id = user.person_id
    deployment.member = _member_of(user)
    deployment.save(update_fields=["person", "member"])


@transaction.atomic
def deployment_decline(
    *, actor: Actor, deployment: Deployment, reason: str, now: datetime.datetime | None = None
) -> Deployment:
    """The community admin declines a check-in still waiting, saying why."""
    now = now or timezone.now()
    if not accepts_in(actor, deployment.community_id):
        raise NotAllowed(_("Only the community's admin declines check-ins there."))
    reason = clean_text(reason, max_length=NOTE_MAX, truncate=True)
    if not reason:
        raise field_error("reason", _("Say why the check-in is declined."), CoreError.REQUIRED)
    _lock(deployment)
    _must_be(deployment, DeploymentStatus.PENDING, _("Only a check-in still waiting is declined."))
    deployment.status = DeploymentStatus.DECLINED
    deployment.decided_at = now
    deployment.decided_by_id = _user_id(actor)
    deployment.decline_reason = reason
    deployment.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    return deployment


@transaction.atomic
def deployment_withdraw(
    *, actor: Actor, deployment: Deployment, now: datetime.datetime | None = None
) -> Deployment:
    """The cadre withdraws a check-in still pending."""
    now = now or timezone.now()
    if actor.user_id is None or actor.user_id != deployment.user_id:
        raise NotAllowed(_("Only the cadre withdraws their own check-in."))
    _lock(deployment)
    _must_be(deployment, DeploymentStatus.PENDING, _("Only a check-in still waiting is withdrawn."))
    deployment.status = DeploymentStatus.WITHDRAWN
    deployment.ended_at = now
    deployment.ended_by_id = actor.user_id
    deployment.save(update_fields=["status", "ended_at", "ended_by"])
    return deployment


def _on_behalf(actor: Actor) -> Actor:
    """The handover's actor: the person ending the deployment (this service checked that they
    may), allowed to end what the cadre held even when that is the community admin's to do (the
    cadre ending their own deployment). Same pattern as service_requests.dispatching."""
    return dataclasses.replace(actor, is_superuser=True)


@transaction.atomic
def deployment_end(
    *, actor: Actor, deployment: Deployment, note: str, now: datetime.datetime | None = None
) -> Deployment:
    """End an active deployment (the community admin, or the cadre themself): the cadre grant
    goes, and everything they held is handed over and counted in `deployment.handover`."""
    from care.assignments import carer_leave
    from care.models import CareAssignment
    from mobilisation.handover import duties_hand_over
    from service_requests.dispatching import dispatches_release_person

    now = now or timezone.now()
    own = actor.user_id is not None and actor.user_id == deployment.user_id
    if not (own or accepts_in(actor, deployment.community_id)):
        raise NotAllowed(_("Only the community's admin or the cadre ends a deployment."))
    note = clean_text(note, max_length=NOTE_MAX, truncate=True)
    if not note:
        raise field_error("note", _("Say why the deployment ends."), CoreError.REQUIRED)
    _lock(deployment)
    _must_be(deployment, DeploymentStatus.ACTIVE, _("Only an active deployment is ended."))
    user_id = deployment.user_id
    community = Place.objects.get(pk=deployment.community_id)
    Grant.objects.filter(user_id=user_id, role=Role.CADRE, place_id=community.pk).delete()
    by = _on_behalf(actor)
    care = 0
    if CareAssignment.objects.filter(
        carer_id=user_id, community_id=community.pk, ended_at__isnull=True
    ).exists():
        care = carer_leave(actor=by, carer_user_id=user_id, community=community, note=note, now=now)
    duties = duties_hand_over(actor=by, user_id=user_id, community=community, now=now)
    dispatches = dispatches_release_person(
        actor=by, user_id=user_id, community_id=community.pk, note=note, now=now
    )
    deployment.status = DeploymentStatus.ENDED
    deployment.ended_at = now
    deployment.ended_by_id = _user_id(actor)
    deployment.end_note = note
    deployment.handover = {"care": care, **duties, "dispatches": dispatches}
    deployment.save(update_fields=["status", "ended_at", "ended_by", "end_note", "handover"])
    transaction.on_commit(lambda: actor_forget(user_id))
    actor_forget(user_id)
    return deployment


# --- 应下尽下: the unit's call --------------------------------------------------------------


@transaction.atomic
def member_deploy_mark(
    *,
    actor: Actor,
    member: PartyMember,
    call: str,
    exempt_reason: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> PartyMember:
    """The unit's decision for one member: should deploy, exempt (with a reason), or undecided."""
    now = now or timezone.now()
    unit = Unit.objects.filter(pk=member.unit_id).first() if member.unit_id else None
    if unit is None or not marks_for(actor, unit.pk, unit.place_path):
        raise NotAllowed(_("Only the member's unit or its organisation department decides this."))
    call = str(call or "")
    if call not in DeployCall.values:
        raise field_error(
            "call", _("Choose should deploy, exempt or not decided."), CoreError.INVALID
        )
    reason = str(exempt_reason or "") if call == DeployCall.EXEMPT else ""
    if call == DeployCall.EXEMPT and reason not in ExemptReason.values:
        raise field_error(
            "exempt_reason", _("Choose the reason for the exemption."), CoreError.REQUIRED
        )
    locked = PartyMember.objects.select_for_update().get(pk=member.pk)
    locked.deploy_call = call
    locked.exempt_reason = reason
    locked.deploy_note = clean_text(note, max_length=NOTE_MAX, truncate=True) if call else ""
    locked.deploy_marked_at = now
    locked.deploy_marked_by_id = _user_id(actor)
    locked.save(
        update_fields=[
            "deploy_call",
            "exempt_reason",
            "deploy_note",
            "deploy_marked_at",
            "deploy_marked_by",
        ]
    )
    for f in ("deploy_call", "exempt_reason", "deploy_note", "deploy_marked_at"):
        setattr(member, f, getattr(locked, f))
    member.deploy_marked_by_id = locked.deploy_marked_by_id
    return member
