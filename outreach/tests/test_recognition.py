"""Recognition and accountability (M17): who sees a person's record (organisation departments
over their area and the person's own party organisation, nobody else: 404), the services'
rules (field-named errors, nothing created), a commendation settling nominations, and
publishing it as an exemplary-deeds notice reaching its area."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.selectors import actor_for_user
from core.actor import Actor
from core.errors import NotAllowed
from notices.models import Notice, NoticeKind, NoticeTarget
from outreach import recognition as services
from outreach import recognition_selectors as sel
from outreach.models import (
    Accountability,
    Activist,
    Commendation,
    FrontlineEntry,
    Nomination,
    NominationStatus,
)
from party.models import PartyMember
from people.models import Person
from testkit import TinyCity, synthetic_id_number

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _actor(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def _member(tc: TinyCity, chain: str) -> PartyMember:
    m = getattr(tc, chain).member
    assert m is not None
    return m


def _records(tc: TinyCity) -> dict[str, Person]:
    """One of each record for the inside member (by the district admin) and for the 【ODI】
    member (by 【ODI】's admin), besides the tiny city's own samples."""
    made = {}
    for chain, role in (("inside", "district_admin"), ("other_district", "【ODI】_admin")):
        actor = _actor(tc, role)
        person = _member(tc, chain).person
        services.frontline_entry_add(
            actor=actor, person=person, happened_on=TODAY(), text="连续值守卡口十天"
        )
        services.nominate(actor=actor, person=person, title="全市优秀共产党员", deeds="冲锋在前")
        services.accountability_record(
            actor=actor,
            person=person,
            finding="值守脱岗",
            decision="诫勉谈话",
            authority="区纪委",
            decided_on=TODAY(),
        )
        made[chain] = person
    return made


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


SEES_INSIDE = ["city_admin", "district_admin", "community_admin"]
SEES_NOTHING = [
    "street_admin",
    "grid_worker",
    "resident",
    "cadre",
    "volunteer",
    "building_head",
    "health_worker",
    "【ODI】_admin",
    "【OST】_admin",
]


@pytest.mark.parametrize("role", SEES_INSIDE)
def test_departments_and_the_own_organisation_see_the_record(
    tiny_city: TinyCity, role: str
) -> None:
    people = _records(tiny_city)
    c = _client(tiny_city.users[role])
    r = c.get(reverse("party:frontline", args=[people["inside"].pk]))
    assert r.status_code == 200
    body = r.content.decode()
    assert people["inside"].name in body and "连续值守卡口十天" in body
    assert people["inside"].phone not in body and str(people["inside"].id_number) not in body
    assert role == "city_admin" or "【ODI】" not in body
    api = c.get(f"/api/recognition/people/{people['inside'].pk}")
    assert api.status_code == 200
    assert "连续值守卡口十天" in [e["text"] for e in api.json()["entries"]]
    actor = _actor(tiny_city, role)
    for model in (FrontlineEntry, Nomination, Accountability, Activist):
        rows = model.objects.for_actor(actor)
        assert rows.filter(person=people["inside"]).exists()
        if role != "city_admin":
            assert not rows.filter(person=people["other_district"]).exists()


@pytest.mark.parametrize("role", SEES_NOTHING)
def test_everyone_else_gets_nothing(tiny_city: TinyCity, role: str) -> None:
    people = _records(tiny_city)
    c = _client(tiny_city.users[role])
    inside = people["inside"].pk
    for url in (reverse("party:frontline", args=[inside]), f"/api/recognition/people/{inside}"):
        assert c.get(url).status_code == 404, url
    assert (
        c.post(
            f"/api/recognition/people/{inside}/entries",
            data=json.dumps({"happened_on": str(TODAY()), "text": "x"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    actor = _actor(tiny_city, role)
    for model in (FrontlineEntry, Nomination, Accountability, Activist):
        assert not model.objects.for_actor(actor).filter(person=people["inside"]).exists()
    assert not sel.people_search(actor).filter(pk=inside).exists()
    n = Nomination.objects.filter(person=people["inside"]).first()
    assert n is not None
    assert c.get(reverse("party:nomination", args=[n.pk])).status_code == 404
    a = Accountability.objects.filter(person=people["inside"]).first()
    assert a is not None
    assert c.get(reverse("party:accountability", args=[a.pk])).status_code == 404


def test_the_unit_admin_sees_the_units_members_only(tiny_city: TinyCity) -> None:
    people = _records(tiny_city)
    c = _client(tiny_city.users["unit_admin"])
    assert c.get(reverse("party:frontline", args=[people["inside"].pk])).status_code == 404
    own = tiny_city.unit_member.person.pk
    assert c.get(reverse("party:frontline", args=[own])).status_code == 200
    other = tiny_city.other_unit_member.person.pk
    assert c.get(reverse("party:frontline", args=[other])).status_code == 404


def test_services_name_the_wrong_field_and_create_nothing(tiny_city: TinyCity) -> None:
    person = _member(tiny_city, "inside").person
    actor = _actor(tiny_city, "community_admin")
    tomorrow = TODAY() + dt.timedelta(days=1)
    before = [m.objects.count() for m in (FrontlineEntry, Accountability, Nomination, Activist)]
    Activist.objects.filter(person=person).delete()
    before[3] = 0
    with translation.override("en"):
        with pytest.raises(ValidationError) as e:
            services.frontline_entry_add(
                actor=actor, person=person, happened_on=tomorrow, text="  "
            )
        assert set(e.value.message_dict) == {"happened_on", "text"}
        assert "future" in e.value.message_dict["happened_on"][0]
        with pytest.raises(ValidationError) as e:
            services.accountability_record(
                actor=actor, person=person, finding="", decision="", authority="", decided_on=None
            )
        assert set(e.value.message_dict) == {"finding", "decision", "authority", "decided_on"}
        with pytest.raises(ValidationError) as e:
            services.nominate(actor=actor, person=person, title="", deeds="x")
        assert "title" in e.value.message_dict
    after = [m.objects.count() for m in (FrontlineEntry, Accountability, Nomination)]
    assert after == before[:3]
    # The street office, grid worker and another district may not record for this organisation.
    for role in ("street_admin", "grid_worker", "【ODI】_admin", "resident"):
        with pytest.raises(NotAllowed):
            services.frontline_entry_add(
                actor=_actor(tiny_city, role), person=person, happened_on=TODAY(), text="x"
            )
    # A community admin records for their community's organisations, not the commendation.
    services.nominate(actor=actor, person=person, title="全市优秀共产党员", deeds="冲锋在前")
    with pytest.raises(ValidationError):  # the same honour proposed twice
        services.nominate(actor=actor, person=person, title="全市优秀共产党员", deeds="再次")
    with pytest.raises(NotAllowed):
        services.commendation_record(
            actor=actor, title="t", decision_text="d", authority="a", decided_on=TODAY()
        )
    # An activist once per person and organisation.
    services.activist_record(actor=actor, person=person, found_where="东门", found_on=TODAY())
    with pytest.raises(ValidationError) as e:
        services.activist_record(actor=actor, person=person, found_where="西门", found_on=TODAY())
    assert "person" in e.value.message_dict
    assert Activist.objects.filter(person=person).count() == 1


def test_a_commendation_settles_nominations_and_publishes_a_deed_notice(
    tiny_city: TinyCity,
) -> None:
    people = _records(tiny_city)
    district = _actor(tiny_city, "district_admin")
    inside = Nomination.objects.get(person=people["inside"], deeds="冲锋在前")
    second = services.nominate(
        actor=district,
        person=tiny_city.unit_member.person,
        title="全市优秀共产党员",
        deeds="组织单位党员下沉",
    )
    odi = Nomination.objects.get(person=people["other_district"], deeds="冲锋在前")
    commendations, notices = Commendation.objects.count(), Notice.objects.count()
    # Another district's nomination cannot be settled here; nothing is created.
    with pytest.raises(ValidationError) as e:
        services.commendation_record(
            actor=district,
            title="全市优秀共产党员",
            decision_text="附件八",
            authority="中共测试市委",
            decided_on=TODAY(),
            nominations=[inside, odi],
        )
    assert "nominations" in e.value.message_dict
    assert Commendation.objects.count() == commendations
    c = services.commendation_record(
        actor=district,
        title="全市优秀共产党员",
        decision_text="关于表彰全市优秀共产党员的决定……",
        authority="中共测试市委",
        decided_on=TODAY(),
        nominations=[inside],
        not_adopted=[second],
    )
    inside.refresh_from_db()
    second.refresh_from_db()
    odi.refresh_from_db()
    assert (inside.status, inside.commendation_id) == (NominationStatus.COMMENDED, c.pk)
    assert second.status == NominationStatus.NOT_ADOPTED
    assert odi.status == NominationStatus.PROPOSED
    assert c.place == tiny_city.inside.district
    # The community admin sees the person commended, not the department's decision list.
    ca = _actor(tiny_city, "community_admin")
    assert not Commendation.objects.for_actor(ca).filter(pk=c.pk).exists()
    odi_admin = _client(tiny_city.users["【ODI】_admin"])
    assert odi_admin.get(reverse("party:commendation", args=[c.pk])).status_code == 404
    assert odi_admin.get(f"/api/recognition/commendations/{c.pk}").status_code == 404

    notice = services.commendation_publish(actor=district, commendation=c)
    c.refresh_from_db()
    assert c.notice_id == notice.pk and notice.kind == NoticeKind.DEED
    assert people["inside"].name in notice.body and "冲锋在前" in notice.body
    assert list(NoticeTarget.objects.filter(notice=notice).values_list("place_id", flat=True)) == [
        tiny_city.inside.district.pk
    ]
    with pytest.raises(ValidationError):
        services.commendation_publish(actor=district, commendation=c)
    assert Notice.objects.count() == notices + 1


def _once(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    found = re.search(r'name="once" value="([^"]+)"', html[start:])
    assert found
    return found.group(1)


def test_pages_add_an_entry_once_and_show_counts(tiny_city: TinyCity) -> None:
    person = _member(tiny_city, "inside").person
    c = _client(tiny_city.users["district_admin"])
    home = c.get(reverse("party:recognition") + "?q=" + person.name[:2])
    assert home.status_code == 200 and person.name in home.content.decode()
    assert "【ODI】" not in home.content.decode()
    url = reverse("party:frontline", args=[person.pk])
    page = c.get(url).content.decode()
    data = {
        "action": "entry",
        "once": _once(page, "entry-form"),
        "org": "",
        "happened_on": str(TODAY()),
        "text": "夜间巡查发现聚集并劝散",
    }
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302  # sent twice, saved once
    assert FrontlineEntry.objects.filter(person=person, text=data["text"]).count() == 1
    bad = dict(
        data,
        once=_once(c.get(url).content.decode(), "entry-form"),
        happened_on=str(TODAY() + dt.timedelta(days=2)),
    )
    r = c.post(url, bad)
    assert r.status_code == 400 and 'data-testid="error-happened_on"' in r.content.decode()
    assert FrontlineEntry.objects.filter(person=person, text=data["text"]).count() == 1
    for name in ("commendations", "commendation_new", "activists"):
        assert c.get(reverse(f"party:{name}")).status_code == 200
    # Roles that do not read recognition are refused the lists.
    assert (
        _client(tiny_city.users["street_admin"]).get(reverse("party:recognition")).status_code
        == 403
    )
    assert (
        _client(tiny_city.users["community_admin"])
        .get(reverse("party:commendation_new"))
        .status_code
        == 403
    )


def test_api_entry_empty_body_changes_nothing_and_a_good_one_is_created(
    tiny_city: TinyCity,
) -> None:
    person = _member(tiny_city, "inside").person
    url = f"/api/recognition/people/{person.pk}/entries"
    assert Client().post(url, data="{}", content_type="application/json").status_code == 401
    c = _client(tiny_city.users["community_admin"])
    entries = FrontlineEntry.objects.count()
    r = c.post(url, data="{}", content_type="application/json")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"happened_on", "text"}
    assert FrontlineEntry.objects.count() == entries
    r = c.post(
        url,
        data=json.dumps({"happened_on": str(TODAY()), "text": "送药上门"}),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["text"] == "送药上门"
    record = c.get(f"/api/recognition/people/{person.pk}").json()
    assert record["entries"][0]["text"] == "送药上门"
    d = _client(tiny_city.users["district_admin"])
    listed = d.get("/api/recognition/commendations").json()
    assert listed["count"] == len(listed["items"]) >= 1
    assert all("【ODI】" not in row["title"] for row in listed["items"])
    one = d.get(f"/api/recognition/commendations/{listed['items'][0]['id']}")
    assert one.status_code == 200 and "decision_text" in one.json()


def test_nomination_decided_on_its_page_and_accountability_shown(tiny_city: TinyCity) -> None:
    person = _member(tiny_city, "inside").person
    ca = _actor(tiny_city, "community_admin")
    n = services.nominate(actor=ca, person=person, title="抗疫先进个人", deeds="组织志愿者")
    a = services.accountability_record(
        actor=ca,
        person=person,
        finding="卡口无人值守",
        decision="批评教育",
        authority="社区党委",
        decided_on=TODAY(),
    )
    # The community admin sees both but decides nothing.
    own = _client(tiny_city.users["community_admin"])
    page = own.get(reverse("party:nomination", args=[n.pk]))
    assert page.status_code == 200 and 'data-testid="decide-form"' not in page.content.decode()
    assert (
        own.post(reverse("party:nomination", args=[n.pk]), {"outcome": "not_adopted"}).status_code
        == 403
    )
    r = own.get(reverse("party:accountability", args=[a.pk]))
    assert r.status_code == 200 and "卡口无人值守" in r.content.decode()
    # The department decides it: not adopted, once.
    dept = _client(tiny_city.users["district_admin"])
    url = reverse("party:nomination", args=[n.pk])
    html = dept.get(url).content.decode()
    data = {"once": _once(html, "decide-form"), "outcome": "not_adopted", "commendation": ""}
    assert dept.post(url, data).status_code == 302
    assert dept.post(url, data).status_code == 302
    n.refresh_from_db()
    assert n.status == NominationStatus.NOT_ADOPTED and n.decided_at is not None
    with pytest.raises(ValidationError):
        services.nomination_decide(
            actor=_actor(tiny_city, "district_admin"), nomination=n, outcome="not_adopted"
        )


def test_an_activist_not_yet_a_member_is_recorded_by_name_and_id(tiny_city: TinyCity) -> None:
    volunteer = tiny_city.sibling.residents[1].person  # no party membership, no record
    c = _client(tiny_city.users["community_admin"])
    assert c.get(reverse("party:frontline", args=[volunteer.pk])).status_code == 404
    url = reverse("party:activists")
    html = c.get(url).content.decode()
    org = tiny_city.inside.grid_branch
    assert org is not None
    data = {
        "once": _once(html, "new-activist-form"),
        "name": volunteer.name,
        "id_number": synthetic_id_number("110101"),  # valid, but not this person's
        "org": str(org.pk),
        "found_where": "东门卡口志愿值守",
        "found_on": str(TODAY()),
        "note": "",
    }
    r = c.post(url, data)
    assert r.status_code == 400 and 'data-testid="error-id_number"' in r.content.decode()
    assert not Activist.objects.filter(person=volunteer).exists()
    data["id_number"] = str(volunteer.id_number)
    r = c.post(url, data)
    assert r.status_code == 302
    assert Activist.objects.filter(person=volunteer, org=org).count() == 1
    # Now in the organisation's reach: the record opens, the list finds them by name.
    assert c.get(reverse("party:frontline", args=[volunteer.pk])).status_code == 200
    listed = c.get(url + "?q=" + volunteer.name).content.decode()
    assert "东门卡口志愿值守" in listed
    # The street office still sees nothing.
    street = _client(tiny_city.users["street_admin"])
    assert street.get(reverse("party:frontline", args=[volunteer.pk])).status_code == 404
