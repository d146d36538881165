"""The home page's mobilisation counts: a unit's 应下尽下 at a glance; per role in a place the
office's check-ins, roster gaps, unwell people on shifts and workers' needs, a worker's shifts;
a resident's way to who answers for their building; and the deployment of someone checked in
before the community gave them a role. A few counting queries, all through for_actor."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import HELPER_ROLES, Role
from health.models import WorkerHealth
from mobilisation.models import (
    Deployment,
    DeploymentStatus,
    Shift,
    ShiftAssignment,
    WorkerNeed,
)
from party.models import DeployCall, PartyMember


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.unit_id is not None:
        return _unit_deploy_counts(actor, grant)
    return _duty_counts(actor, grant)


OFFICES = {Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN}
WORKERS = {*HELPER_ROLES, Role.GRID_WORKER, Role.BUILDING_HEAD, Role.HEALTH_WORKER}


def _today_bounds() -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _duty_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    """For a grant on a place: the office's waiting check-ins, today's roster gaps, unwell
    people on today's shifts and workers' needs; a worker's shifts today. For a resident: who
    answers for their building."""
    if grant.household_id is not None:
        url = reverse("duty:my_zone")
        return [HomeCount(_("Who is responsible for my building"), None, url)]
    if grant.place_id is None:
        return []
    role, place_path = grant.role, grant.place_path
    start, end = _today_bounds()
    if role in WORKERS and actor.user_id:
        mine = ShiftAssignment.objects.filter(
            user_id=actor.user_id, removed_at__isnull=True, starts_at__lt=end, ends_at__gt=start
        )
        own = [HomeCount(_("My shifts today"), mine.count(), reverse("duty:mine"))]
        if role == Role.CADRE:
            own.append(HomeCount(_("My deployment"), None, reverse("party:my_deployment")))
        return own
    if role not in OFFICES:
        return []
    here = {"community_path__startswith": place_path}
    counts: list[HomeCount] = []
    if role == Role.COMMUNITY_ADMIN:
        waiting = Deployment.objects.for_actor(actor).filter(
            **here, status=DeploymentStatus.PENDING
        )
        counts.append(
            HomeCount(
                _("Check-ins waiting"),
                waiting.count(),
                reverse("party:deployments") + "?status=pending",
            )
        )
        shifts = (
            Shift.objects.for_actor(actor)
            .filter(**here, cancelled_at__isnull=True, starts_at__lt=end, ends_at__gt=start)
            .annotate(n=Count("assignments", filter=Q(assignments__removed_at__isnull=True)))
        )
        counts.append(
            HomeCount(
                _("Shifts short of people today"),
                shifts.filter(n__lt=F("needed")).count(),
                reverse("duty:roster"),
            )
        )
        unwell = WorkerHealth.objects.filter(day=timezone.localdate(), fit=False).values("user_id")
        on_shift_unwell = (
            ShiftAssignment.objects.for_actor(actor)
            .filter(**here, removed_at__isnull=True, starts_at__lt=end, ends_at__gt=start)
            .filter(user_id__in=unwell)
            .values("user_id")
            .distinct()
            .count()
        )
        counts.append(
            HomeCount(_("Unwell people on today's shifts"), on_shift_unwell, reverse("duty:roster"))
        )
    else:
        active = Deployment.objects.for_actor(actor).filter(**here, status=DeploymentStatus.ACTIVE)
        counts.append(HomeCount(_("Cadres deployed"), active.count(), reverse("party:deployments")))
    if role in (Role.COMMUNITY_ADMIN, Role.STREET_ADMIN):
        needs = WorkerNeed.objects.for_actor(actor).filter(**here).open()
        counts.append(
            HomeCount(_("Workers' needs waiting"), needs.count(), reverse("duty:wellbeing"))
        )
    return counts


def _unit_deploy_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
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
