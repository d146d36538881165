"""Publishing a notice: a whole city is one notice and one target whatever its size; a notice
reaches the places under its targets (and the offices above them), not elsewhere; a building
notice obeys the disclosure threshold; withdrawing hides it from residents and keeps the record."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import actor_for_user
from core.actor import Actor
from core.errors import NotAllowed
from notices import notice_selectors as selectors
from notices.models import Notice, NoticeKind, NoticeRead, NoticeTarget
from notices.publishing import notice_publish, notice_withdraw
from people.models import Person, Resident
from places import services as place_services
from places.models import PlaceKind
from testkit import ROOT, TinyCity
from triage.disclosure import DEFAULT_THRESHOLD, building_case_count, disclosure_threshold
from triage.models import Category
from triage.tests.test_cases import triaged
from triage.tests.test_disclosure import _new_building

pytestmark = pytest.mark.django_db


def act(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def publish(tc: TinyCity, role: str = "city_admin", **kw: Any) -> Notice:
    issuer = kw.pop("issuer", tc.city)
    args: dict[str, Any] = {
        "kind": NoticeKind.ORDER,
        "title": "全市通令",
        "body": "所有小区实行封闭式管理。",
        "issuer": issuer,
        "targets": [issuer],
    }
    args.update(kw)
    return notice_publish(actor=act(tc, role), **args)


def _grow(tc: TinyCity, communities: int, residents_each: int, tag: str = "A") -> None:
    """More communities and residents in the city (publishing must not touch them)."""
    for i in range(communities):
        c = place_services.place_create(
            actor=ROOT, kind=PlaceKind.COMMUNITY, name=f"扩展社区{tag}{i}", parent=tc.inside.street
        )
        g = place_services.place_create(actor=ROOT, kind=PlaceKind.GRID, name="网格", parent=c)
        b = place_services.place_create(actor=ROOT, kind=PlaceKind.BUILDING, name="楼", parent=g)
        h = place_services.household_create(actor=ROOT, building=b, room="101")
        cols = place_services.ancestor_columns(b)
        Resident.objects.bulk_create(
            Resident(
                person=Person.objects.create(
                    name=f"居民{i}-{j}", id_number=f"X{tag}{i:04d}{j:04d}"
                ),
                household=h,
                **cols,
            )
            for j in range(residents_each)
        )


def test_a_whole_city_notice_is_one_notice_and_one_target(tiny_city: TinyCity) -> None:
    tc = tiny_city
    _grow(tc, communities=5, residents_each=4)
    actor = act(tc, "city_admin")
    notices, targets, reads = Notice.objects.count(), NoticeTarget.objects.count(), 0
    reads = NoticeRead.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        notice = notice_publish(
            actor=actor,
            kind=NoticeKind.ORDER,
            title="全市通令",
            body="正文",
            issuer=tc.city,
            targets=[tc.city, tc.inside.district, tc.inside.community],  # nested: one target
        )
    assert Notice.objects.count() == notices + 1
    assert NoticeTarget.objects.count() == targets + 1
    assert NoticeRead.objects.count() == reads
    assert list(notice.targets.values_list("place_id", flat=True)) == [tc.city.pk]
    inserts = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2
    # The same number of queries however many communities and residents there are.
    _grow(tc, communities=5, residents_each=4, tag="B")
    with CaptureQueriesContext(connection) as again:
        notice_publish(
            actor=actor,
            kind=NoticeKind.ORDER,
            title="再发",
            body="正文",
            issuer=tc.city,
            targets=[tc.city],
        )
    assert len(again.captured_queries) == len(ctx.captured_queries)


def test_a_street_notice_reaches_its_residents_and_offices_above_not_another_district(
    tiny_city: TinyCity,
) -> None:
    tc = tiny_city
    notice = publish(tc, "street_admin", issuer=tc.inside.street, title="街道通告")
    sees = {r: notice in selectors.notices_for(act(tc, r)) for r in tc.users}
    for role in (
        "resident",
        "city_admin",
        "district_admin",
        "street_admin",
        "community_admin",
        "grid_worker",
        "building_head",
    ):
        assert sees[role], role
    for role in ("【ODI】_admin", "【OST】_admin", "unit_admin"):
        assert not sees[role], role
    # A resident of another district does not see it; the street's other community neither.
    odi = tc.other_district.household
    from accounts.models import Grant, User

    other = User.objects.create(username="odi-resident")
    Grant.objects.create(user=other, role="resident", household=odi)
    assert notice not in selectors.notices_for(actor_for_user(other))
    with pytest.raises(Exception) as info:
        selectors.access_notice(actor_for_user(other), notice.pk)
    assert info.type.__name__ == "Http404"


def test_only_an_office_publishes_for_its_own_place(tiny_city: TinyCity) -> None:
    tc = tiny_city
    before = Notice.objects.count()
    for role in ("resident", "grid_worker", "cadre", "unit_admin"):
        with pytest.raises(NotAllowed):
            publish(tc, role, issuer=tc.inside.community)
    with pytest.raises(NotAllowed):
        publish(tc, "street_admin", issuer=tc.inside.district)
    with pytest.raises(ValidationError) as info:
        publish(tc, "street_admin", issuer=tc.inside.street, targets=[tc.other_street.community])
    assert "targets" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        publish(tc, title="  ")
    assert "title" in info.value.error_dict
    assert Notice.objects.count() == before


def test_building_notice_needs_the_threshold(tiny_city: TinyCity) -> None:
    tc = tiny_city
    chain = _new_building(tc)  # a building of its own, no cases yet
    b = chain.building
    kw = {"kind": NoticeKind.BUILDING, "targets": [], "issuer": tc.inside.community}
    assert disclosure_threshold(b) == DEFAULT_THRESHOLD == 2
    triaged(tc, Category.SUSPECTED, chain=chain)
    assert building_case_count(b) == 1
    before = (Notice.objects.count(), NoticeTarget.objects.count())
    with pytest.raises(ValidationError) as info:
        publish(tc, "community_admin", building=b, **kw)
    assert [e.code for e in info.value.error_dict["building"]] == ["below_threshold"]
    assert (Notice.objects.count(), NoticeTarget.objects.count()) == before
    triaged(tc, Category.CONFIRMED, chain=chain)
    notice = publish(tc, "community_admin", building=b, title="本楼有病例", **kw)
    assert [t.place_id for t in notice.targets.all()] == [b.pk]
    # The building's resident receives it; a resident of another building does not.
    from accounts.models import Grant, User

    here = User.objects.create(username="new-building-resident")
    Grant.objects.create(user=here, role="resident", household=chain.household)
    assert notice in selectors.notices_for(actor_for_user(here))
    assert notice not in selectors.notices_for(act(tc, "resident"))
    assert notice in selectors.notices_for(act(tc, "street_admin"))


def test_withdrawn_notice_leaves_residents_lists_and_stays_on_record(tiny_city: TinyCity) -> None:
    tc = tiny_city
    notice = publish(tc)
    resident = act(tc, "resident")
    assert notice.pk in [n.id for n in selectors.notices_for_home(resident)]
    unread = selectors.unread_count(resident)
    with pytest.raises(NotAllowed):
        notice_withdraw(actor=act(tc, "street_admin"), notice=notice)  # issued above it
    with pytest.raises(NotAllowed):
        notice_withdraw(actor=resident, notice=notice)
    done = notice_withdraw(actor=act(tc, "city_admin"), notice=notice)
    assert done.withdrawn_at is not None
    again = notice_withdraw(actor=act(tc, "city_admin"), notice=notice)
    assert again.withdrawn_at == done.withdrawn_at
    assert notice not in selectors.notices_for(resident)
    assert notice.pk not in [n.id for n in selectors.notices_for_home(resident)]
    assert selectors.unread_count(resident) == unread - 1
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert notice in selectors.notices_for(act(tc, "city_admin"))  # the record
    assert notice in selectors.notices_for(act(tc, "street_admin"))
