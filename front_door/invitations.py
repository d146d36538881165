"""Inviting a staff member by text message (issue 17, item 3).

An administrator with a setup role sends an account they manage a one-time link to its mobile
number. Opening the link sends a login code to that same number; the right code logs them in
once (the invitation is used by a conditional update, so two tabs cannot both use it) and lets
them set a password or skip. Only the link's SHA-256 is stored; a new invitation ends the earlier
ones; each lasts `INVITATION_LIFETIME`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Grant, Invitation, User
from accounts.selectors import actor_forget
from core.actor import Actor
from core.audit import audit_record
from core.errors import NotAllowed, field_error
from front_door.error_codes import FrontDoorError
from front_door.policies import may_invite, may_log_in_with_code
from notifications.codes import code_check, code_send, mobile_number
from notifications.delivery import text_queue
from notifications.models import CodePurpose
from notifications.texts import TextTemplate

INVITATION_LIFETIME = timedelta(hours=72)


def _invalid() -> ValidationError:
    return field_error(
        "token",
        _(
            "This invitation link does not work: it is unknown, has expired or was already "
            "used. Ask your administrator to send a new one."
        ),
        FrontDoorError.INVITATION_INVALID,
    )


def _user_number(user: User, field: str) -> str:
    try:
        return mobile_number(user.phone, field)
    except ValidationError:
        raise field_error(
            field,
            _("This account has no mobile number. Add one to the account first."),
            FrontDoorError.NO_MOBILE,
        ) from None


def _second_factor_check(user: User, field: str) -> None:
    if not may_log_in_with_code(Grant.objects.filter(user=user).values_list("role", flat=True)):
        raise field_error(
            field,
            _("This role logs in with a password and a second factor, not with a text code."),
            FrontDoorError.SECOND_FACTOR,
        )


@transaction.atomic
def invitation_send(*, actor: Actor, user: User, site: str = "") -> Invitation:
    """Text the user a one-time link (`site` is this server's address when
    `LINLI_PUBLIC_URL` is not set). The actor must manage the account in Setup."""
    if not may_invite(actor) or not User.objects.for_actor(actor).filter(pk=user.pk).exists():
        raise NotAllowed(_("You may not invite this account."))
    if not user.is_active:
        raise field_error(
            "user",
            _("This account is switched off; switch it on before inviting."),
            FrontDoorError.ACCOUNT_INACTIVE,
        )
    number = _user_number(user, "phone")
    _second_factor_check(user, "user")
    now = timezone.now()
    # A new link ends the ones sent before it.
    Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    raw = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=account_services.hash_token(raw),
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    base = settings.LINLI_PUBLIC_URL or site.rstrip("/")
    link = base + reverse("front_door:invite", kwargs={"token": raw})
    text_queue(
        phone=number, template=TextTemplate.INVITE, params={"link": link}, recipient_id=user.pk
    )
    place_grant = Grant.objects.filter(user=user, place__isnull=False).select_related("place")
    first = place_grant.order_by("pk").first()
    audit_record(
        actor=actor,
        action="invitation_send",
        target_type="user",
        target_id=user.pk,
        place_path=first.place.path if first is not None and first.place is not None else "",
        detail={"fields": ["phone"]},
    )
    return invitation


def invitation_open(*, token: str) -> Invitation:
    """The invitation a link names, while it may still be used; otherwise one error for
    unknown, expired, used, and an account switched off since."""
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_hash=account_services.hash_token(str(token or "")))
        .first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or not invitation.user.is_active
    ):
        raise _invalid()
    return invitation


def invitation_code_send(*, token: str, address: str) -> str:
    """Send a login code to the invited account's number (the codes' limits hold)."""
    invitation = invitation_open(token=token)
    number = _user_number(invitation.user, "token")
    _second_factor_check(invitation.user, "token")
    return code_send(phone=number, purpose=CodePurpose.LOGIN, address=address)


def invitation_accept(*, token: str, code: str, address: str) -> User:
    """Check the code sent for the invitation and use it (once); returns the account to log
    into. A wrong code counts towards the number's login lockout."""
    invitation = invitation_open(token=token)
    user = invitation.user
    number = _user_number(user, "token")
    _second_factor_check(user, "code")
    if account_services.login_locked(username=number, ip=address):
        raise field_error(
            "code",
            _("Too many wrong codes for this number. Wait 15 minutes, then ask for a new code."),
            FrontDoorError.LOGIN_LOCKED,
        )
    try:
        code_check(phone=number, purpose=CodePurpose.LOGIN, code=code)
    except ValidationError:
        account_services.login_failed(username=number, ip=address)
        raise
    account_services.login_succeeded(username=number, ip=address)
    # One use, even when two tabs bring a right code at once.
    used = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if not used:
        raise _invalid()
    return user


def invited_password_set(*, user: User, password: str) -> None:
    """The invited user's first password (validated by Django's SetPasswordForm)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    actor_forget(user.pk)
