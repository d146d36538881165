"""Reads of the notice pages: the notices an actor receives or follows, one notice, the
explanation of the reader's community, the home page's latest notices and unread count, and the
reach per community (reads over residents, counted with grouped queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from core.actor import Actor
from core.roles import Role
from core.scoping import ancestor_paths
from notices.models import Notice, NoticeKind, NoticeRead, NoticeRelay, NoticeTarget
from notices.policies import follows_notices
from notices.querysets import OFFICE_ROLES, actor_place_paths
from notices.reads import resident_community
from people.models import Resident
from places.models import PLACE_ORDER, Place, PlaceKind, path_ids


def notices_for(
    actor: Actor, *, q: str = "", kind: str = "", unread: bool = False
) -> QuerySet[Notice]:
    """The notices the actor sees, newest first, each with `is_read`; withdrawn ones only for
    the offices."""
    rows = Notice.objects.for_actor(actor)
    if not follows_notices(actor):
        rows = rows.live()
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    read = NoticeRead.objects.filter(notice_id=OuterRef("pk"), user_id=actor.user_id or 0)
    rows = rows.annotate(is_read=Exists(read))
    if unread:
        rows = rows.filter(is_read=False)
    return rows.select_related("issuer").order_by("-published_at", "-pk")


def unread_count(actor: Actor) -> int:
    """How many live notices the actor has not opened yet (for the home page)."""
    if not actor.is_authenticated:
        return 0
    return notices_for(actor, unread=True).filter(withdrawn_at__isnull=True).count()


@dataclass(frozen=True)
class HomeNotice:
    id: int
    title: str
    kind: str
    kind_label: str
    issuer: str
    published_at: datetime.datetime
    unread: bool
    url: str


def notices_for_home(actor: Actor, limit: int = 5) -> list[HomeNotice]:
    """The latest live notices for the actor's home page, with an unread marker."""
    if not actor.is_authenticated:
        return []
    rows = notices_for(actor).filter(withdrawn_at__isnull=True)[:limit]
    return [
        HomeNotice(
            id=n.pk,
            title=n.title,
            kind=n.kind,
            kind_label=str(NoticeKind(n.kind).label),
            issuer=n.issuer.name,
            published_at=n.published_at,
            unread=not n.is_read,  # type: ignore[attr-defined]
            url=reverse("notices:notice", args=[n.pk]),
        )
        for n in rows
    ]


def access_notice(actor: Actor, notice_id: int) -> Notice:
    """One notice the actor sees (404 for missing, forbidden and, for residents, withdrawn)."""
    rows = Notice.objects.for_actor(actor)
    if not follows_notices(actor):
        rows = rows.live()
    row = (
        rows.select_related("issuer", "building", "published_by", "withdrawn_by")
        .filter(pk=notice_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def notice_targets(notice: Notice) -> list[NoticeTarget]:
    return list(NoticeTarget.objects.filter(notice_id=notice.pk).select_related("place"))


def reader_community_ids(actor: Actor) -> list[int]:
    """The communities the actor belongs to: a resident's household's, a worker's (a grant at a
    community, grid or building)."""
    ids: list[int] = []
    home = resident_community(actor)
    if home is not None:
        ids.append(home[0])
    for path in actor_place_paths(actor):
        parts = path_ids(path)
        if len(parts) >= 4:
            ids.append(parts[3])
    return sorted(set(ids))


def relay_for_reader(actor: Actor, notice: Notice) -> NoticeRelay | None:
    """How the reader's own community relayed the notice (its explanation), if it has."""
    ids = reader_community_ids(actor)
    if not ids:
        return None
    return (
        NoticeRelay.objects.for_actor(actor)
        .filter(notice_id=notice.pk, community_id__in=ids)
        .select_related("community")
        .order_by("community_id")
        .first()
    )


def notice_relays(actor: Actor, notice: Notice) -> QuerySet[NoticeRelay]:
    return (
        NoticeRelay.objects.for_actor(actor)
        .filter(notice_id=notice.pk)
        .select_related("community", "relayed_by")
        .order_by("community__sort_path", "pk")
    )


# --- reach ------------------------------------------------------------------------------------


def _reach_q(actor: Actor, notice: Notice) -> Q:
    """The communities the notice goes to that the actor follows (offices' subtrees)."""
    targets = list(NoticeTarget.objects.filter(notice_id=notice.pk).values_list("place_path"))
    conds = Q(pk__in=[])
    for (path,) in targets:
        ids = path_ids(path)
        if len(ids) > 4:  # a building: its community
            conds |= Q(pk=ids[3])
        else:
            conds |= Q(path__startswith=path)
    q = Q(kind=PlaceKind.COMMUNITY) & conds
    if not actor.is_superuser:
        own = Q(pk__in=[])
        for g in actor.place_grants(OFFICE_ROLES):
            own |= Q(path__startswith=g.place_path)
        q &= own
    return q


def reach_communities(actor: Actor, notice: Notice, *, q: str = "") -> QuerySet[Place]:
    """The communities on the reach page, in tree order (filter by name with `q`)."""
    rows = Place.objects.filter(_reach_q(actor, notice))
    if q:
        rows = rows.filter(name__icontains=q)
    return rows.select_related("parent").order_by(*PLACE_ORDER)


@dataclass
class CommunityReach:
    community: Place
    residents: int = 0
    reads: int = 0
    relay: NoticeRelay | None = None

    @property
    def percent(self) -> int:
        return min(100, round(self.reads * 100 / self.residents)) if self.residents else 0


@dataclass
class ReachTotals:
    communities: int = 0
    relayed: int = 0
    residents: int = 0
    reads: int = 0
    rows: list[CommunityReach] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return min(100, round(self.reads * 100 / self.residents)) if self.residents else 0


def _residents_by(actor: Actor, ids: object) -> dict[int, int]:
    rows = (
        Resident.objects.for_actor(actor)
        .living()
        .filter(community_id__in=ids)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    return {r["community_id"]: r["n"] for r in rows}


def _reads_by(actor: Actor, notice: Notice, ids: object) -> dict[int, int]:
    rows = (
        NoticeRead.objects.for_actor(actor)
        .filter(notice_id=notice.pk, community_id__in=ids)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    return {r["community_id"]: r["n"] for r in rows}


def notice_reach(
    actor: Actor, notice: Notice, communities: QuerySet[Place], shown: list[Place]
) -> ReachTotals:
    """Totals over `communities` and a row per community of `shown` (a page of them): residents
    (living there or temporarily away), readers among them, the relay. A fixed number of grouped
    queries, whatever the number of communities."""
    all_ids = communities.order_by().values("pk")
    residents = _residents_by(actor, all_ids)
    reads = _reads_by(actor, notice, all_ids)
    relays = {
        r.community_id: r
        for r in notice_relays(actor, notice).filter(community_id__in=[c.pk for c in shown])
    }
    relayed = (
        NoticeRelay.objects.for_actor(actor)
        .filter(notice_id=notice.pk, community_id__in=all_ids)
        .count()
    )
    totals = ReachTotals(
        communities=communities.count(),
        relayed=relayed,
        residents=sum(residents.values()),
        reads=sum(reads.values()),
    )
    totals.rows = [
        CommunityReach(c, residents.get(c.pk, 0), reads.get(c.pk, 0), relays.get(c.pk))
        for c in shown
    ]
    return totals


def is_resident_only(actor: Actor) -> bool:
    return bool(actor.grants) and all(g.role == Role.RESIDENT for g in actor.grants)


# --- publishing choices -----------------------------------------------------------------------


def issuer_choices(actor: Actor) -> list[Place]:
    """The commands the actor publishes for (their office places), top first."""
    from notices.publishing import issuer_places

    if actor.is_superuser:
        return list(Place.objects.filter(kind=PlaceKind.CITY).order_by(*PLACE_ORDER))
    return list(Place.objects.filter(pk__in=issuer_places(actor)).order_by(*PLACE_ORDER))


TARGET_CHOICES_MAX = 500


def target_choices(issuer: Place) -> list[Place]:
    """The districts, streets and communities under the issuer, in tree order."""
    from notices.publishing import TARGET_KINDS

    return list(
        Place.objects.filter(path__startswith=issuer.path, kind__in=TARGET_KINDS)
        .exclude(pk=issuer.pk)
        .order_by(*PLACE_ORDER)[:TARGET_CHOICES_MAX]
    )


def building_choices(actor: Actor, issuer: Place) -> list[Place]:
    """Buildings under the issuer with an open case the actor sees (a building notice names one
    of them; the threshold is checked when publishing)."""
    from triage.models import CaseStatus, TriageCase

    ids = (
        TriageCase.objects.for_actor(actor)
        .filter(status=CaseStatus.OPEN, building__path__startswith=issuer.path)
        .values("building_id")
    )
    return list(
        Place.objects.filter(pk__in=ids, kind=PlaceKind.BUILDING)
        .select_related("parent")
        .order_by(*PLACE_ORDER)[:TARGET_CHOICES_MAX]
    )


def relay_choices(actor: Actor, notice: Notice) -> list[Place]:
    """The communities the actor records relays for that the notice goes to."""
    from notices.relays import notice_reaches, relay_communities

    if actor.is_superuser:
        return list(reach_communities(actor, notice)[:TARGET_CHOICES_MAX])
    places = Place.objects.filter(pk__in=relay_communities(actor)).order_by(*PLACE_ORDER)
    paths = list(notice.targets.values_list("place_path", flat=True))
    return [c for c in places if notice_reaches(notice, c, paths)]


def notices_to_relay(actor: Actor, community: Place) -> QuerySet[Notice]:
    """Notices addressed to the community or a place above it, not yet relayed by it: the
    community admin's home count and the list it opens (?relay=<community>)."""
    return (
        Notice.objects.for_actor(actor)
        .live()
        .filter(targets__place_path__in=ancestor_paths(community.path))
        .exclude(kind=NoticeKind.BUILDING)
        .exclude(relays__community_id=community.pk)
        .distinct()
        .order_by("-published_at", "-pk")
    )


def relaying_communities(actor: Actor) -> list[Place]:
    """The communities whose notices this actor relays (their community admin grants)."""
    ids = [g.place_id for g in actor.place_grants(Role.COMMUNITY_ADMIN)]
    return list(Place.objects.filter(pk__in=ids, kind=PlaceKind.COMMUNITY))
