"""Reading, relaying and reach: a resident's first opening is one read with their community;
each community records its relay once (updating it again), only its admin, with at least one
channel and an explanation; the reach per community equals a recount and is scoped to the
office's own communities."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Grant, User
from accounts.selectors import actor_for_user
from core.actor import Actor
from core.errors import NotAllowed
from notices import notice_selectors as selectors
from notices.models import Notice, NoticeKind, NoticeRead, NoticeRelay
from notices.publishing import notice_publish
from notices.reads import notice_read
from notices.relays import notice_relay_save
from people.models import Resident, ResidentStatus
from testkit import TinyCity

pytestmark = pytest.mark.django_db


def act(tc: TinyCity, role: str) -> Actor:
    return actor_for_user(tc.users[role])


def city_notice(tc: TinyCity) -> Notice:
    return notice_publish(
        actor=act(tc, "city_admin"),
        kind=NoticeKind.ANNOUNCEMENT,
        title="全市通告",
        body="请居民减少外出。",
        issuer=tc.city,
        targets=[tc.city],
    )


def test_reading_is_recorded_once_with_the_residents_community(tiny_city: TinyCity) -> None:
    tc = tiny_city
    notice = city_notice(tc)
    resident = act(tc, "resident")
    home = selectors.notices_for_home(resident)
    assert [h.unread for h in home if h.id == notice.pk] == [True]
    unread = selectors.unread_count(resident)
    first = notice_read(actor=resident, notice=notice)
    again = notice_read(actor=resident, notice=notice)
    assert first is not None and again is not None and first.pk == again.pk
    assert NoticeRead.objects.filter(notice=notice).count() == 1
    assert first.community_id == tc.inside.community.pk
    assert first.community_path == tc.inside.community.path
    assert selectors.unread_count(resident) == unread - 1
    assert [h.unread for h in selectors.notices_for_home(resident) if h.id == notice.pk] == [False]
    assert list(selectors.notices_for(resident, unread=True).filter(pk=notice.pk)) == []
    # A worker's read counts no community (reach counts residents).
    worker = notice_read(actor=act(tc, "grid_worker"), notice=notice)
    assert worker is not None and worker.community_id is None


def test_relay_only_by_the_communitys_admin_validated_and_once(tiny_city: TinyCity) -> None:
    tc = tiny_city
    notice = city_notice(tc)
    c = tc.inside.community
    for role in ("street_admin", "grid_worker", "resident", "【ODI】_admin"):
        with pytest.raises(NotAllowed):
            notice_relay_save(
                actor=act(tc, role),
                notice=notice,
                community=c,
                channels=["poster"],
                explanation="说明",
            )
    admin = act(tc, "community_admin")
    for channels, explanation, field in (
        ([], "说明", "channels"),
        (["fax"], "说明", "channels"),
        (["poster"], "   ", "explanation"),
    ):
        with pytest.raises(ValidationError) as info:
            notice_relay_save(
                actor=admin,
                notice=notice,
                community=c,
                channels=channels,
                explanation=explanation,
            )
        assert field in info.value.error_dict
    assert not NoticeRelay.objects.filter(notice=notice).exists()
    first = notice_relay_save(
        actor=admin,
        notice=notice,
        community=c,
        channels=["poster", "broadcast", "poster"],
        explanation="今晚起小区只留东门。",
    )
    assert first.channels == ["broadcast", "poster"]
    second = notice_relay_save(
        actor=admin,
        notice=notice,
        community=c,
        channels=["online_group"],
        explanation="更新：东门八点开。",
    )
    assert second.pk == first.pk and NoticeRelay.objects.filter(notice=notice).count() == 1
    assert second.explanation == "更新：东门八点开。" and second.channels == ["online_group"]
    # The resident reads the explanation with the notice; a street office sees the relay.
    assert selectors.relay_for_reader(act(tc, "resident"), notice) == second
    assert second in selectors.notice_relays(act(tc, "street_admin"), notice)
    assert second not in selectors.notice_relays(act(tc, "【ODI】_admin"), notice)


def test_a_notice_not_sent_to_the_community_is_not_relayed_there(tiny_city: TinyCity) -> None:
    tc = tiny_city
    notice = notice_publish(
        actor=act(tc, "street_admin"),
        kind=NoticeKind.ORDER,
        title="街道通令",
        body="正文",
        issuer=tc.inside.street,
        targets=[tc.inside.street],
    )
    other = User.objects.create(username="ost-community-admin")
    Grant.objects.create(user=other, role="community_admin", place=tc.other_street.community)
    with pytest.raises(ValidationError) as info:
        notice_relay_save(
            actor=actor_for_user(other),
            notice=notice,
            community=tc.other_street.community,
            channels=["poster"],
            explanation="说明",
        )
    assert "community" in info.value.error_dict


def _recount(notice: Notice, community_id: int) -> tuple[int, int]:
    residents = Resident.objects.filter(
        community_id=community_id, status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY]
    ).count()
    reads = NoticeRead.objects.filter(notice=notice, community_id=community_id).count()
    return reads, residents


def test_reach_per_community_equals_a_recount_and_is_scoped(
    tiny_city: TinyCity, django_assert_max_num_queries: object
) -> None:
    tc = tiny_city
    notice = city_notice(tc)
    notice_read(actor=act(tc, "resident"), notice=notice)
    odi = User.objects.create(username="odi-reader")
    Grant.objects.create(user=odi, role="resident", household=tc.other_district.household)
    notice_read(actor=actor_for_user(odi), notice=notice)
    moved = tc.inside.residents[1]
    moved.status = ResidentStatus.MOVED_OUT
    moved.save(update_fields=["status"])
    notice_relay_save(
        actor=act(tc, "community_admin"),
        notice=notice,
        community=tc.inside.community,
        channels=["loudspeaker"],
        explanation="说明",
    )
    city = act(tc, "city_admin")
    communities = selectors.reach_communities(city, notice)
    shown = list(communities)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        reach = selectors.notice_reach(city, notice, communities, shown)
    by = {r.community.pk: r for r in reach.rows}
    assert set(by) == {
        tc.inside.community.pk,
        tc.other_street.community.pk,
        tc.other_district.community.pk,
    }
    for cid, row in by.items():
        assert (row.reads, row.residents) == _recount(notice, cid)
    assert by[tc.inside.community.pk].reads == 1
    assert by[tc.inside.community.pk].relay is not None
    assert by[tc.other_street.community.pk].relay is None
    assert reach.reads == sum(r.reads for r in reach.rows) == 2
    assert reach.residents == sum(r.residents for r in reach.rows)
    assert (reach.communities, reach.relayed) == (3, 1)
    # A street office sees only its own communities.
    street = act(tc, "street_admin")
    mine = selectors.reach_communities(street, notice)
    assert list(mine.values_list("pk", flat=True)) == [tc.inside.community.pk]
    assert selectors.notice_reach(street, notice, mine, list(mine)).reads == 1


def test_two_openings_at_the_same_moment_record_one_read(
    tiny_city: TinyCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other request recorded the read between our check and our insert: the unique
    constraint refuses the second row and the first one is returned."""
    from notices import reads

    tc = tiny_city
    notice = city_notice(tc)
    resident = act(tc, "resident")
    first = notice_read(actor=resident, notice=notice)
    monkeypatch.setattr(reads, "_existing", lambda notice_id, user_id: None)
    second = notice_read(actor=resident, notice=notice)
    assert first is not None and second is not None and second.pk == first.pk
    assert NoticeRead.objects.filter(notice=notice).count() == 1
