"""Who sees notices, opinion incidents, inspections and the guide: the one access rule
(core.scoping), declared per model.

A notice is addressed to places (its targets); everyone whose place lies under a target sees
it (a resident by their household's building), and the offices above a target see it too, to
follow its reach. Incidents and inspections are seen by the offices of their place's subtree
and by whoever reported or inspected."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, ancestor_paths, any_of, path_prefix_q

OFFICE_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)
# Who inspects (督导): city and district supervision teams, street area leads.
SUPERVISOR_ROLES = frozenset({Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN})


def actor_place_paths(actor: Actor) -> list[str]:
    """Every place path the actor stands at: each place grant's, a resident's building, a unit's
    registration place."""
    paths = [g.place_path for g in actor.grants if g.place_path]
    paths += [g.unit_place_path for g in actor.grants if g.unit_place_path]
    # A resident stands at their household's building.
    paths += [g.household_path for g in actor.grants_for(Role.RESIDENT) if g.household_path]
    return sorted(set(paths))


def notice_targets_q(actor: Actor, prefix: str = "") -> Q | None:
    """Targets at or above one of the actor's places, or (for offices) below one of them."""
    from notices.models import NoticeTarget

    above = sorted({a for p in actor_place_paths(actor) for a in ancestor_paths(p)})
    conds: list[Q] = []
    if above:
        conds.append(Q(place_path__in=above))
    conds += [Q(place_path__startswith=g.place_path) for g in actor.place_grants(OFFICE_ROLES)]
    cond = any_of(conds)
    if cond is None:
        return None
    target = NoticeTarget.objects.filter(
        cond, notice_id=OuterRef(f"{prefix}pk" if prefix else "pk")
    )
    return Q(Exists(target))


class NoticeQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        issuer = path_prefix_q(actor, OFFICE_ROLES, "issuer_path")
        return any_of([q for q in [notice_targets_q(actor), issuer] if q is not None])

    def live(self) -> NoticeQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class NoticeTargetQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from notices.models import Notice

        visible = Notice.objects.for_actor(actor).filter(pk=OuterRef("notice_id"))
        return Q(Exists(visible)) if actor.is_authenticated else None


class NoticeRelayQuerySet(ScopedQuerySet):
    """How a community relayed a notice: its offices, and the people of the community (its
    workers and residents read the explanation with the notice)."""

    def access_q(self, actor: Actor) -> Q | None:
        offices = path_prefix_q(actor, OFFICE_ROLES, "community_path")
        above = sorted({a for p in actor_place_paths(actor) for a in ancestor_paths(p)})
        own = Q(community_path__in=above) if above else None
        return any_of([q for q in [offices, own] if q is not None])


class NoticeReadQuerySet(ScopedQuerySet):
    """Who read: the reader, and the offices of the reader's community (reach counts)."""

    def access_q(self, actor: Actor) -> Q | None:
        own = Q(user_id=actor.user_id) if actor.user_id else None
        offices = path_prefix_q(actor, OFFICE_ROLES, "community_path")
        return any_of([q for q in [own, offices] if q is not None])


class OpinionIncidentQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = Q(reported_by_id=actor.user_id) if actor.user_id else None
        offices = path_prefix_q(actor, OFFICE_ROLES, "place_path")
        return any_of([q for q in [own, offices] if q is not None])


class IncidentActionQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from notices.models import OpinionIncident

        visible = OpinionIncident.objects.for_actor(actor).filter(pk=OuterRef("incident_id"))
        return Q(Exists(visible)) if actor.is_authenticated else None


class SupervisionTeamQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        member = Q(members__id=actor.user_id) if actor.user_id else None
        return any_of(
            [q for q in [path_prefix_q(actor, SUPERVISOR_ROLES, "place_path"), member] if q]
        )


class AreaLeadQuerySet(ScopedQuerySet):
    """分片包干: the street's offices and above, and the lead themself."""

    def access_q(self, actor: Actor) -> Q | None:
        own = Q(leader_id=actor.user_id) if actor.user_id else None
        offices = path_prefix_q(actor, OFFICE_ROLES - {Role.COMMUNITY_ADMIN}, "street_path")
        return any_of([q for q in [own, offices] if q is not None])


class InspectionQuerySet(ScopedQuerySet):
    """The offices of the inspected place's subtree (the community sees its findings), the
    offices above it, and the inspector."""

    def access_q(self, actor: Actor) -> Q | None:
        own = Q(inspector_id=actor.user_id) if actor.user_id else None
        offices = path_prefix_q(actor, OFFICE_ROLES, "place_path")
        return any_of([q for q in [own, offices] if q is not None])


class InInspectionQuerySet(ScopedQuerySet):
    """Checklist items, rectifications and their follow-ups: as their inspection."""

    # The lookup to the rectification's responsible user, who sees what they must fix.
    owner_field: str | None = None

    def access_q(self, actor: Actor) -> Q | None:
        qs = [path_prefix_q(actor, OFFICE_ROLES, "place_path")]
        if actor.user_id:
            qs.append(Q(inspection__inspector_id=actor.user_id))
            if self.owner_field:
                qs.append(Q(**{self.owner_field: actor.user_id}))
        return any_of([q for q in qs if q is not None])


class RectificationQuerySet(InInspectionQuerySet):
    owner_field = "owner_id"


class RectificationUpdateQuerySet(InInspectionQuerySet):
    owner_field = "rectification__owner_id"


class GuideItemQuerySet(ScopedQuerySet):
    """The protection guide is public: everyone reads the published items."""

    def access_q(self, actor: Actor) -> Q | None:
        return Q(published=True) | (
            path_prefix_q(actor, {Role.CITY_ADMIN}, "city_path") or Q(pk__in=[])
        )
