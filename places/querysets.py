from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import HELPER_ROLES, REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q

# Everyone who works on places sees the places of their subtree.
PLACE_ROLES = REGISTRY_ROLES | HELPER_ROLES


class PlaceQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, PLACE_ROLES, "path")

    def subtree(self, path: str) -> PlaceQuerySet:
        return self.filter(path__startswith=path)


class HouseholdQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from people.querysets import assigned_q

        own = [Q(pk=g.household_id) for g in actor.grants_for(Role.RESIDENT) if g.household_id]
        # Helpers see the households assigned to them (care, dispatched requests).
        assigned = assigned_q(actor, household_field="pk")
        return any_of([q for q in [place_columns_q(actor, REGISTRY_ROLES), *own, assigned] if q])
