"""Who must use a second factor, and who may reset someone's."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from accounts.policies import SETUP_SITE_ROLES
from core.actor import Actor


def second_factor_roles() -> frozenset[str]:
    """The setting SECOND_FACTOR_ROLES (config/settings.py), as role names."""
    return frozenset(str(r) for r in getattr(settings, "SECOND_FACTOR_ROLES", ()))


def must_use_second_factor(roles: Iterable[str]) -> bool:
    return bool(set(roles) & second_factor_roles())


def actor_must_use_second_factor(actor: Actor) -> bool:
    return must_use_second_factor(g.role for g in actor.grants)


def text_allowed() -> bool:
    return bool(getattr(settings, "SECOND_FACTOR_TEXT_ALLOWED", False))


def may_reset(actor: Actor) -> bool:
    """Setup's roles, over the accounts Setup shows them (accounts.querysets.UserQuerySet)."""
    return actor.is_superuser or actor.has_role(SETUP_SITE_ROLES)
