"""The study world on top of the tiny city: members with accounts in several branches, and the
seed's programme published by the city for the first community's committee, 【OST】's and
【ODI】's committees and the unit 【UNA】's committee (window: yesterday to five days on)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from accounts.selectors import actor_for_user
from core.actor import Actor
from outreach import study
from outreach.models import StudyProgramme
from outreach.study_seed import programme_from_seed
from party.models import PartyMember, PartyOrg, PartyOrgKind
from party.services import party_org_create
from people.models import Person
from testkit import PASSWORD, TinyCity, synthetic_id_number

ROOT = Actor(user_id=0, username="setup", is_superuser=True)


@dataclass
class StudyWorld:
    tc: TinyCity
    programme: StudyProgramme
    committee: PartyOrg  # the first community's committee
    branch: PartyOrg  # the first grid's branch
    sibling_branch: PartyOrg
    group: PartyOrg  # a party group under the first branch
    members: dict[str, PartyMember] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def actor(self, key: str) -> Actor:
        return actor_for_user(self.users[key])


def member_user(name: str, org: PartyOrg, username: str) -> tuple[PartyMember, User]:
    person = Person.objects.create(name=name, id_number=synthetic_id_number(), phone="13912345678")
    member = PartyMember.objects.create(person=person, org=org, unit=org.unit)
    user = User.objects.create(
        username=username, display_name=name, password=make_password(PASSWORD), person=person
    )
    return member, user


def build_study_world(tc: TinyCity) -> StudyWorld:
    assert tc.inside.grid_branch and tc.sibling.grid_branch and tc.other_street.grid_branch
    assert tc.other_district.grid_branch
    branch = tc.inside.grid_branch
    committee = branch.parent
    assert committee is not None
    group = party_org_create(
        actor=ROOT, name="第一党小组", kind=PartyOrgKind.GROUP, parent=branch, place=None
    )
    today = timezone.localdate()
    programme = programme_from_seed(
        place=tc.city,
        published_by=tc.users["city_admin"],
        orgs=[
            committee,
            tc.other_street.grid_branch.parent,  # type: ignore[list-item]
            tc.other_district.grid_branch.parent,  # type: ignore[list-item]
            tc.unit_member.org,
        ],
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=5),
    )
    world = StudyWorld(tc, programme, committee, branch, tc.sibling.grid_branch, group)
    specs = {
        "a1": ("党员甲一", branch),
        "a2": ("党员甲二", branch),
        "a3": ("党员甲三", branch),
        "g1": ("党员组一", group),
        "s1": ("【SIB】党员一", tc.sibling.grid_branch),
        "s2": ("【SIB】党员二", tc.sibling.grid_branch),
        "o1": ("【OST】党员一", tc.other_street.grid_branch),
        "d1": ("【ODI】党员一", tc.other_district.grid_branch),
        "d2": ("【ODI】党员二", tc.other_district.grid_branch),
        "u1": ("【UNA】党员一", tc.unit_member.org),
    }
    for key, (name, org) in specs.items():
        world.members[key], world.users[key] = member_user(name, org, f"study-{key}")
    return world


def study_all(world: StudyWorld, key: str, n: int | None = None) -> None:
    materials = list(world.programme.materials.order_by("position"))
    for m in materials[: len(materials) if n is None else n]:
        study.material_study(actor=world.actor(key), material=m)
