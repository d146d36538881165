"""The home page's deployment counts: a unit's 应下尽下 at a glance, and the deployment of
someone checked in before the community gave them a role."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from mobilisation.models import Deployment, DeploymentStatus
from party.models import DeployCall, PartyMember


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    """The unit admin's 应下尽下 at a glance: should deploy, deployed, not yet."""
    if grant.unit_id is None:
        return []
    unit_id = grant.unit_id
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
