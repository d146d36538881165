"""Who sees check-in links and deployments."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import PARTY_ROLES
from core.scoping import ScopedQuerySet, any_of, path_prefix_q
from party.querysets import unit_q


class CheckInLinkQuerySet(ScopedQuerySet):
    """The offices of the community and above; a cadre opens a link by its token, not a list."""

    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, PARTY_ROLES, "community_path")


class DeploymentQuerySet(ScopedQuerySet):
    """The offices of the community and above, the unit's party admin, and the cadre's own."""

    def access_q(self, actor: Actor) -> Q | None:
        by_place = path_prefix_q(actor, PARTY_ROLES, "community_path")
        own = Q(user_id=actor.user_id) if actor.user_id else None
        return any_of([q for q in [by_place, own, *unit_q(actor, "unit_id")] if q])

    def holding(self) -> DeploymentQuerySet:
        return self.filter(status__in=["pending", "active"])

    def active(self) -> DeploymentQuerySet:
        return self.filter(status="active")
