"""What a person holds in a community's duty, released when their deployment ends."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from mobilisation.models import Post, PostMember, ShiftAssignment, Zone, ZoneMember
from places.models import Place


@transaction.atomic
def duties_hand_over(
    *, actor: Actor, user_id: int, community: Place, now: datetime.datetime
) -> dict[str, int]:
    """Remove the person from the community's posts and zones (leaderships become vacant) and
    from shifts not yet started. Returns counts: {"posts": n, "zones": n, "led": n, "shifts": n}.
    Called by mobilisation.deployments.deployment_end inside its transaction (which checked who
    may end the deployment): shifts already started stay, with their check-in and hours."""
    posts = PostMember.objects.filter(
        post__community_id=community.pk, user_id=user_id, removed_at__isnull=True
    ).update(removed_at=now)
    zones = ZoneMember.objects.filter(
        zone__community_id=community.pk, user_id=user_id, removed_at__isnull=True
    ).update(removed_at=now)
    led = Post.objects.filter(community_id=community.pk, leader_id=user_id).update(leader=None)
    led += Zone.objects.filter(community_id=community.pk, leader_id=user_id).update(leader=None)
    shifts = ShiftAssignment.objects.filter(
        community_id=community.pk,
        user_id=user_id,
        removed_at__isnull=True,
        starts_at__gt=now,
    ).update(removed_at=now, removed_note=_("Deployment ended: duties handed over."))
    return {"posts": posts, "zones": zones, "led": led, "shifts": shifts}
