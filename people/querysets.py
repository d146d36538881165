from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, place_columns_q


class ResidentQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = [
            Q(household_id=g.household_id)
            for g in actor.grants_for(Role.RESIDENT)
            if g.household_id
        ]
        # Helpers (cadres, volunteers…) see only residents assigned to them; the capabilities
        # that assign them (care, requests) extend this rule here, in one place.
        return any_of([q for q in [place_columns_q(actor, REGISTRY_ROLES), *own] if q])

    def living(self) -> ResidentQuerySet:
        return self.filter(status__in=["present", "away"])


class PersonQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A person is visible through what they are here: a resident or a party member in scope.
        from party.models import PartyMember
        from people.models import Resident

        return Q(pk__in=Resident.objects.for_actor(actor).values("person_id")) | Q(
            pk__in=PartyMember.objects.for_actor(actor).values("person_id")
        )
