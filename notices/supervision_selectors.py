"""Every read the supervision pages and API need, actor first; scoping starts at for_actor."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.actor import Actor
from core.scoping import any_of
from notices.models import (
    AreaLead,
    Inspection,
    InspectionItem,
    Rectification,
    RectificationStatus,
    RectificationUpdate,
    SupervisionTeam,
)
from notices.policies import TEAM_ROLES
from notices.supervision import inspector_scope, inspects
from places.models import PLACE_ORDER, Place, PlaceKind

RECT_FILTERS = ("due", "all", *RectificationStatus.values)
DUE = (RectificationStatus.OPEN, RectificationStatus.REPORTED)


def access_inspection(actor: Actor, inspection_id: int) -> Inspection:
    row = (
        Inspection.objects.for_actor(actor)
        .select_related("place", "place__parent", "team", "inspector")
        .filter(pk=inspection_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_rectification(actor: Actor, rectification_id: int) -> Rectification:
    row = (
        Rectification.objects.for_actor(actor)
        .select_related("inspection", "inspection__place", "inspection__inspector", "owner", "item")
        .filter(pk=rectification_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


def access_team(actor: Actor, team_id: int) -> SupervisionTeam:
    row = SupervisionTeam.objects.for_actor(actor).select_related("place", "leader")
    found = row.filter(pk=team_id).first()
    if found is None:
        raise Http404
    return found


def access_area_lead(actor: Actor, area_lead_id: int) -> AreaLead:
    found = (
        AreaLead.objects.for_actor(actor)
        .select_related("street", "leader")
        .filter(pk=area_lead_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def inspection_list(
    actor: Actor, *, q: str = "", place_id: int | None = None
) -> QuerySet[Inspection]:
    rows = (
        Inspection.objects.for_actor(actor)
        .select_related("place", "place__parent", "team", "inspector")
        .annotate(
            problems=Count("items", filter=Q(items__result="problem"), distinct=True),
            due=Count(
                "rectifications",
                filter=Q(rectifications__status__in=DUE),
                distinct=True,
            ),
        )
    )
    if q:
        rows = rows.filter(
            Q(place__name__icontains=q) | Q(summary__icontains=q) | Q(team__name__icontains=q)
        )
    if place_id:
        place = Place.objects.filter(pk=place_id).first()
        rows = rows.filter(place_path__startswith=place.path) if place else rows.none()
    return rows.order_by("-inspected_on", "-pk")


def inspection_items(actor: Actor, inspection: Inspection) -> QuerySet[InspectionItem]:
    return InspectionItem.objects.for_actor(actor).filter(inspection=inspection)


def _overdue_q() -> Q:
    return Q(status__in=DUE, deadline__lt=timezone.localdate())


def _with_overdue(rows: QuerySet[Rectification]) -> QuerySet[Rectification]:
    return rows.annotate(
        overdue=Case(
            When(_overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def inspection_rectifications(actor: Actor, inspection: Inspection) -> QuerySet[Rectification]:
    """The inspection's rectifications, each with `.visible_updates` (one query for all)."""
    updates = RectificationUpdate.objects.for_actor(actor).select_related("by").order_by("at", "pk")
    rows = Rectification.objects.for_actor(actor).filter(inspection=inspection)
    rows = rows.prefetch_related(Prefetch("updates", queryset=updates, to_attr="visible_updates"))
    return _with_overdue(rows.select_related("owner", "item")).order_by(
        "-overdue", "deadline", "pk"
    )


def rectification_list(
    actor: Actor, *, q: str = "", status: str = "due"
) -> QuerySet[Rectification]:
    """Overdue ones first (open or reported past their deadline, the city's calendar day), then
    by deadline."""
    rows = Rectification.objects.for_actor(actor).select_related(
        "inspection", "inspection__place", "owner"
    )
    if q:
        rows = rows.filter(
            Q(finding__icontains=q)
            | Q(owner_name__icontains=q)
            | Q(inspection__place__name__icontains=q)
        )
    if status == "due":
        rows = rows.filter(status__in=DUE)
    elif status == "overdue":
        rows = rows.filter(_overdue_q())
    elif status in RectificationStatus.values:
        rows = rows.filter(status=status)
    return _with_overdue(rows).order_by("-overdue", "deadline", "pk")


def rectification_updates(actor: Actor, r: Rectification) -> list[RectificationUpdate]:
    """The follow-ups the actor sees, oldest first (prefetched by inspection_rectifications)."""
    prefetched = getattr(r, "visible_updates", None)
    if prefetched is not None:
        return list(prefetched)
    rows = RectificationUpdate.objects.for_actor(actor).filter(rectification=r)
    return list(rows.select_related("by").order_by("at", "pk"))


def overdue_rectification_count(actor: Actor, under: str = "") -> int:
    """For the home page: rectifications the actor sees (under the place path `under`, when
    given) that are past their deadline."""
    rows = Rectification.objects.for_actor(actor).filter(place_path__startswith=under)
    return rows.filter(_overdue_q()).count()


def rectification_counts(actor: Actor) -> dict[str, int]:
    got = Rectification.objects.for_actor(actor).aggregate(
        overdue=Count("pk", filter=_overdue_q()),
        due=Count("pk", filter=Q(status__in=DUE)),
        **{s: Count("pk", filter=Q(status=s)) for s in RectificationStatus.values},
    )
    return {k: v or 0 for k, v in got.items()}


def team_list(actor: Actor, *, q: str = "") -> QuerySet[SupervisionTeam]:
    rows = SupervisionTeam.objects.for_actor(actor).select_related("place", "leader")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(members__display_name__icontains=q))
    return rows.annotate(n_members=Count("members", distinct=True)).order_by("name", "pk")


def area_lead_list(actor: Actor, *, q: str = "") -> QuerySet[AreaLead]:
    rows = AreaLead.objects.for_actor(actor).select_related("street", "leader")
    if q:
        rows = rows.filter(
            Q(leader__display_name__icontains=q)
            | Q(leader__username__icontains=q)
            | Q(street__name__icontains=q)
            | Q(communities__name__icontains=q)
        )
    return rows.distinct().order_by("street__path", "leader__display_name", "pk")


def staff_under(actor: Actor, paths: Sequence[str], limit: int = 300) -> list[User]:
    """Accounts with a grant in the subtree of one of `paths` (to pick members, leaders,
    owners); one query for any number of places."""
    under = any_of(Q(grants__place__path__startswith=p) for p in paths)
    if not actor.is_authenticated or under is None:
        return []
    return list(
        User.objects.filter(under, is_active=True)
        .distinct()
        .order_by("display_name", "username")[:limit]
    )


def inspectable_places(actor: Actor) -> list[Place]:
    """The streets and communities the actor may inspect (for the form's choice)."""
    if not actor.is_authenticated:
        return []
    paths = [g.place_path for g in actor.place_grants(TEAM_ROLES | {"street_admin"})]
    if actor.user_id:
        paths += list(
            SupervisionTeam.objects.filter(members__id=actor.user_id).values_list(
                "place_path", flat=True
            )
        )
    cond = Q(pk__in=[])
    for p in set(paths):
        cond |= Q(path__startswith=p)
    if actor.user_id:
        cond |= Q(pk__in=AreaLead.objects.filter(leader_id=actor.user_id).values("communities"))
    if actor.is_superuser:
        cond = Q()
    rows = Place.objects.filter(cond, kind__in=[PlaceKind.STREET, PlaceKind.COMMUNITY])
    scope = inspector_scope(actor)
    return [
        p
        for p in rows.select_related("parent").order_by(*PLACE_ORDER)[:500]
        if inspects(actor, p, scope)
    ]


def actor_teams(actor: Actor) -> list[SupervisionTeam]:
    """Teams the actor may inspect with: theirs, and those they manage."""
    return list(team_list(actor))


def street_communities_of(streets: Sequence[Place]) -> list[Place]:
    """The communities of the streets, in one query."""
    rows = Place.objects.filter(parent__in=list(streets), kind=PlaceKind.COMMUNITY)
    return list(rows.order_by(*PLACE_ORDER))
