from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.error_codes import AccountsError
from accounts.models import ApiToken, User
from accounts.policies import SETUP_SITE_ROLES, may_set_language
from accounts.throttle import login_failed, login_locked, login_succeeded
from core.actor import Actor

# The lockout lives in accounts.throttle; these are the names every way in calls.
__all__ = ["login_failed", "login_locked", "login_succeeded"]

TOKEN_LIFETIME = timedelta(days=30)


def user_set_language(*, actor: Actor, language: str) -> None:
    if not may_set_language(actor):
        return
    if language in dict(settings.LANGUAGES):
        User.objects.filter(pk=actor.user_id).update(language=language)
        from accounts.selectors import actor_forget

        if actor.user_id:
            actor_forget(actor.user_id)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = "ll_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return raw, token


def api_token_user(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def grant_check(*, role: str, place: object, unit: object, household: object) -> None:
    """A grant points at exactly the kind of node its role needs (city admin → the city…)."""
    from django.utils.translation import gettext as _

    from core.errors import field_error
    from core.roles import ROLE_SCOPE_KIND, ScopeKind

    kind = ROLE_SCOPE_KIND[role]
    if kind == ScopeKind.UNIT:
        if unit is None or place is not None or household is not None:
            raise field_error(
                "unit",
                _("This role is granted on a unit; choose only the unit."),
                AccountsError.SCOPE_KIND,
            )
    elif kind == ScopeKind.HOUSEHOLD:
        if household is None or place is not None or unit is not None:
            raise field_error(
                "household", _("A resident is granted on one household."), AccountsError.SCOPE_KIND
            )
    else:
        if place is None or unit is not None or household is not None:
            raise field_error(
                "place", _("Choose the place this role is granted on."), AccountsError.SCOPE_KIND
            )
        if getattr(place, "kind", None) != kind:
            raise field_error(
                "place",
                _("This role is granted on a %(kind)s.")
                % {"kind": str(ScopeKind(kind).label).lower()},
                AccountsError.SCOPE_KIND,
            )


def user_sync_staff_flag(*, user: User) -> None:
    """Django admin's login needs is_staff; it follows the setup grants, nothing else."""
    is_staff = user.grants.filter(role__in=SETUP_SITE_ROLES).exists()
    if user.is_staff != is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=is_staff)


def api_tokens_purge_expired() -> int:
    """Delete tokens past their expiry; they can no longer authenticate anyway."""
    deleted, _ = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- login throttling ----------------------------------------------------------------------------
# Counted in the database by accounts.throttle; these names are what the login page, the API,
# the phone-code login and the second factor call.


def login_locked_for(request: Any, username: str | None) -> bool:
    """Whether the username sent with this request, or its address, is locked out (the
    backend refuses it; forms and the API say so)."""
    from core.validators import normalize_text

    name = normalize_text(username or "")
    return bool(name) and login_locked(username=name, ip=request_ip(request))


def request_ip(request: Any) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
