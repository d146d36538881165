"""Posts, shifts, zones, patrols, activities and a worker's need in the tiny city."""

from __future__ import annotations

from testkit.city import TinyCity


def add_duty_samples(tc: TinyCity) -> None:
    """Per community (first, 【OST】, 【ODI】): a check-in link, a post with a shift today, a
    responsibility zone over the chain's building, a patrol route with one round and a finding,
    a service activity and a worker's need. In the first community the cadre account is deployed
    (from the unit 【UNA】), leads the post, is on its shift and took part in the activity; the
    volunteer patrolled; the grid worker asked for meals. Elsewhere the admin accounts of those
    areas stand in (no new staff, so worker counts stay as they were)."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from mobilisation.models import (
        Activity,
        ActivityKind,
        ActivityParticipant,
        CheckInLink,
        Deployment,
        DeploymentStatus,
        FindingKind,
        NeedKind,
        Patrol,
        PatrolFinding,
        PatrolRoute,
        Post,
        PostKind,
        PostMember,
        Shift,
        ShiftAssignment,
        WorkerNeed,
        Zone,
        ZonePlace,
    )

    now = timezone.now()
    # Today's shift runs from an hour ago (never before today's local midnight, so it is on
    # today's roster at any time of day) until five hours from now.
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    start = max(now - dt.timedelta(hours=1), midnight)
    chains = {
        "": (tc.inside, tc.users["community_admin"], tc.users["cadre"]),
        "【OST】": (tc.other_street, tc.users["【OST】_admin"], tc.users["【OST】_admin"]),
        "【ODI】": (tc.other_district, tc.users["【ODI】_admin"], tc.users["【ODI】_admin"]),
    }
    for marker, (chain, admin, worker) in chains.items():
        c = chain.community
        at_c = {"community": c, "community_path": c.path}
        CheckInLink.objects.create(
            **at_c,
            token=f"tok{c.pk}x" + "0" * 20,
            created_by=admin,
            created_at=now,
            expires_at=now + dt.timedelta(days=30),
        )
        unit = tc.unit if not marker else tc.other_unit
        Deployment.objects.create(
            **at_c,
            user=worker,
            unit=unit,
            member=tc.unit_member if not marker else tc.other_unit_member,
            status=DeploymentStatus.ACTIVE,
            requested_at=start,
            decided_at=start,
            decided_by=admin,
        )
        post = Post.objects.create(
            **at_c,
            name=f"{marker}东门卡口",
            kind=PostKind.GATE,
            leader=worker,
            needed_per_shift=2,
            created_by=admin,
            created_at=start,
        )
        PostMember.objects.create(post=post, user=worker, added_by=admin, added_at=start)
        shift = Shift.objects.create(
            **at_c,
            post=post,
            starts_at=start,
            ends_at=now + dt.timedelta(hours=5),
            needed=2,
            created_by=admin,
            created_at=start,
        )
        ShiftAssignment.objects.create(
            **at_c,
            shift=shift,
            user=worker,
            unit=unit,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            assigned_by=admin,
            assigned_at=start,
        )
        zone = Zone.objects.create(
            **at_c, name=f"{marker}一片区", leader=worker, created_by=admin, created_at=start
        )
        ZonePlace.objects.create(zone=zone, place=chain.building, place_path=chain.building.path)
        patroller = tc.users["volunteer"] if not marker else worker
        route = PatrolRoute.objects.create(
            **at_c, name=f"{marker}夜间巡查", created_by=admin, created_at=start
        )
        patrol = Patrol.objects.create(**at_c, route=route, started_by=patroller, started_at=start)
        patrol.patrollers.add(patroller)
        PatrolFinding.objects.create(
            **at_c,
            patrol=patrol,
            kind=FindingKind.GATHERING,
            at=start,
            building=chain.building,
            details=f"{marker}楼下聚集打牌",
            recorded_by=patroller,
        )
        activity = Activity.objects.create(
            **at_c,
            kind=ActivityKind.SANITATION,
            title=f"{marker}楼道消杀",
            started_at=start - dt.timedelta(hours=3),
            ended_at=start - dt.timedelta(hours=1),
            created_by=admin,
            created_at=start,
        )
        ActivityParticipant.objects.create(
            **at_c, activity=activity, user=worker, unit=unit, hours=Decimal("2")
        )
        needy = tc.users["grid_worker"] if not marker else worker
        WorkerNeed.objects.create(
            **at_c,
            street=chain.street,
            worker=needy,
            kind=NeedKind.MEALS,
            details=f"{marker}晚班没有饭吃",
            filed_by=needy,
            filed_at=start,
        )
