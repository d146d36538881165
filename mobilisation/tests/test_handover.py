"""A deployment ending hands over the person's duties in that community, and nothing else."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mobilisation.handover import duties_hand_over
from mobilisation.models import Post, PostMember, Shift, ShiftAssignment, Zone, ZoneMember
from testkit import ROOT, TinyCity


def _future_assignment(tc: TinyCity, post: Post, user_id: int, hours: int) -> ShiftAssignment:
    c = post.community
    starts = timezone.now() + dt.timedelta(hours=hours)
    shift = Shift.objects.create(
        community=c,
        community_path=c.path,
        post=post,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        created_by_id=post.created_by_id,
        created_at=timezone.now(),
    )
    return ShiftAssignment.objects.create(
        community=c,
        community_path=c.path,
        shift=shift,
        user_id=user_id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        assigned_by_id=post.created_by_id,
        assigned_at=timezone.now(),
    )


def test_hand_over_releases_posts_zones_and_future_shifts(tiny_city: TinyCity) -> None:
    tc = tiny_city
    cadre = tc.users["cadre"]
    post = Post.objects.get(community=tc.inside.community)
    zone = Zone.objects.get(community=tc.inside.community)
    ZoneMember.objects.create(zone=zone, user=cadre, added_by=cadre, added_at=timezone.now())
    running = ShiftAssignment.objects.get(user=cadre, community=tc.inside.community)
    future = _future_assignment(tc, post, cadre.pk, hours=24)
    # Someone else's future shift and the 【OST】 community's rows stay.
    other = _future_assignment(tc, post, tc.users["volunteer"].pk, hours=30)
    ost_post = Post.objects.get(community=tc.other_street.community)
    now = timezone.now()

    counts = duties_hand_over(actor=ROOT, user_id=cadre.pk, community=tc.inside.community, now=now)

    assert counts == {"posts": 1, "zones": 1, "led": 2, "shifts": 1}
    assert PostMember.objects.get(post=post, user=cadre).removed_at == now
    assert ZoneMember.objects.get(zone=zone, user=cadre).removed_at == now
    post.refresh_from_db()
    zone.refresh_from_db()
    assert post.leader_id is None and zone.leader_id is None
    future.refresh_from_db()
    assert future.removed_at == now and future.removed_note
    running.refresh_from_db()
    assert running.removed_at is None  # a shift already started keeps its record
    other.refresh_from_db()
    assert other.removed_at is None
    ost_post.refresh_from_db()
    assert ost_post.leader_id is not None
    # Nothing left to hand over the second time.
    again = duties_hand_over(actor=ROOT, user_id=cadre.pk, community=tc.inside.community, now=now)
    assert again == {"posts": 0, "zones": 0, "led": 0, "shifts": 0}
