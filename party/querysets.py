from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import PARTY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q


def unit_q(actor: Actor, field: str) -> list[Q]:
    return [Q(**{field: g.unit_id}) for g in actor.grants_for(Role.UNIT_ADMIN) if g.unit_id]


class UnitQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        by_place = path_prefix_q(actor, {Role.CITY_ADMIN, Role.DISTRICT_ADMIN}, "place_path")
        return any_of([q for q in [by_place, *unit_q(actor, "pk")] if q])


class PartyOrgQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        by_place = path_prefix_q(actor, PARTY_ROLES, "scope_path")
        return any_of([q for q in [by_place, *unit_q(actor, "unit_id")] if q])


class PartyMemberQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        by_place = path_prefix_q(actor, PARTY_ROLES, "org__scope_path")
        units = unit_q(actor, "unit_id") + unit_q(actor, "org__unit_id")
        return any_of([q for q in [by_place, *units] if q])
