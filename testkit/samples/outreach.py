"""Study, recognition, notices, rumours, supervision and the guide in the tiny city."""

from __future__ import annotations

from testkit.city import TinyCity


def add_outreach_samples(tc: TinyCity) -> None:
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
    from outreach.models import (
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
