"""Posts and responsibility zones (先锋岗、示范岗、责任区), M5: every write. The community's
admin sets them up; leaders and members must be workers of the community."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from core.actor import Actor
from duty.models import Post, PostMember, Zone, ZoneMember
from places.models import Place


def post_save(
    *,
    actor: Actor,
    post: Post | None,
    community: Place,
    name: str,
    kind: str,
    place_id: object = None,
    location: str = "",
    leader_id: object = None,
    needed_per_shift: object = 1,
    duties: str = "",
    now: datetime.datetime | None = None,
) -> Post:
    """Create (post=None) or change a post of the community."""
    raise NotImplementedError


def post_close(*, actor: Actor, post: Post, now: datetime.datetime | None = None) -> Post:
    """Close a post: its members are removed and its future shifts cancelled."""
    raise NotImplementedError


def post_member_add(
    *, actor: Actor, post: Post, user_id: object, now: datetime.datetime | None = None
) -> PostMember:
    raise NotImplementedError


def post_member_remove(
    *, actor: Actor, post: Post, user_id: object, now: datetime.datetime | None = None
) -> PostMember:
    raise NotImplementedError


def zone_save(
    *,
    actor: Actor,
    zone: Zone | None,
    community: Place,
    name: str,
    place_ids: Iterable[object],
    leader_id: object = None,
    duties: str = "",
    now: datetime.datetime | None = None,
) -> Zone:
    """Create or change a zone: its grids/buildings (of the community) replace the old set."""
    raise NotImplementedError


def zone_close(*, actor: Actor, zone: Zone, now: datetime.datetime | None = None) -> Zone:
    raise NotImplementedError


def zone_member_add(
    *, actor: Actor, zone: Zone, user_id: object, now: datetime.datetime | None = None
) -> ZoneMember:
    raise NotImplementedError


def zone_member_remove(
    *, actor: Actor, zone: Zone, user_id: object, now: datetime.datetime | None = None
) -> ZoneMember:
    raise NotImplementedError
