"""The workers of a community as the patrol, activity and wellbeing parts use them: names for
choices and "are these all workers here?". Who is a worker is defined once, in
mobilisation.workers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mobilisation.workers import community_worker_ids, community_worker_options
from places.models import Place


@dataclass(frozen=True)
class CrewMember:
    user_id: int
    name: str


def crew(community: Place) -> list[CrewMember]:
    """The community's workers, by name, with their roles there (one query)."""
    return [CrewMember(o.user.pk, o.label) for o in community_worker_options(community)]


def crew_ids_among(community_path: str, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` work in the community (one query)."""
    ids = set(user_ids)
    if not ids:
        return set()
    return ids & community_worker_ids(community_path)


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
