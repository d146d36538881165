from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from core.actor import Actor
from party.models import PartyMember, PartyOrg, Unit


def access_party_org(actor: Actor, org_id: int) -> PartyOrg:
    org = (
        PartyOrg.objects.for_actor(actor).select_related("place", "unit").filter(pk=org_id).first()
    )
    if org is None:
        raise Http404
    return org


def party_org_roots(actor: Actor) -> list[PartyOrg]:
    """Visible organisations whose parent the actor cannot see: the tops of their subtree."""
    visible = PartyOrg.objects.for_actor(actor)
    roots = visible.exclude(parent__in=visible.values("pk")).annotate(
        n_children=Count("children", distinct=True), n_members=Count("members", distinct=True)
    )
    return list(roots.order_by("path")[:200])


def party_org_children(actor: Actor, org: PartyOrg, q: str = "") -> QuerySet[PartyOrg]:
    children = PartyOrg.objects.for_actor(actor).filter(parent=org)
    if q:
        children = children.filter(name__icontains=q)
    return children.annotate(
        n_children=Count("children", distinct=True), n_members=Count("members", distinct=True)
    ).order_by("path")


def party_org_members(actor: Actor, org: PartyOrg, q: str = "") -> QuerySet[PartyMember]:
    members = PartyMember.objects.for_actor(actor).filter(org=org).select_related("person", "unit")
    if q:
        members = members.filter(person__name__icontains=q)
    return members.order_by("person__name")


def party_org_breadcrumbs(actor: Actor, org: PartyOrg) -> list[tuple[int, str, bool]]:
    ids = [int(p) for p in org.path.strip("/").split("/") if p][:-1]
    names = dict(PartyOrg.objects.filter(pk__in=ids).values_list("pk", "name"))
    visible = set(PartyOrg.objects.for_actor(actor).filter(pk__in=ids).values_list("pk", flat=True))
    return [(i, names.get(i, ""), i in visible) for i in ids]


def party_member_count(actor: Actor, org: PartyOrg) -> int:
    return PartyMember.objects.for_actor(actor).filter(org__path__startswith=org.path).count()


def access_unit(actor: Actor, unit_id: int) -> Unit:
    unit = Unit.objects.for_actor(actor).select_related("place").filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def unit_members(actor: Actor, unit: Unit, q: str = "") -> QuerySet[PartyMember]:
    members = PartyMember.objects.for_actor(actor).filter(unit=unit).select_related("person", "org")
    if q:
        members = members.filter(person__name__icontains=q)
    return members.order_by("person__name")


def unit_list(actor: Actor, q: str = "") -> QuerySet[Unit]:
    units = Unit.objects.for_actor(actor)
    if q:
        units = units.filter(name__icontains=q)
    return units.annotate(n_members=Count("members")).order_by("name")


def party_org_list(
    actor: Actor, *, parent_id: int | None = None, kind: str | None = None, q: str = ""
) -> QuerySet[PartyOrg]:
    orgs = PartyOrg.objects.for_actor(actor)
    if parent_id is not None:
        orgs = orgs.filter(parent_id=parent_id)
    if kind:
        orgs = orgs.filter(kind=kind)
    if q:
        orgs = orgs.filter(name__icontains=q)
    return orgs.order_by("path")


def party_member_list(
    actor: Actor, *, org_id: int | None = None, unit_id: int | None = None, q: str = ""
) -> QuerySet[PartyMember]:
    members = PartyMember.objects.for_actor(actor).select_related("person")
    if org_id is not None:
        members = members.filter(org_id=org_id)
    if unit_id is not None:
        members = members.filter(unit_id=unit_id)
    if q:
        members = members.filter(person__name__icontains=q)
    return members.order_by("pk")


def access_party_member(actor: Actor, member_id: int) -> PartyMember:
    member = (
        PartyMember.objects.for_actor(actor).select_related("person").filter(pk=member_id).first()
    )
    if member is None:
        raise Http404
    return member
