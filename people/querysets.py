from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q


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


class RegistryChangeQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from people.models import Resident
        from places.models import Household

        # A change is visible with the resident or household it is about.
        return Q(resident__in=Resident.objects.for_actor(actor).values("pk")) | Q(
            resident__isnull=True,
            household__in=Household.objects.for_actor(actor).values("pk"),
        )


# Roles that import into and export from a community's registry.
REGISTRY_ADMIN_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)


class RegistryImportQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, REGISTRY_ADMIN_ROLES, "community_path")
