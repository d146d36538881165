"""What a person holds in a community's duty, released when their deployment ends."""

from __future__ import annotations

import datetime

from core.actor import Actor
from places.models import Place


def duties_hand_over(
    *, actor: Actor, user_id: int, community: Place, now: datetime.datetime
) -> dict[str, int]:
    """Remove the person from the community's posts and zones (leaderships become vacant) and
    from shifts not yet started. Returns counts: {"posts": n, "zones": n, "led": n, "shifts": n}.
    Called by party.deployments.deployment_end inside its transaction."""
    raise NotImplementedError
