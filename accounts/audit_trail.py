"""What accounts tell the audit trail (issue 18, item 5): logins, failed logins and logouts
(Django's auth signals: every way in, the login page, the admin's and the phone code's, ends in
`django.contrib.auth.login` or a failed `authenticate`) and every grant given, changed or taken
(the Grant model's signals: services, Setup and the shell alike). Connected once, in
AccountsConfig.ready.

Never the personal values: no password (Django never passes it), and a username typed at a
failed login is masked when it is a phone or ID number.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save

from accounts.models import Grant, User
from accounts.selectors import actor_cached
from core.actor import Actor
from core.audit import audit_record
from core.masking import mask_in_text
from core.models import AuditResult
from core.request_origin import current_user_id


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    post_save.connect(_grant_saved, sender=Grant, dispatch_uid="audit_grant_saved")
    post_delete.connect(_grant_deleted, sender=Grant, dispatch_uid="audit_grant_deleted")


def _home_path(user: User) -> str:
    """The widest place the user holds a grant over: the admins of that subtree read their
    logins ("" for a user without one: superusers read those)."""
    actor = actor_cached(user)
    paths = [g.place_path or g.unit_place_path or g.household_path for g in actor.grants]
    return min((p for p in paths if p), key=len, default="")


def _login_event(user: User, action: str, result: str = AuditResult.OK) -> None:
    audit_record(
        actor=Actor(user_id=user.pk),
        action=action,
        target_type="user",
        target_id=user.pk,
        place_path=_home_path(user),
        result=result,
    )


def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _login_event(user, "login")


def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        _login_event(user, "logout")


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    typed = str(credentials.get("username") or "")
    # The account tried, when there is one: its admins see attempts on it. Who tried is unknown.
    user = User.objects.filter(username=typed).first() if typed else None
    audit_record(
        actor=Actor(user_id=None),
        action="login_failed",
        target_type="user",
        target_id=user.pk if user is not None else "",
        place_path=_home_path(user) if user is not None else "",
        detail={"username": mask_in_text(typed)[:40]},
        result=AuditResult.FAILED,
    )


def _grant_path(grant: Grant) -> str:
    if grant.place_id is not None:
        return grant.place.path  # type: ignore[union-attr]
    if grant.unit_id is not None:
        return grant.unit.place_path  # type: ignore[union-attr]
    if grant.household_id is not None:
        return grant.household.building.path  # type: ignore[union-attr]
    return ""


def _grant_event(grant: Grant, action: str) -> None:
    audit_record(
        actor=Actor(user_id=current_user_id()),
        action=action,
        target_type="grant",
        target_id=grant.pk,
        place_path=_grant_path(grant),
        detail={"user": grant.user_id, "role": grant.role},
    )


def _grant_saved(sender: Any, instance: Grant, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures is not a grant being given
    _grant_event(instance, "grant_add" if created else "grant_change")


def _grant_deleted(sender: Any, instance: Grant, **kwargs: Any) -> None:
    _grant_event(instance, "grant_remove")
