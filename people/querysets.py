from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.fields import index_of
from core.roles import HELPER_ROLES, REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q


class ResidentQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = [
            Q(household_id=g.household_id)
            for g in actor.grants_for(Role.RESIDENT)
            if g.household_id
        ]
        # Helpers (cadres, volunteers…) see only the residents assigned to them: the households
        # they care for, and the residents of requests they were dispatched to.
        return any_of(
            [q for q in [place_columns_q(actor, REGISTRY_ROLES), *own, assigned_q(actor)] if q]
        )

    def living(self) -> ResidentQuerySet:
        return self.filter(status__in=["present", "away"])


def assigned_q(actor: Actor, household_field: str = "household_id") -> Q | None:
    """Rows of the households assigned to a helper (a carer's active care assignment) and of the
    residents whose requests they were dispatched to; None for an actor who is no helper.

    The one known exception to the floors (core/tests/test_house_rules.py): the rule reads the
    care and request tables, two floors up, until helper visibility gets a table of its own."""
    if not actor.user_id or not actor.has_role(HELPER_ROLES):
        return None
    from care.models import CareAssignment
    from service_requests.models import Dispatch

    cared = CareAssignment.objects.filter(carer_id=actor.user_id, ended_at__isnull=True)
    dispatched = Dispatch.objects.filter(person_id=actor.user_id, status="active")
    q = Q(**{f"{household_field}__in": cared.values("household_id")})
    if household_field == "household_id":
        return q | Q(pk__in=dispatched.values("request__resident_id"))
    return q | Q(**{f"{household_field}__in": dispatched.values("request__household_id")})


def cares_for(actor: Actor, household_id: int) -> bool:
    """Is the actor the active carer of the household? (A carer files requests for it.) Reads the
    care table from here, beside `assigned_q`, for the same reason: see its docstring."""
    from care.models import CareAssignment

    return CareAssignment.objects.filter(
        carer_id=actor.user_id, household_id=household_id, ended_at__isnull=True
    ).exists()


class PersonQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A person is visible through what they are here: a resident or a party member in scope.
        from party.models import PartyMember
        from people.models import Resident

        return Q(pk__in=Resident.objects.for_actor(actor).values("person_id")) | Q(
            pk__in=PartyMember.objects.for_actor(actor).values("person_id")
        )

    # The ID number and phone are encrypted: exact matches go through their keyed hashes.
    def with_id_number(self, number: str) -> PersonQuerySet:
        return self.filter(id_number_hash=index_of("id_number", number))

    def with_phone(self, phone: str) -> PersonQuerySet:
        return self.filter(phone_hash=index_of("phone", phone))


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
