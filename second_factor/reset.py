"""Setup resets a lost second factor: the account's factors and recovery codes go, so its next
page or login asks it to enrol again; its sessions, tokens and password are left alone."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.actor import Actor
from core.errors import NotAllowed
from second_factor.audit import second_factor_audit
from second_factor.models import TextDevice, WrongCodes
from second_factor.policies import may_reset


@transaction.atomic
def second_factor_reset(*, actor: Actor, user: User) -> None:
    if not may_reset(actor) or not User.objects.for_actor(actor).filter(pk=user.pk).exists():
        raise NotAllowed("second_factor_reset")
    for model in (TOTPDevice, TextDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    WrongCodes.objects.filter(user=user).delete()
    second_factor_audit(user=user, actor=actor, action="second_factor_reset")
