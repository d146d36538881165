"""Every read the deployment pages need, actor first; scoping starts at for_actor."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from core.actor import Actor
from mobilisation.models import CheckInLink, Deployment, DeploymentStatus
from mobilisation.policies import ACCEPT_ROLES, DEPLOYMENT_LIST_ROLES
from party.models import PartyMember, Unit

STATUS_FILTERS = ("all", *DeploymentStatus.values)


def reads_deployments(actor: Actor) -> bool:
    return actor.is_superuser or actor.has_role(DEPLOYMENT_LIST_ROLES)


def admin_communities(actor: Actor) -> list[int]:
    """The communities whose check-ins the actor decides (from the grants: no query)."""
    return sorted({g.place_id for g in actor.place_grants(ACCEPT_ROLES) if g.place_id})


def _with_relations(rows: QuerySet[Deployment]) -> QuerySet[Deployment]:
    return rows.select_related("user", "person", "unit", "community", "community__parent")


def cadre_phone(d: Deployment) -> str:
    """The number the cadre is called on: their account's, else their person record's."""
    return d.user.phone or (d.person.phone if d.person else "")


@dataclass
class IdentityClaim:
    """What the accepting admin sees of a person on record an account claims to be: masked,
    enough to ask the cadre in front of them."""

    name: str
    id_number: str
    member: bool


def identity_claim(d: Deployment) -> IdentityClaim | None:
    from core.masking import mask_id_number

    user = d.user
    if user.claimed_person_id is None or user.person_id is not None:
        return None
    person = user.claimed_person
    assert person is not None
    return IdentityClaim(
        name=person.name,
        id_number=mask_id_number(person.id_number or ""),
        member=person.party_memberships.exists(),
    )


def access_deployment(actor: Actor, deployment_id: int) -> Deployment:
    row = _with_relations(Deployment.objects.for_actor(actor)).filter(pk=deployment_id).first()
    if row is None:
        raise Http404
    return row


def access_checkin_link(actor: Actor, link_id: int) -> CheckInLink:
    link = (
        CheckInLink.objects.for_actor(actor).select_related("community").filter(pk=link_id).first()
    )
    if link is None:
        raise Http404
    return link


def _search(rows: QuerySet[Deployment], q: str) -> QuerySet[Deployment]:
    if not q:
        return rows
    return rows.filter(
        Q(user__display_name__icontains=q)
        | Q(person__name__icontains=q)
        | Q(user__username__icontains=q)
        | Q(unit__name__icontains=q)
        | Q(community__name__icontains=q)
    )


def deployment_list(actor: Actor, *, q: str = "", status: str = "all") -> QuerySet[Deployment]:
    """The deployments the actor may read (their community or area, or their unit's): waiting
    ones first (the oldest first, to be decided), then active, then the rest, newest first."""
    rows = _search(Deployment.objects.for_actor(actor), q)
    if status in DeploymentStatus.values:
        rows = rows.filter(status=status)
    order = Case(
        When(status=DeploymentStatus.PENDING, then=Value(0)),
        When(status=DeploymentStatus.ACTIVE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return _with_relations(rows).annotate(order=order).order_by("order", "-requested_at", "-pk")


def deployment_counts(actor: Actor, *, q: str = "") -> dict[str, int]:
    """How many per status (and "all") among the deployments the actor reads: one query."""
    rows = _search(Deployment.objects.for_actor(actor), q).order_by()
    counts = dict(rows.values_list("status").annotate(n=Count("pk")))
    out = {s: int(counts.get(s, 0)) for s in DeploymentStatus.values}
    out["all"] = sum(out.values())
    return out


def my_deployments(actor: Actor) -> list[Deployment]:
    """The actor's own deployments, the holding one first."""
    if not actor.user_id:
        return []
    rows = Deployment.objects.for_actor(actor).filter(user_id=actor.user_id)
    order = Case(
        When(status__in=[DeploymentStatus.PENDING, DeploymentStatus.ACTIVE], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        _with_relations(rows).annotate(order=order).order_by("order", "-requested_at", "-pk")[:20]
    )


def checkin_links(actor: Actor, community_id: int) -> list[CheckInLink]:
    """The community's links still valid, the newest first (revoked and expired ones check no
    one in and are not shown)."""
    return list(
        CheckInLink.objects.for_actor(actor)
        .filter(community_id=community_id, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("community", "created_by")
        .order_by("-created_at", "-pk")[:50]
    )


def holding_deployment(actor: Actor) -> Deployment | None:
    """The actor's pending or active deployment, if any."""
    if not actor.user_id:
        return None
    return (
        _with_relations(Deployment.objects.for_actor(actor))
        .filter(
            user_id=actor.user_id, status__in=[DeploymentStatus.PENDING, DeploymentStatus.ACTIVE]
        )
        .first()
    )


def unit_choices() -> list[tuple[int, str]]:
    """Every unit, for the registration form (unit names are public, not personal data)."""
    return list(Unit.objects.order_by("name").values_list("pk", "name"))


def access_unit_member(actor: Actor, member_id: int) -> PartyMember:
    """A party member of a unit the actor sees (Unit.objects.for_actor), else 404."""
    member = (
        PartyMember.objects.filter(pk=member_id, unit__in=Unit.objects.for_actor(actor))
        .select_related("person", "unit")
        .first()
    )
    if member is None:
        raise Http404
    return member
