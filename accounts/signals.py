"""Sessions and API tokens die at once when a user is switched off or deleted, a grant of theirs
is removed or changed, or their password changes: by whatever path (Setup, a service, the shell),
since these are the models' own signals. Bulk `.update()` bypasses them and says so nowhere:
change users one by one (or call accounts.user_sessions.sessions_kill)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from accounts.models import Grant, User
from accounts.user_sessions import session_forget, session_register, sessions_kill

_SEEN = "_linli_as_loaded"


def _user_state(user: User) -> tuple[Any, Any]:
    # __dict__, not the attributes: a deferred field must not cost a query per loaded row.
    return user.__dict__.get("is_active"), user.__dict__.get("password")


def _grant_state(grant: Grant) -> tuple[Any, ...]:
    d = grant.__dict__
    return d.get("role"), d.get("place_id"), d.get("unit_id"), d.get("household_id")


@receiver(post_init, sender=User)
def _user_loaded(sender: type, instance: User, **kwargs: Any) -> None:
    setattr(instance, _SEEN, _user_state(instance))


@receiver(post_save, sender=User)
def _user_saved(sender: type, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, _SEEN, None)
    setattr(instance, _SEEN, _user_state(instance))
    if created or before is None:
        return
    was_active, old_password = before
    switched_off = was_active is not False and instance.is_active is False
    password_changed = old_password is not None and old_password != instance.password
    if switched_off or password_changed:
        sessions_kill(user_id=instance.pk)


@receiver(pre_delete, sender=User)
def _user_deleted(sender: type, instance: User, **kwargs: Any) -> None:
    sessions_kill(user_id=instance.pk)


@receiver(post_init, sender=Grant)
def _grant_loaded(sender: type, instance: Grant, **kwargs: Any) -> None:
    setattr(instance, _SEEN, _grant_state(instance))


@receiver(post_save, sender=Grant)
def _grant_saved(sender: type, instance: Grant, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, _SEEN, None)
    setattr(instance, _SEEN, _grant_state(instance))
    # A grant moved to another role or node is the old one removed.
    if not created and before is not None and before != _grant_state(instance):
        sessions_kill(user_id=instance.user_id)


@receiver(post_delete, sender=Grant)
def _grant_removed(sender: type, instance: Grant, **kwargs: Any) -> None:
    sessions_kill(user_id=instance.user_id)


@receiver(user_logged_in)
def _logged_in(sender: type, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_register(request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender: type, request: Any, user: User | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)
