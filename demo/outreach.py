"""The demo city's issue 8 (M3, M14–M17, M19), through the services and by the demo accounts:
the seed's themed party day published by the city for every party organisation, studied in part
by the deployed cadres (the `cadre` account wrote a reflection and posted in its branch's
discussion) and a reminder from the community; a city order relayed by the demo community and a
district announcement; the protection guide; a rumour handled and rebutted by the street and
one still open; a supervision team's inspection of the demo community with an overdue
rectification and one reported done; an area lead; and, for the organisation department, a
frontline entry and a nomination of the demo cadre, the commendation decision of 附件八
published as exemplary deeds, an accountability record and an activist."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.roles import Role
from notices import opinion, supervision
from notices.guide_seed import guide_seed
from notices.models import IncidentKind, IncidentStatus, NoticeKind, RectificationStatus, Urgency
from notices.publishing import notice_publish
from notices.relays import notice_relay_save
from outreach import recognition, study
from outreach.study_seed import programme_from_seed, read_seed
from party.models import PartyMember, PartyOrg
from people.models import Resident
from places.models import Place, PlaceKind


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _place(username: str, role: str) -> Place:
    place = Grant.objects.select_related("place").get(user__username=username, role=role).place
    assert place is not None
    return place


def seed_outreach(now: datetime.datetime | None = None) -> str:
    """Returns a one-line summary for the demo's log."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    city = Place.objects.get(kind=PlaceKind.CITY)
    district = _place("district_admin", Role.DISTRICT_ADMIN)
    street = _place("street_admin", Role.STREET_ADMIN)
    community = _place("community_admin", Role.COMMUNITY_ADMIN)
    city_admin = actor_for_user(_user("city_admin"))
    district_admin = actor_for_user(_user("district_admin"))
    street_admin = actor_for_user(_user("street_admin"))
    community_admin = actor_for_user(_user("community_admin"))

    # Themed party day (M3): every organisation takes part; the deployed cadres have begun.
    roots = list(PartyOrg.objects.filter(parent__isnull=True).order_by("pk"))
    programme = programme_from_seed(
        place=city,
        published_by=_user("city_admin"),
        orgs=roots,
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=25),
    )
    materials = list(programme.materials.order_by("position", "pk"))
    studying = User.objects.filter(
        person__party_memberships__isnull=False, grants__role=Role.CADRE
    ).distinct()
    for n, user in enumerate(studying.order_by("pk")):
        actor = actor_for_user(user)
        for material in materials[: 3 + n % 6]:
            study.material_study(actor=actor, material=material, now=now)
    cadre = actor_for_user(_user("cadre"))
    study.reflection_write(
        actor=cadre,
        material=materials[0],
        text="作为下沉干部，要把学习成效体现在卡口值守和关爱独居老人的每一件小事上。",
        now=now,
    )
    member = PartyMember.objects.select_related("org").get(person_id=cadre.person_id)
    study.discussion_post(
        actor=cadre,
        programme=programme,
        org=member.org,
        body="建议本支部党员分成两班，轮流到新华社区东门卡口值守，学习心得在群里交流。",
        now=now,
    )
    committee = PartyOrg.objects.filter(place=community).order_by("pk").first()
    if committee is not None:
        study.reminder_send(actor=community_admin, programme=programme, org=committee, now=now)

    # Notices (M14): the city's order, relayed by the demo community; a district announcement.
    order = notice_publish(
        actor=city_admin,
        kind=NoticeKind.ORDER,
        title="关于全市住宅小区实行封闭管理的通告",
        body=(
            "即日起，全市住宅小区实行封闭管理，每个小区只保留一个出入口，进出人员一律测量体温、"
            "佩戴口罩。居民生活物资由社区组织集中采购、送货上门；就医等确需外出的，请联系社区。"
        ),
        issuer=city,
        targets=[city],
    )
    notice_relay_save(
        actor=community_admin,
        notice=order,
        community=community,
        channels=["broadcast", "poster", "online_group"],
        explanation=(
            "新华社区只开东门，其他门今晚封闭。买菜请在业主群里接龙，网格员每天下午送到楼下；"
            "去医院请先打社区电话，社区安排车辆。"
        ),
    )
    notice_publish(
        actor=district_admin,
        kind=NoticeKind.ANNOUNCEMENT,
        title="江汉区发热门诊和定点医院一览",
        body="区内发热门诊二十四小时接诊。发热的居民请先在邻里上报，再联系社区安排车辆前往。",
        issuer=district,
        targets=[district],
    )
    guide_items = guide_seed(city)

    # Public opinion (M15): a rumour the street handled and rebutted; an incident still open.
    rumour = opinion.incident_report(
        actor=actor_for_user(_user("grid_worker")),
        kind=IncidentKind.RUMOUR,
        summary="网传“明天起全区超市全部关门”，居民担心买不到菜。",
        where_seen="新华社区3号楼业主微信群",
        reach=300,
        urgency=Urgency.URGENT,
    )
    opinion.incident_act(
        actor=street_admin,
        incident=rumour,
        note="已联系辖区超市和市场监管所核实：超市正常营业，供应充足。",
        status=IncidentStatus.HANDLING,
    )
    opinion.incident_rebut(
        actor=street_admin,
        incident=rumour,
        title="辟谣：辖区超市正常营业",
        body="经核实，辖区超市正常营业、供应充足，“超市全部关门”的说法不实。请居民不信谣、不传谣。",
    )
    opinion.incident_report(
        actor=actor_for_user(_user("volunteer")),
        kind=IncidentKind.INCIDENT,
        summary="十余名居民聚集在小区东门，要求外出，情绪激动。",
        where_seen="新华社区东门卡口",
        reach=40,
        urgency=Urgency.CRITICAL,
    )

    # Supervision (M16): the city's team inspects the demo community; an area lead.
    team = supervision.team_save(
        actor=city_admin,
        team=None,
        name="市委组织部第一督导组",
        place=city,
        leader=_user("city_admin"),
        members=[_user("district_admin")],
    )
    problems = {0: "夜间东门卡口只有一人值守", 3: "两户独居老人三天未联系"}
    items = [
        {
            "item": str(item),
            "result": "problem" if i in problems else "ok",
            "note": problems.get(i, ""),
        }
        for i, item in enumerate(supervision.DEFAULT_CHECKLIST)
    ]
    inspection = supervision.inspection_create(
        actor=district_admin,
        place=community,
        inspected_on=today - datetime.timedelta(days=3),
        items=items,
        team=team,
        summary="社区封闭管理总体到位，夜间值守和关爱对象联系有短板。",
    )
    found = list(inspection.items.filter(result="problem").order_by("position"))
    supervision.rectification_add(
        actor=district_admin,
        inspection=inspection,
        finding="夜间东门卡口增加到两人值守",
        owner_name="社区书记",
        deadline=today - datetime.timedelta(days=1),
        item=found[0],
    )
    contacts = supervision.rectification_add(
        actor=district_admin,
        inspection=inspection,
        finding="独居老人每天电话联系一次，并记录在关爱台账",
        owner_name="网格员",
        deadline=today + datetime.timedelta(days=2),
        item=found[1],
    )
    supervision.rectification_update(
        actor=community_admin,
        rectification=contacts,
        status=RectificationStatus.REPORTED,
        note="已排定每天上午电话联系，关爱台账已补齐。",
    )
    neighbours = list(Place.objects.filter(parent=street).order_by("pk")[:2])
    supervision.area_lead_save(
        actor=street_admin,
        area_lead=None,
        street=street,
        leader=_user("street_admin"),
        communities=neighbours,
        note="包保前两个社区",
    )

    # Recognition (M17): the department's records; 附件八's decision as exemplary deeds.
    cadre_person = member.person
    recognition.frontline_entry_add(
        actor=city_admin,
        person=cadre_person,
        happened_on=today - datetime.timedelta(days=2),
        text="连续十天在新华社区东门卡口值守，夜班从不缺岗，帮助独居老人买药送菜。",
    )
    recognition.nominate(
        actor=city_admin,
        person=cadre_person,
        title="全市优秀共产党员",
        deeds="下沉新华社区以来坚守卡口、包保独居老人，群众评价好。",
    )
    decision = read_seed().materials[-1]
    commendation = recognition.commendation_record(
        actor=city_admin,
        title="全市优秀共产党员",
        decision_text=decision.body,
        authority="中共武汉市委",
        decided_on=decision.issued_on or today,
        place=city,
    )
    recognition.commendation_publish(actor=city_admin, commendation=commendation)
    in_district = (
        PartyMember.objects.filter(org__scope_path__startswith=district.path)
        .exclude(person_id=cadre_person.pk)
        .order_by("pk")
        .first()
    )
    if in_district is not None:
        recognition.accountability_record(
            actor=district_admin,
            person=in_district.person,
            finding="值班期间擅离卡口两小时，未向社区报告。",
            decision="诫勉谈话",
            authority="江汉区纪委监委",
            decided_on=today - datetime.timedelta(days=1),
        )
    volunteer = (
        Resident.objects.filter(community_id=community.pk, person__party_memberships__isnull=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if volunteer is not None and committee is not None:
        recognition.activist_record(
            actor=community_admin,
            person=volunteer.person,
            found_where="新华社区东门卡口志愿值守",
            found_on=today - datetime.timedelta(days=1),
            note="主动报名夜班，表示希望加入党组织。",
            org=committee,
        )
    from notices.models import Notice, OpinionIncident, Rectification

    return (
        f"{len(materials)} study materials, {Notice.objects.count()} notices, "
        f"{guide_items} guide items, {OpinionIncident.objects.count()} rumours, "
        f"{Rectification.objects.count()} rectifications"
    )
