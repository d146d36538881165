"""The home page's party counts: organisations and members under a place; a unit's members,
cadres and organisations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from party.models import PartyMember, PartyOrg, Unit


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is not None:
        orgs = PartyOrg.objects.for_actor(actor).filter(scope_path__startswith=grant.place_path)
        if not orgs.exists():
            return []
        members = PartyMember.objects.for_actor(actor).filter(
            org__scope_path__startswith=grant.place_path
        )
        return [
            HomeCount(_("Party organisations"), orgs.count(), reverse("party:roots")),
            HomeCount(_("Party members"), members.count()),
        ]
    if grant.unit_id is not None:
        unit = Unit.objects.for_actor(actor).filter(pk=grant.unit_id).first()
        if unit is None:
            return []
        url = reverse("party:unit", args=[unit.pk])
        members = PartyMember.objects.for_actor(actor).filter(unit=unit)
        unit_orgs = PartyOrg.objects.for_actor(actor).filter(unit=unit).count()
        return [
            HomeCount(_("Party members"), members.count(), url),
            HomeCount(_("Cadres"), members.filter(is_cadre=True).count()),
            HomeCount(_("Party organisations"), unit_orgs, reverse("party:roots")),
        ]
    return []
