"""Who may do what in outreach: every "may this actor do this" rule of the app, in one place."""

from __future__ import annotations

from django.db.models import QuerySet

from core.actor import Actor
from core.roles import Role
from outreach.recognition_querysets import recognition_q
from party.models import PartyOrg

RECOGNITION_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.COMMUNITY_ADMIN}


def actor_orgs(actor: Actor) -> QuerySet[PartyOrg]:
    """Party organisations the actor records recognition for: the departments' area, the
    community admin's community, the unit admin's unit."""
    if not actor.is_authenticated:
        return PartyOrg.objects.none()
    if actor.is_superuser:
        return PartyOrg.objects.all()
    q = recognition_q(actor, "scope_path", "unit_id")
    if q is None:
        return PartyOrg.objects.none()
    return PartyOrg.objects.filter(q).order_by("path")


def may_record_for(actor: Actor, org: PartyOrg) -> bool:
    return actor_orgs(actor).filter(pk=org.pk).exists()
