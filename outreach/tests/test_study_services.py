"""Study services: publishing (who, window, organisations within the place), the seed, studying
once within the window by members under a taking-part organisation, reflections, discussion and
reminders. A refusal changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.selectors import actor_for_user
from core.errors import NotAllowed
from outreach import study
from outreach.models import (
    DiscussionPost,
    StudyMaterial,
    StudyProgramme,
    StudyRecord,
    StudyReminder,
)
from outreach.study_seed import programme_from_seed, read_seed
from outreach.tests.test_study_helpers import StudyWorld, build_study_world, study_all
from testkit import TinyCity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tiny_city: TinyCity) -> StudyWorld:
    return build_study_world(tiny_city)


def test_seed_has_the_notice_and_eight_attachments_without_the_guide() -> None:
    seed = read_seed()
    assert seed.title == "全市2月份疫情防控专题支部主题党日"
    assert "主题党日" in seed.intro
    assert len(seed.materials) == 8
    first = seed.materials[0]
    assert first.title.startswith("习近平作出重要指示")
    assert first.source == "人民日报" and first.issued_on == datetime.date(2020, 1, 28)
    assert seed.materials[5].source == "中共武汉市委组织部"
    assert seed.materials[5].issued_on == datetime.date(2020, 1, 23)
    last = seed.materials[7]
    assert "张定宇" in last.title and last.issued_on == datetime.date(2020, 1, 31)
    assert "公众防护指南" not in last.body and "张定宇同志先进事迹" in last.body


def test_the_shipped_seed_is_the_shared_document() -> None:
    """`make run` reads the copy under outreach/seed/; it must be the source document itself (the
    repository's neighbour ../shared/seed/ in development and CI)."""
    from django.conf import settings

    from outreach.study_seed import SEED_FILE, seed_path

    shared = settings.BASE_DIR.parent / "shared" / "seed" / SEED_FILE
    assert seed_path().is_file()
    assert not shared.exists() or shared.read_bytes() == seed_path().read_bytes()


def test_seed_twice_is_the_same_programme(world: StudyWorld) -> None:
    tc = world.tc
    again = programme_from_seed(
        place=tc.city,
        published_by=tc.users["city_admin"],
        orgs=[world.committee],
        starts_on=world.programme.starts_on,
        ends_on=world.programme.ends_on,
    )
    assert again.pk == world.programme.pk
    assert StudyProgramme.objects.filter(title=again.title).count() == 1
    assert StudyMaterial.objects.filter(programme=again).count() == 8


def test_publish_rules(world: StudyWorld) -> None:
    tc = world.tc
    today = timezone.localdate()
    district = actor_for_user(tc.users["district_admin"])
    kw: dict[str, Any] = {"title": "学习", "starts_on": today, "ends_on": today}
    with pytest.raises(ValidationError) as e:
        study.programme_publish(
            actor=district,
            place=tc.inside.district,
            orgs=[world.committee],
            **{**kw, "ends_on": today - datetime.timedelta(days=1)},
        )
    assert "ends_on" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        study.programme_publish(
            actor=district,
            place=tc.inside.district,
            orgs=[tc.other_district.grid_branch],  # type: ignore[list-item]
            **kw,
        )
    assert "orgs" in e.value.error_dict
    with pytest.raises(NotAllowed):
        study.programme_publish(
            actor=actor_for_user(tc.users["community_admin"]),
            place=tc.inside.community,
            orgs=[world.committee],
            **kw,
        )
    with pytest.raises(NotAllowed):  # another district's department
        study.programme_publish(actor=district, place=tc.other_district.district, orgs=[], **kw)
    assert not StudyProgramme.objects.filter(title="学习").exists()
    p = study.programme_publish(
        actor=district, place=tc.inside.district, orgs=[world.committee], **kw
    )
    assert p.place_path == tc.inside.district.path


def test_study_once_within_the_window_by_members_taking_part(world: StudyWorld) -> None:
    m = world.programme.materials.order_by("position").first()
    assert m is not None
    first = study.material_study(actor=world.actor("a1"), material=m)
    again = study.material_study(actor=world.actor("a1"), material=m)
    assert first.pk == again.pk and StudyRecord.objects.filter(material=m).count() == 1
    assert first.org_id == world.branch.pk and first.org_path == world.branch.path
    # A party member of a group under the branch takes part too.
    study.material_study(actor=world.actor("g1"), material=m)
    # Not a member: refused.
    with pytest.raises(NotAllowed):
        study.material_study(actor=actor_for_user(world.tc.users["grid_worker"]), material=m)
    # Outside the window (Beijing dates, both ends included).
    p = world.programme
    tz_day = datetime.datetime.combine(p.ends_on, datetime.time(23, 59))
    last_minute = timezone.make_aware(tz_day)
    study.material_study(actor=world.actor("a2"), material=m, now=last_minute)
    with pytest.raises(ValidationError):
        study.material_study(
            actor=world.actor("a3"), material=m, now=last_minute + datetime.timedelta(minutes=2)
        )
    with pytest.raises(ValidationError):
        before = timezone.make_aware(datetime.datetime.combine(p.starts_on, datetime.time.min))
        study.material_study(
            actor=world.actor("a3"), material=m, now=before - datetime.timedelta(seconds=1)
        )
    assert StudyRecord.objects.filter(programme=m.programme).count() == 3


def test_a_member_whose_organisation_does_not_take_part_is_refused(world: StudyWorld) -> None:
    tc = world.tc
    today = timezone.localdate()
    p = study.programme_publish(
        actor=actor_for_user(tc.users["district_admin"]),
        place=tc.inside.district,
        title="只有【OST】",
        starts_on=today,
        ends_on=today,
        orgs=[tc.other_street.grid_branch],  # type: ignore[list-item]
    )
    m = study.material_add(
        actor=actor_for_user(tc.users["district_admin"]), programme=p, title="材料", body="正文"
    )
    with pytest.raises(NotAllowed):
        study.material_study(actor=world.actor("a1"), material=m)
    study.material_study(actor=world.actor("o1"), material=m)


def test_reflection_marks_studied_and_replaces(world: StudyWorld) -> None:
    m = world.programme.materials.order_by("position").first()
    assert m is not None
    with pytest.raises(ValidationError) as e:
        study.reflection_write(actor=world.actor("a1"), material=m, text="  ")
    assert (
        "reflection" in e.value.error_dict and StudyRecord.objects.filter(material=m).count() == 0
    )
    r = study.reflection_write(actor=world.actor("a1"), material=m, text="第一遍体会")
    assert r.reflection == "第一遍体会" and r.reflected_at is not None
    r = study.reflection_write(actor=world.actor("a1"), material=m, text="第二遍\n体会")
    assert StudyRecord.objects.get(material=m).reflection == "第二遍\n体会"


def test_discussion_members_of_the_org_and_its_admins(world: StudyWorld) -> None:
    tc, p = world.tc, world.programme
    post = study.discussion_post(actor=world.actor("a1"), programme=p, org=world.branch, body="好")
    assert post.member == world.members["a1"] and post.scope_path == world.branch.scope_path
    study.discussion_post(
        actor=actor_for_user(tc.users["community_admin"]), programme=p, org=world.branch, body="收"
    )
    for key in ("s1", "d1"):
        with pytest.raises(NotAllowed):
            study.discussion_post(actor=world.actor(key), programme=p, org=world.branch, body="x")
    with pytest.raises(NotAllowed):
        study.discussion_post(
            actor=actor_for_user(tc.users["【ODI】_admin"]),
            programme=p,
            org=world.branch,
            body="x",
        )
    with pytest.raises(ValidationError):
        study.discussion_post(actor=world.actor("a1"), programme=p, org=world.branch, body=" ")
    assert DiscussionPost.objects.filter(programme=p).count() == 2


def test_reminder_counts_those_not_started_and_refuses_when_none(world: StudyWorld) -> None:
    tc, p = world.tc, world.programme
    study_all(world, "a1")
    study_all(world, "a2", 1)
    admin = actor_for_user(tc.users["community_admin"])
    # Branch: 张内0 (the tiny city's member), a3 and g1 (group below) have not started.
    r = study.reminder_send(actor=admin, programme=p, org=world.branch)
    assert r.recipients == 3
    # The unit admin reminds the unit's committee, not the community's branch.
    unit_admin = actor_for_user(tc.users["unit_admin"])
    with pytest.raises(NotAllowed):
        study.reminder_send(actor=unit_admin, programme=p, org=world.branch)
    r = study.reminder_send(actor=unit_admin, programme=p, org=tc.unit_member.org)
    assert r.recipients == 2  # 【UNA】干部 and u1
    with pytest.raises(NotAllowed):  # another district's admin
        study.reminder_send(
            actor=actor_for_user(tc.users["【ODI】_admin"]), programme=p, org=world.branch
        )
    study_all(world, "u1", 1)
    study.material_study(
        actor=actor_for_user(_user_of(tc.unit_member)),
        material=p.materials.first(),  # type: ignore[arg-type]
    )
    with pytest.raises(ValidationError) as e:
        study.reminder_send(actor=unit_admin, programme=p, org=tc.unit_member.org)
    assert "org" in e.value.error_dict
    assert StudyReminder.objects.filter(programme=p).count() == 2
    # The member of the group below the branch sees the branch's reminder until they study.
    from outreach.study_selectors import my_reminders

    def mine() -> list[int]:
        return [x.org_id for x in my_reminders(world.actor("g1")) if x.programme_id == p.pk]

    assert mine() == [world.branch.pk]
    study_all(world, "g1", 1)
    assert mine() == []


def _user_of(member):  # type: ignore[no-untyped-def]
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    return User.objects.create(
        username=f"m{member.pk}", password=make_password("x-pass-123"), person=member.person
    )
