"""The workers of a community, for the patrol, activity and wellbeing parts: users holding a
worker role (duty.querysets.WORKER_ROLES) on the community or one of its grids or buildings.
(The roster part keeps its own list in duty/workers.py; this one is private to these parts.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Grant
from duty.querysets import WORKER_ROLES
from places.models import Place


@dataclass(frozen=True)
class CrewMember:
    user_id: int
    name: str


def _grants_q(community_path: str) -> Q:
    return Q(role__in=WORKER_ROLES, place__path__startswith=community_path, user__is_active=True)


def crew(community: Place) -> list[CrewMember]:
    """The community's workers, by name (one query)."""
    rows = (
        Grant.objects.filter(_grants_q(community.path))
        .order_by("user__display_name", "user__username", "user_id")
        .values_list("user_id", "user__display_name", "user__username")
    )
    seen: dict[int, CrewMember] = {}
    for user_id, display, username in rows:
        if user_id not in seen:
            seen[user_id] = CrewMember(user_id, display or username)
    return list(seen.values())


def crew_ids_among(community_path: str, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` work in the community (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    return set(
        Grant.objects.filter(_grants_q(community_path), user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )


def clean_ids(values: Iterable[object]) -> list[int] | None:
    """Ids as forms send them (strings or ints), in order, once each; None when one is not a
    number."""
    out: list[int] = []
    for v in values:
        try:
            n = int(str(v))
        except (TypeError, ValueError):
            return None
        if n not in out:
            out.append(n)
    return out
