"""The tiny city every access test uses: the skeleton plus the samples of every app.

Every object outside the first chain carries a marker in its name: 【SIB】 another grid of the
same community, 【OST】 another street, 【ODI】 another district, 【UNA】 and 【OUN】 the two
units. A test spots a leak by a marker in any response body.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from accounts.models import Grant, User
from core.actor import Actor
from core.roles import Role
from party import services as party_services
from party.models import PartyMember, PartyOrgKind, Unit, UnitKind
from people.models import Person
from places import services as place_services
from places.models import PlaceKind
from testkit.city import PASSWORD, ROOT, TinyCity, _chain, make_role_users, synthetic_id_number
from testkit.samples.care_and_requests import add_care_and_request_samples
from testkit.samples.duty import add_duty_samples
from testkit.samples.front_door import add_front_door_samples
from testkit.samples.health import add_health_samples
from testkit.samples.notifications import add_notification_samples
from testkit.samples.outreach import add_outreach_samples
from testkit.samples.triage import add_triage_samples


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
    # One run of the retention job, as the night leaves it (Setup: the city's admins alone).
    from django.utils import timezone

    from core.models import RetentionRun

    RetentionRun.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), counts={"phone_codes": 0}
    )
    add_health_samples(tc, odi_admin)
    add_triage_samples(tc)
    add_care_and_request_samples(tc)
    add_duty_samples(tc)
    add_outreach_samples(tc)
    add_notification_samples(tc, odi_admin)
    add_front_door_samples(tc)
    return tc
