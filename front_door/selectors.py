"""Reads of the front door: the account an invitation is sent for."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from core.actor import Actor
from front_door.policies import may_invite


def access_setup_user(actor: Actor, user_id: int) -> User:
    """An account the actor manages in Setup (the admin's own scoping of users); 404 for a
    missing one, one outside their area, and for anyone without a setup role."""
    if not may_invite(actor):
        raise Http404
    user = User.objects.for_actor(actor).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user
