from __future__ import annotations

from django.contrib.auth.models import UserManager
from django.db.models import Q

from core.actor import Actor
from core.roles import SETUP_ROLES
from core.scoping import ScopedQuerySet, any_of, path_prefix_q


class GrantQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # Setup admins manage grants on nodes of their subtree (places, units registered there,
        # households in it); everyone sees their own grants.
        place = path_prefix_q(actor, SETUP_ROLES, "place__path")
        unit = path_prefix_q(actor, SETUP_ROLES, "unit__place_path")
        household = path_prefix_q(actor, SETUP_ROLES, "household__building__path")
        own = Q(user_id=actor.user_id)
        return any_of([q for q in [place, unit, household, own] if q])


class UserQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from accounts.models import Grant

        # A setup admin manages the accounts whose every grant lies in their subtree; a user
        # with a grant elsewhere stays invisible so it cannot be changed from here.
        visible = Grant.objects.for_actor(actor)
        outside = Grant.objects.exclude(pk__in=visible.values("pk"))
        in_scope = Q(pk__in=visible.values("user_id")) & ~Q(pk__in=outside.values("user_id"))
        # Accounts an admin just created have no grant yet: their creator still manages them.
        fresh = Q(created_by_id=actor.user_id) & ~Q(pk__in=outside.values("user_id"))
        return in_scope | fresh | Q(pk=actor.user_id)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class OwnRowsQuerySet(ScopedQuerySet):
    """Sessions and API tokens: each user sees their own (the sessions page), nobody else's."""

    def access_q(self, actor: Actor) -> Q | None:
        return Q(user_id=actor.user_id)
