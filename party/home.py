"""The home page's party counts: organisations and members under a place, a unit's members,
cadres and its 应下尽下 at a glance, the way to the themed party day and the recognition
records; and the deployment of someone checked in before the community gave them a role."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import PARTY_ROLES, Role
from party.models import DeployCall, Deployment, DeploymentStatus, PartyMember, PartyOrg, Unit

RECOGNITION_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.COMMUNITY_ADMIN}


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is not None:
        return _place_counts(actor, grant)
    if grant.unit_id is not None:
        unit = Unit.objects.for_actor(actor).filter(pk=grant.unit_id).first()
        return _unit_counts(actor, unit) if unit is not None else []
    return []


def _place_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    counts: list[HomeCount] = []
    if grant.role in PARTY_ROLES:
        counts.append(HomeCount(_("Themed party day"), None, reverse("party:study_list")))
    if grant.role in RECOGNITION_ROLES:
        counts.append(HomeCount(_("Recognition records"), None, reverse("party:recognition")))
    orgs = PartyOrg.objects.for_actor(actor).filter(scope_path__startswith=grant.place_path)
    if orgs.exists():
        members = PartyMember.objects.for_actor(actor).filter(
            org__scope_path__startswith=grant.place_path
        )
        counts.append(HomeCount(_("Party organisations"), orgs.count(), reverse("party:roots")))
        counts.append(HomeCount(_("Party members"), members.count()))
    return counts


def _unit_counts(actor: Actor, unit: Unit) -> list[HomeCount]:
    url = reverse("party:unit", args=[unit.pk])
    members = PartyMember.objects.for_actor(actor).filter(unit=unit)
    orgs = PartyOrg.objects.for_actor(actor).filter(unit=unit).count()
    return [
        HomeCount(_("Party members"), members.count(), url),
        HomeCount(_("Cadres"), members.filter(is_cadre=True).count()),
        HomeCount(_("Party organisations"), orgs, reverse("party:roots")),
        *_unit_deploy_counts(actor, unit.pk),
        # A unit's party admin: study progress and the members' records.
        HomeCount(_("Themed party day"), None, reverse("party:study_list")),
        HomeCount(_("Recognition records"), None, reverse("party:recognition")),
    ]


def _unit_deploy_counts(actor: Actor, unit_id: int) -> list[HomeCount]:
    """The unit admin's 应下尽下 at a glance: should deploy, deployed, not yet."""
    members = PartyMember.objects.for_actor(actor).filter(unit_id=unit_id)
    deployed = Deployment.objects.filter(status=DeploymentStatus.ACTIVE, member_id__isnull=False)
    should = members.filter(deploy_call=DeployCall.SHOULD)
    done = should.filter(pk__in=deployed.values("member_id")).count()
    url = reverse("party:unit_deploy", args=[unit_id])
    return [
        HomeCount(_("Should deploy"), should.count(), url),
        HomeCount(_("Deployed"), done, url + "?show=deployed"),
        HomeCount(_("Not yet deployed"), should.count() - done, url + "?show=not_yet"),
    ]


def deployment_link(actor: Actor) -> list[HomeCount]:
    """Someone checked in (accepted or not) finds their deployment from the home page, even
    before the community has given them a role."""
    if not actor.user_id:
        return []
    mine = Deployment.objects.filter(user_id=actor.user_id).holding().first()
    if mine is None:
        return []
    return [HomeCount(_("My deployment"), None, reverse("party:my_deployment"))]
