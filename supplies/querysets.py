"""Who sees which supplies: the one access rule (core.scoping), declared per model."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q

# The offices that hold and move stock, and see the stocks of their subtree.
SUPPLY_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)


class SupplyItemQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # The catalogue holds no personal data: every office that keeps stock reads it.
        return Q() if actor.has_role(SUPPLY_ROLES) else None


class StockQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, SUPPLY_ROLES, "place_path")

    def low(self) -> StockQuerySet:
        from django.db.models import F

        return self.filter(quantity__lte=F("low_threshold"))


class StockMovementQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # The offices see their subtree's history; a worker sees what was issued to them.
        office = path_prefix_q(actor, SUPPLY_ROLES, "place_path")
        own = Q(worker_id=actor.user_id) if actor.user_id else None
        return any_of([q for q in [office, own] if q is not None])
