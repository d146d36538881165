"""Reading a notice: the first time a user opens it is recorded once (the unique constraint makes
two requests at the same moment one row), with the reader's community as a resident, which the
reach counts use."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.actor import Actor
from core.roles import Role
from notices.models import Notice, NoticeRead
from places.models import path_ids


def resident_community(actor: Actor) -> tuple[int, str] | None:
    """The (id, path) of the community of the actor's household as a resident, or None; read
    from the grant's building path (city/district/street/community/grid/building), no query."""
    for g in actor.grants_for(Role.RESIDENT):
        ids = path_ids(g.household_path)
        if len(ids) >= 4:
            return ids[3], "/" + "/".join(map(str, ids[:4])) + "/"
    return None


def _existing(notice_id: int, user_id: int) -> NoticeRead | None:
    return NoticeRead.objects.filter(notice_id=notice_id, user_id=user_id).first()


def notice_read(*, actor: Actor, notice: Notice) -> NoticeRead | None:
    """Record that the actor opened the notice (the first time only); None for an anonymous
    actor or a withdrawn notice. The caller has already checked that the actor sees it."""
    if actor.user_id is None or notice.withdrawn_at is not None:
        return None
    existing = _existing(notice.pk, actor.user_id)
    if existing is not None:
        return existing
    home = resident_community(actor)
    try:
        with transaction.atomic():
            return NoticeRead.objects.create(
                notice=notice,
                user_id=actor.user_id,
                community_id=home[0] if home else None,
                community_path=home[1] if home else "",
                read_at=timezone.now(),
            )
    except IntegrityError:
        # Opened twice at the same moment: the other request recorded it.
        return NoticeRead.objects.get(notice_id=notice.pk, user_id=actor.user_id)
