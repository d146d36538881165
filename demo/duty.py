"""The demo city's mobilisation (M4–M7, M13), through the services and by the demo accounts:
the demo community's check-in link; the `cadre` account and four more cadres of the units
checked in (three accepted, one waiting for the community admin); the first unit's deployment
call (most should deploy, two exempt, one undecided); a gate post, a vanguard delivery post and a
price-watch post with three days of shifts (some short of people); a responsibility zone over
the demo grid; a finished night patrol whose finding became a request; two service activities;
and two workers' needs, one answered by the street."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from mobilisation import activities, deployments, patrols, posts, roster, wellbeing
from mobilisation.models import Deployment, DeploymentStatus, Shift
from party.models import DeployCall, ExemptReason, PartyMember
from people.models import Resident, ResidentStatus

EXTRA_CADRES = 4


def _user(username: str) -> User:
    return User.objects.get(username=username)


def seed_duty(now: datetime.datetime | None = None) -> int:
    """Returns the number of deployments made."""
    now = now or timezone.now()
    admin_user = _user("community_admin")
    admin = actor_for_user(admin_user)
    community = (
        Grant.objects.select_related("place").get(user=admin_user, role=Role.COMMUNITY_ADMIN).place
    )
    assert community is not None
    days_ago = now - datetime.timedelta(days=3)
    link = deployments.checkin_link_create(actor=admin, community=community, now=days_ago)

    # Check-ins: the demo cadre, then cadres of the units who register from the link.
    cadre = _user("cadre")
    mine = deployments.deployment_check_in(
        actor=actor_for_user(cadre), token=link.token, note="市发改委，可值夜班", now=days_ago
    )
    deployments.deployment_accept(actor=admin, deployment=mine, now=days_ago)
    members = list(
        PartyMember.objects.filter(unit__isnull=False, is_cadre=True)
        .exclude(person__users__isnull=False)
        .select_related("person")
        .order_by("unit_id", "pk")[:EXTRA_CADRES]
    )
    extra: list[User] = []
    registered: list[User] = []
    for n, member in enumerate(members):
        person = member.person
        user = deployments.cadre_register(
            token=link.token,
            name=person.name,
            id_number=person.id_number,
            phone=f"1390027{n:04d}",
            unit_id=member.unit_id,
            password=settings.LINLI_DEMO_PASSWORD,
            now=days_ago,
        )
        registered.append(user)
        deployment = deployments.deployment_check_in(
            actor=actor_for_user(user), token=link.token, now=days_ago + datetime.timedelta(hours=n)
        )
        if n < EXTRA_CADRES - 1:
            deployments.deployment_accept(actor=admin, deployment=deployment, now=days_ago)
            extra.append(user)

    # One password hash for every demo login, as the demo accounts have (hashed once).
    User.objects.filter(pk__in=[u.pk for u in registered]).update(password=cadre.password)

    # The first unit's call (应下尽下), by its party admin.
    unit_admin_user = _user("unit_admin")
    unit_admin = actor_for_user(unit_admin_user)
    unit_id = Grant.objects.get(user=unit_admin_user, role=Role.UNIT_ADMIN).unit_id
    assert unit_id is not None
    # The exemptions and the undecided one are among members who did not check in.
    checked_in = Deployment.objects.filter(member__isnull=False).values("member_id")
    for n, member in enumerate(
        PartyMember.objects.filter(unit_id=unit_id).order_by(
            Exists(checked_in.filter(member_id=OuterRef("pk"))), "-pk"
        )
    ):
        if n == 1:
            call, reason, note = DeployCall.EXEMPT, ExemptReason.UNWELL, "发热在家观察"
        elif n == 2:
            call, reason, note = DeployCall.EXEMPT, ExemptReason.ESSENTIAL_POST, "负责物资调度"
        elif n == 3:
            continue
        else:
            call, reason, note = DeployCall.SHOULD, ExemptReason.OTHER, ""
        deployments.member_deploy_mark(
            actor=unit_admin,
            member=member,
            call=call,
            exempt_reason=reason if call == DeployCall.EXEMPT else "",
            note=note,
        )

    # Posts, with members and three days of shifts.
    workers = {u: _user(u) for u in ("volunteer", "property_staff", "community_police")}
    gate = posts.post_save(
        actor=admin,
        post=None,
        community=community,
        name="东门卡口",
        kind="gate",
        location="小区东门",
        leader_id=cadre.pk,
        needed_per_shift=2,
        duties="测温、登记、劝返无关人员",
        now=days_ago,
    )
    delivery = posts.post_save(
        actor=admin,
        post=None,
        community=community,
        name="党员先锋岗·物资配送",
        kind="delivery",
        leader_id=workers["volunteer"].pk,
        needed_per_shift=1,
        duties="团购物资分拣，送菜送药上门",
        now=days_ago,
    )
    posts.post_save(
        actor=admin,
        post=None,
        community=community,
        name="平价菜点价格监督",
        kind="price_watch",
        location="社区菜市场",
        leader_id=workers["property_staff"].pk,
        now=days_ago,
    )
    for post, people in (
        (gate, [cadre, workers["community_police"], workers["property_staff"], *extra]),
        (delivery, [workers["volunteer"], *extra[:1]]),
    ):
        for user in people:
            posts.post_member_add(actor=admin, post=post, user_id=user.pk, now=days_ago)
    today = timezone.localdate(now)
    roster.shifts_plan(
        actor=admin,
        post=gate,
        first_day=today,
        days=3,
        pattern=[("08:00", "14:00"), ("14:00", "20:00"), ("20:00", "08:00")],
        now=days_ago,
    )
    roster.shifts_plan(
        actor=admin,
        post=delivery,
        first_day=today,
        days=3,
        pattern=[("09:00", "17:00")],
        now=days_ago,
    )
    gate_people = [cadre, workers["community_police"], workers["property_staff"], *extra]
    for n, shift in enumerate(Shift.objects.filter(post=gate).order_by("starts_at")):
        # Two a shift where people can be found; every third shift is left one short.
        wanted = 1 if n % 3 == 2 else 2
        for k in range(wanted):
            user = gate_people[(n * 2 + k) % len(gate_people)]
            try:
                roster.shift_assign(actor=admin, shift=shift, user_id=user.pk, now=days_ago)
            except ValidationError:  # an overlap or an unwell worker: that gap is real
                continue
    for shift in Shift.objects.filter(post=delivery).order_by("starts_at")[:2]:
        roster.shift_assign(actor=admin, shift=shift, user_id=workers["volunteer"].pk, now=days_ago)

    # A responsibility zone over the demo grid.
    grid_worker = _user("grid_worker")
    grid_id = Grant.objects.get(user=grid_worker, role=Role.GRID_WORKER).place_id
    zone = posts.zone_save(
        actor=admin,
        zone=None,
        community=community,
        name="第3网格责任区",
        place_ids=[grid_id],
        leader_id=grid_worker.pk,
        duties="网格内居民健康排查、关爱帮扶和秩序维护",
        now=days_ago,
    )
    for username in ("building_head", "cadre"):
        posts.zone_member_add(actor=admin, zone=zone, user_id=_user(username).pk, now=days_ago)

    # Last night's patrol: gathering, and an elderly woman alone → a request.
    route = patrols.route_save(
        actor=admin,
        route=None,
        community=community,
        name="夜间巡查",
        checkpoints="东门\n菜市场\n3栋楼下\n北门",
        now=days_ago,
    )
    volunteer = actor_for_user(workers["volunteer"])
    walker = actor_for_user(grid_worker)
    night = now - datetime.timedelta(hours=10)
    patrol = patrols.patrol_start(
        actor=walker,
        route=route,
        patroller_ids=[workers["volunteer"].pk, workers["community_police"].pk],
        now=night,
    )
    patrols.finding_record(
        actor=walker,
        patrol=patrol,
        kind="gathering",
        details="菜市场门口五六人聚集聊天，已劝散",
        where="菜市场门口",
        now=night + datetime.timedelta(minutes=20),
    )
    elder = (
        Resident.objects.filter(grid_id=grid_id, status=ResidentStatus.PRESENT)
        .order_by("person__birth_date", "pk")
        .first()
    )
    if elder is not None:
        patrols.finding_record(
            actor=walker,
            patrol=patrol,
            kind="elderly_alone",
            details="老人独自在楼下，说家里没菜了",
            building_id=elder.building_id,
            resident_id=elder.pk,
            to_request="food",
            now=night + datetime.timedelta(minutes=40),
        )
    patrols.patrol_end(
        actor=walker, patrol=patrol, note="全程一小时", now=night + datetime.timedelta(hours=1)
    )

    # Service activities (防控疫情、党员先行).
    yesterday = now - datetime.timedelta(days=1)
    activities.activity_record(
        actor=admin,
        community=community,
        kind="sanitation",
        title="楼道和电梯消杀",
        started_at=yesterday.replace(minute=0) - datetime.timedelta(hours=3),
        ended_at=yesterday.replace(minute=0) - datetime.timedelta(hours=1),
        where="1至6栋",
        outcome="六栋楼道、电梯全部消杀一遍",
        participant_ids=[cadre.pk, workers["property_staff"].pk, *[u.pk for u in extra[:2]]],
    )
    activities.activity_record(
        actor=admin,
        community=community,
        kind="publicity",
        title="小喇叭宣传居家防护",
        started_at=yesterday.replace(minute=0) - datetime.timedelta(hours=6),
        ended_at=yesterday.replace(minute=0) - datetime.timedelta(hours=5),
        where="各网格",
        outcome="宣传不串门、不聚集，发放防护指南",
        participant_ids=[workers["volunteer"].pk, cadre.pk],
    )

    # Workers' needs: the grid worker's meals (answered by the street), the volunteer's commute.
    meals = wellbeing.need_file(
        actor=actor_for_user(grid_worker),
        kind="meals",
        details="晚班结束后食堂已关门，没有饭吃",
        now=yesterday,
    )
    wellbeing.need_answer(
        actor=actor_for_user(_user("street_admin")),
        need=meals,
        answer="街道食堂晚班留餐到22点，凭工作证领取",
        now=yesterday + datetime.timedelta(hours=2),
    )
    wellbeing.need_file(
        actor=volunteer, kind="commuting", details="公交停运，住在汉阳每天步行两小时", now=now
    )
    return Deployment.objects.filter(
        status__in=[DeploymentStatus.PENDING, DeploymentStatus.ACTIVE]
    ).count()
