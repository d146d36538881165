"""Every read the posts and zones pages need (M5), actor first; scoping starts at for_actor."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.actor import Actor
from core.roles import Role
from mobilisation.models import (
    Post,
    PostMember,
    Shift,
    ShiftAssignment,
    Zone,
    ZoneMember,
    ZonePlace,
)
from places.models import PLACE_ORDER, Household, Place


def access_post(actor: Actor, post_id: int) -> Post:
    row = (
        Post.objects.for_actor(actor)
        .select_related("community", "place", "leader")
        .filter(pk=post_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_zone(actor: Actor, zone_id: int) -> Zone:
    row = (
        Zone.objects.for_actor(actor)
        .select_related("community", "leader")
        .filter(pk=zone_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def _active_members() -> Count:
    return Count("memberships", filter=Q(memberships__removed_at__isnull=True), distinct=True)


def post_list(
    actor: Actor,
    *,
    q: str = "",
    kind: str = "",
    community_id: int | None = None,
    closed: bool = False,
) -> QuerySet[Post]:
    """The posts the actor sees, open ones (or closed ones), with the active members count."""
    rows = Post.objects.for_actor(actor).filter(closed_at__isnull=not closed)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(location__icontains=q) | Q(leader__display_name__icontains=q)
        )
    return (
        rows.select_related("leader", "place", "community")
        .annotate(members=_active_members())
        .order_by("name", "pk")
    )


@dataclass
class NextShift:
    shift: Shift
    assigned: int

    @property
    def gap(self) -> int:
        return max(self.shift.needed - self.assigned, 0)


def next_shifts(post_ids: list[int], now: datetime.datetime | None = None) -> dict[int, NextShift]:
    """For each post, its next live shift not yet over, with how many people are on it (one
    query; the posts were already scoped)."""
    now = now or timezone.now()
    rows = (
        Shift.objects.live()
        .filter(post_id__in=post_ids, ends_at__gt=now)
        .annotate(
            n=Count("assignments", filter=Q(assignments__removed_at__isnull=True), distinct=True)
        )
        .order_by("post_id", "starts_at", "pk")
    )
    out: dict[int, NextShift] = {}
    for s in rows[: max(len(post_ids), 1) * 50]:
        if s.post_id not in out:
            out[s.post_id] = NextShift(shift=s, assigned=s.n)  # type: ignore[attr-defined]
    return out


def post_members(post: Post) -> list[PostMember]:
    """The post's active members (for a post the caller already accessed)."""
    return list(
        PostMember.objects.filter(post_id=post.pk, removed_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )


def zone_list(
    actor: Actor, *, q: str = "", community_id: int | None = None, closed: bool = False
) -> QuerySet[Zone]:
    rows = Zone.objects.for_actor(actor).filter(closed_at__isnull=not closed)
    if community_id is not None:
        rows = rows.filter(community_id=community_id)
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(leader__display_name__icontains=q))
    return (
        rows.select_related("leader", "community")
        .annotate(members=_active_members())
        .order_by("name", "pk")
    )


def zone_places(zone_ids: list[int]) -> dict[int, list[Place]]:
    """The grids and buildings of each zone (one query)."""
    out: dict[int, list[Place]] = {z: [] for z in zone_ids}
    rows = (
        ZonePlace.objects.filter(zone_id__in=zone_ids)
        .select_related("place")
        .order_by("place__sort_path", "pk")
    )
    for zp in rows:
        out[zp.zone_id].append(zp.place)
    return out


def zone_members(zone_ids: list[int]) -> dict[int, list[User]]:
    """The active members of each zone (one query)."""
    out: dict[int, list[User]] = {z: [] for z in zone_ids}
    rows = (
        ZoneMember.objects.filter(zone_id__in=zone_ids, removed_at__isnull=True)
        .select_related("user")
        .order_by("added_at", "pk")
    )
    for m in rows:
        out[m.zone_id].append(m.user)
    return out


def community_places(community: Place) -> list[Place]:
    """The grids and buildings of a community, in tree order (the zone form's checkboxes)."""
    return list(
        Place.objects.filter(path__startswith=community.path)
        .exclude(pk=community.pk)
        .order_by(*PLACE_ORDER)
    )


@dataclass
class ZoneOverHome:
    zone: Zone
    places: list[Place]
    members: list[User] = field(default_factory=list)


def zones_for_household(actor: Actor) -> list[ZoneOverHome]:
    """For a resident: the open zones over their household's building or grid, with the leader
    and members (whom to call). Nothing else of the community."""
    homes = [g.household_id for g in actor.grants_for(Role.RESIDENT) if g.household_id]
    if not homes:
        return []
    households = Household.objects.filter(pk__in=homes)
    over = ZonePlace.objects.filter(
        Q(place_id__in=households.values("building_id"))
        | Q(place_id__in=households.values("grid_id"))
    ).values("zone_id")
    zones = list(Zone.objects.for_actor(actor).open().filter(pk__in=over).select_related("leader"))
    ids = [z.pk for z in zones]
    places = zone_places(ids)
    members = zone_members(ids)
    return [ZoneOverHome(zone=z, places=places[z.pk], members=members[z.pk]) for z in zones]


def my_posts(actor: Actor) -> list[Post]:
    """The open posts the actor leads, is a member of, or has a shift on that is not over."""
    if not actor.user_id:
        return []
    from mobilisation.duty_querysets import on_post_q

    shifts = ShiftAssignment.objects.filter(
        user_id=actor.user_id, removed_at__isnull=True, ends_at__gt=timezone.now()
    ).values("shift__post_id")
    return list(
        Post.objects.for_actor(actor)
        .open()
        .filter(on_post_q(actor.user_id) | Q(pk__in=shifts))
        .select_related("leader", "community")
    )


def my_zones(actor: Actor) -> list[Zone]:
    if not actor.user_id:
        return []
    mine = ZoneMember.objects.filter(user_id=actor.user_id, removed_at__isnull=True)
    return list(
        Zone.objects.for_actor(actor)
        .open()
        .filter(Q(leader_id=actor.user_id) | Q(pk__in=mine.values("zone_id")))
        .select_related("leader", "community")
    )


@dataclass
class CommunityPosts:
    community_id: int
    name: str
    posts: int = 0
    zones: int = 0
    shifts_today: int = 0
    gaps_today: int = 0


def posts_overview(actor: Actor, day: datetime.date | None = None) -> list[CommunityPosts]:
    """For offices above the community: per community, open posts, zones, today's shifts and
    gaps (three grouped queries)."""
    from mobilisation.roster_selectors import day_bounds

    day = day or timezone.localdate()
    rows: dict[int, CommunityPosts] = {}
    for cid, name, n in (
        Post.objects.for_actor(actor)
        .open()
        .values_list("community_id", "community__name")
        .annotate(n=Count("pk"))
        .values_list("community_id", "community__name", "n")
    ):
        rows[cid] = CommunityPosts(community_id=cid, name=name, posts=n)
    for cid, name, n in (
        Zone.objects.for_actor(actor)
        .open()
        .values_list("community_id", "community__name")
        .annotate(n=Count("pk"))
        .values_list("community_id", "community__name", "n")
    ):
        rows.setdefault(cid, CommunityPosts(community_id=cid, name=name)).zones = n
    start, end = day_bounds(day)
    shifts = (
        Shift.objects.for_actor(actor)
        .live()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(
            n=Count("assignments", filter=Q(assignments__removed_at__isnull=True), distinct=True)
        )
        .values_list("community_id", "community__name", "needed", "n")
    )
    for cid, name, needed, n in shifts:
        row = rows.setdefault(cid, CommunityPosts(community_id=cid, name=name))
        row.shifts_today += 1
        row.gaps_today += 1 if n < needed else 0
    return sorted(rows.values(), key=lambda r: (-r.gaps_today, r.name))
