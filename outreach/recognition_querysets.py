"""Who sees recognition and accountability records: only organisation departments (the city's
and districts' admins, 组织部) over their area, and the person's own party organisation (the
community's party secretary for organisations in the community, the unit's party admin for a
unit's organisations). Street offices, helpers and the person's neighbours never do."""

from __future__ import annotations

from django.db.models import Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q

ORG_DEPARTMENT_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN})
OWN_ORG_ROLES = frozenset({Role.COMMUNITY_ADMIN})


def recognition_q(
    actor: Actor, path_field: str = "scope_path", unit_field: str = "unit_id"
) -> Q | None:
    qs: list[Q | None] = [
        path_prefix_q(actor, ORG_DEPARTMENT_ROLES | OWN_ORG_ROLES, path_field),
        *[Q(**{unit_field: g.unit_id}) for g in actor.grants_for(Role.UNIT_ADMIN) if g.unit_id],
    ]
    return any_of([q for q in qs if q is not None])


class RecognitionQuerySet(ScopedQuerySet):
    """Frontline entries, nominations, accountability records and activists."""

    def access_q(self, actor: Actor) -> Q | None:
        return recognition_q(actor)


class CommendationQuerySet(ScopedQuerySet):
    """A commendation decision: the departments of its area (it is published as a notice)."""

    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, ORG_DEPARTMENT_ROLES, "place_path")
