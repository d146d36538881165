"""A tiny two-district city with one account per role, for tests that need the whole tree.

Built through the same services production uses, so paths and denormalised columns are real.
Every object outside the first chain carries a marker in its name: 【SIB】 another grid of the
same community, 【OST】 another street, 【ODI】 another district, 【UNA】 and 【OUN】 the two
units. A test spots a leak by a marker in any response body.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password

from accounts.models import Grant, User
from core.actor import Actor
from core.roles import Role
from core.validators import id_check_digit
from party import services as party_services
from party.models import PartyMember, PartyOrg, PartyOrgKind, Unit, UnitKind
from people.models import Person, Relation, Resident
from places import services as place_services
from places.models import Household, Place, PlaceKind

ROOT = Actor(user_id=0, username="setup", is_superuser=True)
PASSWORD = "test-pass-123"
_seq = itertools.count(1)


def synthetic_id_number(region: str = "420103", born: date = date(1980, 5, 17)) -> str:
    first17 = f"{region}{born:%Y%m%d}{next(_seq) % 1000:03d}"
    return first17 + id_check_digit(first17)


@dataclass
class Chain:
    """One district > street > community > grid > building > household line."""

    district: Place
    street: Place
    community: Place
    grid: Place
    building: Place
    household: Household
    residents: list[Resident] = field(default_factory=list)
    grid_branch: PartyOrg | None = None
    member: PartyMember | None = None


@dataclass
class TinyCity:
    city: Place
    inside: Chain  # district A, where every role account is granted
    sibling: Chain  # same community as inside, another grid / building / household
    other_street: Chain  # district A, another street
    other_district: Chain  # district B
    unit: Unit
    other_unit: Unit
    unit_member: PartyMember
    other_unit_member: PartyMember
    users: dict[str, User] = field(default_factory=dict)


def _chain(
    city: Place,
    names: list[str],
    district: Place | None = None,
    street: Place | None = None,
    community: Place | None = None,
) -> Chain:
    d = district or place_services.place_create(
        actor=ROOT, kind=PlaceKind.DISTRICT, name=names[0], parent=city
    )
    s = street or place_services.place_create(
        actor=ROOT, kind=PlaceKind.STREET, name=names[1], parent=d
    )
    c = community or place_services.place_create(
        actor=ROOT, kind=PlaceKind.COMMUNITY, name=names[2], parent=s
    )
    g = place_services.place_create(actor=ROOT, kind=PlaceKind.GRID, name=names[3], parent=c)
    b = place_services.place_create(actor=ROOT, kind=PlaceKind.BUILDING, name=names[4], parent=g)
    h = place_services.household_create(actor=ROOT, building=b, room=names[5])
    chain = Chain(d, s, c, g, b, h)
    columns = place_services.ancestor_columns(b)
    for i, rel in enumerate([Relation.HEAD, Relation.SPOUSE]):
        person = Person.objects.create(
            name=f"{names[6]}{i}",
            id_number=synthetic_id_number(),
            phone=f"1380000{next(_seq) % 10000:04d}",
            birth_date=date(1980, 5, 17),
            sex="M" if i == 0 else "F",
        )
        chain.residents.append(
            Resident.objects.create(person=person, household=h, relation=rel, **columns)
        )
    committee = PartyOrg.objects.filter(place=c).first() or party_services.party_org_create(
        actor=ROOT, name=f"{names[2]}党委", kind=PartyOrgKind.COMMITTEE, parent=None, place=c
    )
    chain.grid_branch = party_services.party_org_create(
        actor=ROOT,
        name=f"{names[3]}党支部",
        kind=PartyOrgKind.GRID_BRANCH,
        parent=committee,
        place=g,
    )
    chain.member = PartyMember.objects.create(
        person=chain.residents[0].person, org=chain.grid_branch
    )
    return chain


def build_tiny_city() -> TinyCity:
    city = place_services.place_create(actor=ROOT, kind=PlaceKind.CITY, name="测试市", parent=None)
    inside = _chain(city, ["甲区", "甲街道", "甲社区", "第3网格", "1栋", "1单元101", "张内"])
    sibling = _chain(
        city,
        ["", "", "", "【SIB】网格", "【SIB】楼", "【SIB】101", "【SIB】邻居"],
        district=inside.district,
        street=inside.street,
        community=inside.community,
    )
    other_street = _chain(
        city,
        ["", "【OST】街道", "【OST】社区", "【OST】网格", "【OST】楼", "【OST】101", "【OST】人"],
        district=inside.district,
    )
    other_district = _chain(
        city,
        [
            "【ODI】区",
            "【ODI】街道",
            "【ODI】社区",
            "【ODI】网格",
            "【ODI】楼",
            "【ODI】101",
            "【ODI】人",
        ],
    )
    unit = party_services.unit_save(
        actor=ROOT, unit=Unit(), name="【UNA】单位", kind=UnitKind.ORGAN, place=inside.district
    )
    other_unit = party_services.unit_save(
        actor=ROOT,
        unit=Unit(),
        name="【OUN】单位",
        kind=UnitKind.ENTERPRISE,
        place=other_district.district,
    )
    unit_org = party_services.party_org_create(
        actor=ROOT, name="【UNA】单位党委", kind=PartyOrgKind.COMMITTEE, parent=None, unit=unit
    )
    other_org = party_services.party_org_create(
        actor=ROOT,
        name="【OUN】单位党委",
        kind=PartyOrgKind.COMMITTEE,
        parent=None,
        unit=other_unit,
    )
    unit_member = PartyMember.objects.create(
        person=Person.objects.create(name="【UNA】干部", id_number=synthetic_id_number()),
        org=unit_org,
        unit=unit,
        is_cadre=True,
    )
    other_member = PartyMember.objects.create(
        person=Person.objects.create(name="【OUN】干部", id_number=synthetic_id_number()),
        org=other_org,
        unit=other_unit,
        is_cadre=True,
    )
    tc = TinyCity(
        city,
        inside,
        sibling,
        other_street,
        other_district,
        unit,
        other_unit,
        unit_member,
        other_member,
    )
    tc.users = make_role_users(tc)
    # Staff elsewhere, whose accounts city admins manage but district A's admin must not.
    odi_admin = User.objects.create(username="【ODI】admin", password=make_password(PASSWORD))
    Grant.objects.create(user=odi_admin, role=Role.DISTRICT_ADMIN, place=other_district.district)
    ost_admin = User.objects.create(username="【OST】admin", password=make_password(PASSWORD))
    Grant.objects.create(user=ost_admin, role=Role.STREET_ADMIN, place=other_street.street)
    tc.users["【ODI】_admin"], tc.users["【OST】_admin"] = odi_admin, ost_admin
    # One registry import in each district, as an upload would leave.
    from people.models import RegistryImport

    for user, chain in ((tc.users["community_admin"], inside), (odi_admin, other_district)):
        RegistryImport.objects.create(
            community=chain.community,
            community_path=chain.community.path,
            uploaded_by=user,
            file_name=f"{chain.community.name}.xlsx",
            file_sha256="0" * 64,
            content=b"",
        )
    # One audit row in each district, as a reveal would leave.
    from core.audit import audit_record

    for user, chain in ((tc.users["community_admin"], inside), (odi_admin, other_district)):
        audit_record(
            actor=Actor(user_id=user.pk),
            action="reveal",
            target_type="resident",
            target_id=chain.residents[0].pk,
            place_path=chain.building.path,
        )
    _health_samples(tc, odi_admin)
    _triage_samples(tc)
    _care_and_request_samples(tc)
    _duty_samples(tc)
    _issue8_samples(tc)
    return tc


def _duty_samples(tc: TinyCity) -> None:
    """Per community (first, 【OST】, 【ODI】): a check-in link, a post with a shift today, a
    responsibility zone over the chain's building, a patrol route with one round and a finding,
    a service activity and a worker's need. In the first community the cadre account is deployed
    (from the unit 【UNA】), leads the post, is on its shift and took part in the activity; the
    volunteer patrolled; the grid worker asked for meals. Elsewhere the admin accounts of those
    areas stand in (no new staff, so worker counts stay as they were)."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from duty.models import (
        Activity,
        ActivityKind,
        ActivityParticipant,
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
    from party.models import CheckInLink, Deployment, DeploymentStatus

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


def _care_and_request_samples(tc: TinyCity) -> None:
    """Per chain: a carer for the household, a request of its second resident, a vehicle and a
    stock of masks at the community. In the first community the carer is the cadre account and
    the volunteer account is dispatched to the inside request (helpers see exactly those
    residents); the street has a vehicle and masks of its own; the grid worker was issued masks.
    No vulnerability flag is set: registry tests count those."""
    from django.utils import timezone

    from care.models import CareAssignment
    from service_requests.filing import request_file
    from service_requests.models import Dispatch, DispatchKind, Level, Vehicle
    from supplies.models import ItemKind, MovementKind, Stock, StockMovement, SupplyItem

    now = timezone.now()
    masks = SupplyItem.objects.create(name="医用外科口罩", kind=ItemKind.PROTECTIVE, unit="盒")
    admin = tc.users["community_admin"]

    def stock_at(place: Place, quantity: int) -> Stock:
        stock = Stock.objects.create(
            item=masks, place=place, place_path=place.path, quantity=quantity, low_threshold=5
        )
        StockMovement.objects.create(
            stock=stock,
            place_path=place.path,
            kind=MovementKind.RECEIPT,
            delta=quantity,
            balance=quantity,
            at=now,
            by=admin,
            source=f"{place.name}采购",
        )
        return stock

    # The carers: the cadre account in the first community (both its households); elsewhere the
    # admin accounts of those areas stand in (no new staff, so worker counts stay as they were).
    carers = {
        tc.inside.household.pk: tc.users["cadre"],
        tc.sibling.household.pk: tc.users["cadre"],
        tc.other_street.household.pk: tc.users["【OST】_admin"],
        tc.other_district.household.pk: tc.users["【ODI】_admin"],
    }
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        elder = chain.residents[1]
        carer = carers[chain.household.pk]
        CareAssignment.objects.create(
            **place_services.ancestor_columns(chain.building),
            household=chain.household,
            carer=carer,
            phone_every_days=1,
            visit_every_days=3,
            phone_due_on=timezone.localdate(),
            visit_due_on=timezone.localdate(),
            assigned_by=admin,
            started_at=now,
        )
        request = request_file(
            actor=ROOT, resident=elder, category="medicine", details=f"{chain.grid.name}买降压药"
        )
        if chain is tc.inside:
            Dispatch.objects.create(
                request=request,
                kind=DispatchKind.PEOPLE,
                level=Level.COMMUNITY,
                person=tc.users["volunteer"],
                at=now,
                by=admin,
            )
        if chain is not tc.sibling:
            Vehicle.objects.create(
                place=chain.community,
                place_path=chain.community.path,
                name=f"{chain.community.name}保障车",
                driver_name="王师傅",
            )
            stock_at(chain.community, 40)
    stock_at(tc.inside.street, 500)
    Vehicle.objects.create(
        place=tc.inside.street,
        place_path=tc.inside.street.path,
        name=f"{tc.inside.street.name}应急车",
    )
    inside_stock = Stock.objects.get(item=masks, place=tc.inside.community)
    inside_stock.quantity -= 2
    inside_stock.save(update_fields=["quantity"])
    StockMovement.objects.create(
        stock=inside_stock,
        place_path=inside_stock.place_path,
        kind=MovementKind.ISSUE,
        delta=-2,
        balance=inside_stock.quantity,
        at=now,
        by=admin,
        worker=tc.users["grid_worker"],
    )


def _triage_samples(tc: TinyCity) -> None:
    """Per chain: a close contact in home observation (with its follow-ups), a site at its
    street and a building marked as having cases; and one site of the whole city."""
    from django.utils import timezone

    from accounts.selectors import actor_for_user
    from triage.cases import case_open
    from triage.decisions import case_assess, case_disposition_set
    from triage.models import BuildingDisclosure, Category, Disposition, Origin, SiteKind
    from triage.sites import site_save

    city_admin = actor_for_user(tc.users["city_admin"])
    site_save(
        actor=city_admin,
        site=None,
        kind=SiteKind.HOSPITAL,
        name="测试市定点医院",
        place=tc.city,
        capacity=100,
    )
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        case, _created = case_open(
            actor=ROOT, resident=chain.residents[0], origin=Origin.CALL, note="居民来电：发热"
        )
        case_assess(actor=ROOT, case=case, category=Category.CLOSE_CONTACT)
        case_disposition_set(actor=ROOT, case=case, disposition=Disposition.HOME_OBSERVATION)
        if chain is not tc.sibling:
            site_save(
                actor=city_admin,
                site=None,
                kind=SiteKind.ISOLATION,
                name=f"{chain.street.name}隔离点",
                place=chain.street,
                capacity=10,
            )
        if chain is tc.sibling:
            continue  # residents see their community's marked buildings: keep 【SIB】 unmarked
        BuildingDisclosure.objects.create(
            **place_services.ancestor_columns(chain.building),
            building_path=chain.building.path,
            case_count=2,
            marked_by=tc.users["community_admin"],
            marked_at=timezone.now(),
        )


def _health_samples(tc: TinyCity, odi_admin: User) -> None:
    """One abnormal-report flag per chain, sweeps in and out of district A, and a daily report
    per community, as reports and offices would leave them."""
    import datetime as dt

    from django.utils import timezone

    from health.models import DailyReport, HealthFlag, SweepCampaign

    now = timezone.now()
    today = timezone.localdate()
    for chain in (tc.inside, tc.sibling, tc.other_street, tc.other_district):
        resident = chain.residents[1]
        HealthFlag.objects.create(
            **place_services.ancestor_columns(chain.building),
            resident=resident,
            household=chain.household,
            raised_at=now,
            first_report_id=0,
            last_report_id=0,
            max_temperature="38.2",
        )
    district_admin = tc.users["district_admin"]
    for name, scope, user in (
        ("甲区拉网排查", tc.inside.district, district_admin),
        ("【OST】街道拉网排查", tc.other_street.street, district_admin),
        ("【ODI】拉网排查", tc.other_district.district, odi_admin),
    ):
        SweepCampaign.objects.create(
            name=name,
            scope=scope,
            scope_path=scope.path,
            start_date=today,
            end_date=today + dt.timedelta(days=2),
            opened_by=user,
            opened_at=now,
        )
    for chain in (tc.inside, tc.other_street, tc.other_district):
        DailyReport.objects.create(
            community=chain.community,
            community_path=chain.community.path,
            day=today,
            generated_at=now,
            deadline=now + dt.timedelta(hours=6),
        )


def make_role_users(tc: TinyCity) -> dict[str, User]:
    """One account per role, all granted inside `tc.inside` (its grid, building, household)."""
    i = tc.inside
    node: dict[str, dict[str, Any]] = {
        Role.CITY_ADMIN: {"place": tc.city},
        Role.DISTRICT_ADMIN: {"place": i.district},
        Role.STREET_ADMIN: {"place": i.street},
        Role.COMMUNITY_ADMIN: {"place": i.community},
        Role.GRID_WORKER: {"place": i.grid},
        Role.BUILDING_HEAD: {"place": i.building},
        Role.HEALTH_WORKER: {"place": i.community},
        Role.CADRE: {"place": i.community},
        Role.VOLUNTEER: {"place": i.community},
        Role.PROPERTY_STAFF: {"place": i.community},
        Role.COMMUNITY_POLICE: {"place": i.community},
        Role.UNIT_ADMIN: {"unit": tc.unit},
        Role.RESIDENT: {"household": i.household},
    }
    password = make_password(PASSWORD)
    users: dict[str, User] = {}
    for role, scope in node.items():
        user = User.objects.create(username=str(role), password=password, display_name=str(role))
        Grant.objects.create(user=user, role=role, **scope)
        users[str(role)] = user
    return users


def in_threads(jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run the jobs at the same moment, each in its own thread and database connection (the
    PostgreSQL concurrency tests); a job's exception is its result."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as e:
            results[i] = e
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _issue8_samples(tc: TinyCity) -> None:
    """Per district (the first, 【ODI】): a themed party day with a material, a member's study
    record, a discussion message and a reminder in the first chain's grid branch; a frontline
    entry, nomination, accountability and activist record of that branch's member and a
    commendation of the district; a notice of the district to itself, relayed and read in the
    chain's community; a rumour at the chain's street with one handling step; a supervision team
    of the district, an area lead of the street and an inspection of the community with an item,
    a rectification and its follow-up. Plus two guide items of the city (one a draft)."""
    import datetime as dt

    from django.utils import timezone

    from notices.models import (
        AreaLead,
        GuideItem,
        GuideTopic,
        IncidentAction,
        IncidentKind,
        IncidentStatus,
        Inspection,
        InspectionItem,
        ItemResult,
        Notice,
        NoticeKind,
        NoticeRead,
        NoticeRelay,
        NoticeTarget,
        OpinionIncident,
        Rectification,
        RectificationStatus,
        RectificationUpdate,
        SupervisionTeam,
    )
    from party.models import (
        Accountability,
        Activist,
        Commendation,
        DiscussionPost,
        FrontlineEntry,
        Nomination,
        NominationStatus,
        StudyMaterial,
        StudyProgramme,
        StudyRecord,
        StudyReminder,
    )

    now = timezone.now()
    today = timezone.localdate(now)
    chains = {
        "": (tc.inside, tc.users["district_admin"], tc.users["street_admin"], tc.users["resident"]),
        "【ODI】": (tc.other_district, tc.users["【ODI】_admin"], tc.users["【ODI】_admin"], None),
    }
    for marker, (chain, dept, street_admin, reader) in chains.items():
        d, branch, member = chain.district, chain.grid_branch, chain.member
        assert branch is not None and member is not None
        committee = branch.parent
        programme = StudyProgramme.objects.create(
            title=f"{marker}二月主题党日",
            starts_on=today - dt.timedelta(days=3),
            ends_on=today + dt.timedelta(days=20),
            place=d,
            place_path=d.path,
            published_by=dept,
        )
        programme.orgs.add(committee)
        material = StudyMaterial.objects.create(
            programme=programme,
            position=1,
            title=f"{marker}附件一",
            body="各级党组织和广大党员干部必须牢记人民利益高于一切。",
            source="人民日报",
            place_path=d.path,
        )
        by_org = {"org": branch, "scope_path": branch.scope_path, "unit": None}
        StudyRecord.objects.create(
            programme=programme,
            material=material,
            member=member,
            org_path=branch.path,
            user=dept,
            studied_at=now,
            reflection=f"{marker}学习体会",
            reflected_at=now,
            **by_org,
        )
        DiscussionPost.objects.create(
            programme=programme,
            author=dept,
            member=member,
            body=f"{marker}讨论",
            created_at=now,
            **by_org,
        )
        StudyReminder.objects.create(
            programme=programme, sent_by=dept, sent_at=now, recipients=1, **by_org
        )
        rec = {"person": member.person, "recorded_by": dept, "recorded_at": now, **by_org}
        FrontlineEntry.objects.create(happened_on=today, text=f"{marker}连续值守卡口", **rec)
        commendation = Commendation.objects.create(
            title=f"{marker}优秀共产党员",
            decision_text=f"{marker}表彰决定",
            authority=f"{marker}区委",
            decided_on=today,
            place=d,
            place_path=d.path,
            recorded_by=dept,
            recorded_at=now,
        )
        Nomination.objects.create(
            title=f"{marker}优秀共产党员",
            deeds=f"{marker}事迹",
            commendation=commendation,
            status=NominationStatus.COMMENDED,
            decided_at=now,
            **rec,
        )
        Accountability.objects.create(
            finding=f"{marker}值守缺岗",
            decision=f"{marker}诫勉谈话",
            authority=f"{marker}区纪委",
            decided_on=today,
            **rec,
        )
        Activist.objects.create(found_where=f"{marker}东门卡口", found_on=today, **rec)
        notice = Notice.objects.create(
            kind=NoticeKind.ANNOUNCEMENT,
            title=f"{marker}区指挥部通告",
            body=f"{marker}通告正文",
            issuer=d,
            issuer_path=d.path,
            published_by=dept,
            published_at=now,
        )
        NoticeTarget.objects.create(notice=notice, place=d, place_path=d.path)
        c = chain.community
        NoticeRelay.objects.create(
            notice=notice,
            community=c,
            community_path=c.path,
            channels=["broadcast"],
            explanation=f"{marker}请居民知悉",
            relayed_by=dept,
            relayed_at=now,
        )
        NoticeRead.objects.create(
            notice=notice,
            user=reader or dept,
            community=c if reader else None,
            community_path=c.path if reader else "",
            read_at=now,
        )
        s = chain.street
        incident = OpinionIncident.objects.create(
            kind=IncidentKind.RUMOUR,
            summary=f"{marker}网传小区封闭",
            where_seen=f"{marker}业主群",
            reach=200,
            street=s,
            community=c,
            place_path=s.path,
            status=IncidentStatus.HANDLING,
            reported_by=street_admin,
            reported_at=now,
        )
        IncidentAction.objects.create(
            incident=incident,
            by=street_admin,
            at=now,
            note=f"{marker}核实中",
            status=IncidentStatus.HANDLING,
        )
        team = SupervisionTeam.objects.create(
            name=f"{marker}督导一组", place=d, place_path=d.path, leader=dept
        )
        team.members.add(dept)
        lead = AreaLead.objects.create(street=s, street_path=s.path, leader=street_admin)
        lead.communities.add(c)
        inspection = Inspection.objects.create(
            place=c,
            place_path=c.path,
            team=team,
            inspector=dept,
            inspected_on=today,
            summary=f"{marker}督导情况",
            created_at=now,
        )
        item = InspectionItem.objects.create(
            inspection=inspection,
            place_path=c.path,
            item=f"{marker}门岗值守",
            result=ItemResult.PROBLEM,
            note=f"{marker}无人值守",
        )
        rectification = Rectification.objects.create(
            inspection=inspection,
            item=item,
            place_path=c.path,
            finding=f"{marker}门岗无人",
            owner_name=f"{marker}书记",
            # In the first chain the grid worker answers for it (they see it; nobody else new).
            owner=tc.users["grid_worker"] if not marker else None,
            deadline=today + dt.timedelta(days=2),
            status=RectificationStatus.OPEN,
        )
        RectificationUpdate.objects.create(
            rectification=rectification,
            inspection=inspection,
            place_path=c.path,
            by=dept,
            at=now,
            note=f"{marker}已安排",
            status=RectificationStatus.OPEN,
        )
    for published in (True, False):
        GuideItem.objects.create(
            topic=GuideTopic.MASKS,
            title_zh="正确佩戴口罩" if published else "草稿：口罩",
            body_zh="口罩要盖住口鼻和下巴。",
            title_en="Wear a mask properly" if published else "Draft: masks",
            body_en="Cover your nose, mouth and chin.",
            source="中国疾病预防控制中心",
            city=tc.city,
            city_path=tc.city.path,
            published=published,
            updated_at=now,
        )


SUMMARY_DIR = Path(__file__).resolve().parent.parent / "test-output" / "summary"


def summary_line(line: str) -> None:
    """A line for the end of the test run's log (e.g. the matrix's size). Written to a file per
    process, so that with parallel workers (pytest-xdist) the controlling process prints it."""
    SUMMARY_DIR.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(SUMMARY_DIR / f"{worker}.txt", "a", encoding="utf-8") as f:
        f.write(line + "\n")
