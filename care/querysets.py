"""Who sees which care rows: the one access rule (core.scoping), declared per model."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, place_columns_q

# The offices and grid workers see the care of their area; a carer sees their own households.
CARE_OFFICE_ROLES = frozenset(
    {
        Role.CITY_ADMIN,
        Role.DISTRICT_ADMIN,
        Role.STREET_ADMIN,
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
    }
)


def _own_or_office(actor: Actor, carer_field: str) -> Q | None:
    office = place_columns_q(actor, CARE_OFFICE_ROLES)
    own = Q(**{carer_field: actor.user_id}) if actor.user_id else None
    return any_of([q for q in [office, own] if q is not None])


class CareAssignmentQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        return _own_or_office(actor, "carer_id")

    def active(self) -> CareAssignmentQuerySet:
        return self.filter(ended_at__isnull=True)


class CareContactQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        # A carer who takes a household over reads its earlier contacts too (the handover).
        from care.models import CareAssignment

        office = place_columns_q(actor, CARE_OFFICE_ROLES)
        if not actor.user_id:
            return office
        mine = Q(carer_id=actor.user_id) | Q(
            household_id__in=CareAssignment.objects.filter(
                carer_id=actor.user_id, ended_at__isnull=True
            ).values("household_id")
        )
        return mine if office is None else office | mine
