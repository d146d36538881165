"""Who sees which duty rows: the one access rule (core.scoping), declared per model.

Offices (city, district, street, community admin) see their subtree by the community's path.
A worker sees what they are on: posts and zones they lead or belong to, the shifts of those
posts, their own assignments, patrols and activities. A unit's party admin sees their members'
hours (assignments and activity parts carry the unit), never the community's residents.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from core.actor import Actor
from core.roles import Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q

OFFICE_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
)
# Everyone who works in a community and may be on a post, a shift or a patrol.
WORKER_ROLES = frozenset(
    {
        Role.COMMUNITY_ADMIN,
        Role.GRID_WORKER,
        Role.BUILDING_HEAD,
        Role.HEALTH_WORKER,
        Role.CADRE,
        Role.VOLUNTEER,
        Role.PROPERTY_STAFF,
        Role.COMMUNITY_POLICE,
    }
)


def worker_community_paths(actor: Actor) -> list[str]:
    """The paths of the communities the actor works in (a grid or building grant counts for its
    community); read from the grants, no query."""
    out: list[str] = []
    for g in actor.place_grants(WORKER_ROLES):
        ids = [p for p in g.place_path.strip("/").split("/") if p]
        if len(ids) >= 4:
            path = "/" + "/".join(ids[:4]) + "/"
            if path not in out:
                out.append(path)
    return out


def _offices(actor: Actor) -> Q | None:
    return path_prefix_q(actor, OFFICE_ROLES, "community_path")


def _units(actor: Actor) -> list[Q]:
    return [Q(unit_id=g.unit_id) for g in actor.grants_for(Role.UNIT_ADMIN) if g.unit_id]


def _either(*qs: Q | None) -> Q | None:
    return any_of([q for q in qs if q is not None])


def on_post_q(user_id: int, prefix: str = "") -> Q:
    """Posts the user leads or is an active member of (prefix: the lookup to the post)."""
    from mobilisation.models import PostMember

    member = PostMember.objects.filter(
        post_id=OuterRef(f"{prefix}pk" if prefix else "pk"),
        user_id=user_id,
        removed_at__isnull=True,
    )
    return Q(**{f"{prefix}leader_id": user_id}) | Q(Exists(member))


class PostQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import ShiftAssignment

        if not actor.user_id:
            return _offices(actor)
        assigned = ShiftAssignment.objects.filter(
            shift__post_id=OuterRef("pk"), user_id=actor.user_id, removed_at__isnull=True
        )
        return _either(_offices(actor), on_post_q(actor.user_id), Q(Exists(assigned)))

    def open(self) -> PostQuerySet:
        return self.filter(closed_at__isnull=True)


class ZoneQuerySet(ScopedQuerySet):
    """Offices; the zone's leader and members; the residents of its buildings (who is
    responsible for my building), and workers of the community (who covers which building)."""

    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import ZoneMember, ZonePlace
        from places.models import Household

        own: Q | None = None
        if actor.user_id:
            member = ZoneMember.objects.filter(
                zone_id=OuterRef("pk"), user_id=actor.user_id, removed_at__isnull=True
            )
            own = Q(leader_id=actor.user_id) | Q(Exists(member))
        homes = [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
        residents: Q | None = None
        if homes:
            places = Household.objects.filter(pk__in=homes)
            over = ZonePlace.objects.filter(zone_id=OuterRef("pk")).filter(
                Q(place_id__in=places.values("building_id"))
                | Q(place_id__in=places.values("grid_id"))
            )
            residents = Q(Exists(over))
        workers = any_of(Q(community_path=p) for p in worker_community_paths(actor))
        return _either(_offices(actor), own, residents, workers)

    def open(self) -> ZoneQuerySet:
        return self.filter(closed_at__isnull=True)


class ShiftQuerySet(ScopedQuerySet):
    """Offices; the people of the shift's post (leader, members) and those assigned to it."""

    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import ShiftAssignment

        if not actor.user_id:
            return _offices(actor)
        assigned = ShiftAssignment.objects.filter(
            shift_id=OuterRef("pk"), user_id=actor.user_id, removed_at__isnull=True
        )
        return _either(_offices(actor), on_post_q(actor.user_id, "post__"), Q(Exists(assigned)))

    def live(self) -> ShiftQuerySet:
        return self.filter(cancelled_at__isnull=True)


class ShiftAssignmentQuerySet(ScopedQuerySet):
    """Offices; the person's own; the people of the same post (who is on with me); the unit
    admin of the person's unit (hours)."""

    def access_q(self, actor: Actor) -> Q | None:
        if not actor.user_id:
            return _either(_offices(actor), *_units(actor))
        return _either(
            _offices(actor),
            Q(user_id=actor.user_id),
            on_post_q(actor.user_id, "shift__post__"),
            *_units(actor),
        )

    def active(self) -> ShiftAssignmentQuerySet:
        return self.filter(removed_at__isnull=True)


class PatrolRouteQuerySet(ScopedQuerySet):
    """Offices, and everyone working in the route's community (anyone may be sent round it)."""

    def access_q(self, actor: Actor) -> Q | None:
        workers = any_of(Q(community_path=p) for p in worker_community_paths(actor))
        return _either(_offices(actor), workers)


class PatrolQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import Patrol

        if not actor.user_id:
            return _offices(actor)
        mine = Patrol.patrollers.through.objects.filter(
            patrol_id=OuterRef("pk"), user_id=actor.user_id
        )
        return _either(_offices(actor), Q(started_by_id=actor.user_id), Q(Exists(mine)))


class PatrolFindingQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import Patrol

        if not actor.user_id:
            return _offices(actor)
        mine = Patrol.patrollers.through.objects.filter(
            patrol_id=OuterRef("patrol_id"), user_id=actor.user_id
        )
        return _either(_offices(actor), Q(recorded_by_id=actor.user_id), Q(Exists(mine)))


class ActivityQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        from mobilisation.models import ActivityParticipant

        if not actor.user_id:
            return _offices(actor)
        part = ActivityParticipant.objects.filter(activity_id=OuterRef("pk"), user_id=actor.user_id)
        return _either(_offices(actor), Q(created_by_id=actor.user_id), Q(Exists(part)))


class ActivityParticipantQuerySet(ScopedQuerySet):
    def access_q(self, actor: Actor) -> Q | None:
        own = Q(user_id=actor.user_id) if actor.user_id else None
        return _either(_offices(actor), own, *_units(actor))


class WorkerNeedQuerySet(ScopedQuerySet):
    """Offices of the community and above (the street answers); the worker's own."""

    def access_q(self, actor: Actor) -> Q | None:
        own = (Q(worker_id=actor.user_id) | Q(filed_by_id=actor.user_id)) if actor.user_id else None
        return _either(_offices(actor), own)

    def open(self) -> WorkerNeedQuerySet:
        return self.filter(status="open")
