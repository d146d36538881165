"""Who is told: the user ids of active users holding some roles on, over or within places, for
`notifications.services.notify`. Each is one query on the grants (no user is loaded one by
one); the answers are sorted ids."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import Grant
from core.roles import Role
from core.scoping import ancestor_paths


def _ids(qs: QuerySet[Grant]) -> list[int]:
    return sorted(set(qs.filter(user__is_active=True).values_list("user_id", flat=True)))


def users_with_role_on(place_ids: Iterable[int | None], roles: Iterable[str]) -> list[int]:
    """Users with a grant of one of `roles` directly on one of these places."""
    ids = [p for p in place_ids if p]
    if not ids:
        return []
    return _ids(Grant.objects.filter(place_id__in=ids, role__in=list(roles)))


def users_over(place_path: str, roles: Iterable[str]) -> list[int]:
    """Users with a grant of one of `roles` on the place or on any place above it (the offices
    that answer for it)."""
    if not place_path:
        return []
    return _ids(
        Grant.objects.filter(place__path__in=ancestor_paths(place_path), role__in=list(roles))
    )


def users_within(place_path: str, roles: Iterable[str]) -> list[int]:
    """Users with a grant of one of `roles` on the place or any place inside its subtree."""
    if not place_path:
        return []
    return _ids(Grant.objects.filter(place__path__startswith=place_path, role__in=list(roles)))


def residents_of_households(household_ids: Iterable[int | None]) -> list[int]:
    """Users with the resident role on these households."""
    ids = [h for h in household_ids if h]
    if not ids:
        return []
    return _ids(Grant.objects.filter(household_id__in=ids, role=Role.RESIDENT))


# A place's kind → the household column that names it (households carry their places).
_HOUSEHOLD_COLUMN = {
    "city": "household__city_id",
    "district": "household__district_id",
    "street": "household__street_id",
    "community": "household__community_id",
    "grid": "household__grid_id",
    "building": "household__building_id",
}


def grants_within_q(
    places: Iterable[tuple[int, str, str]], *, staff: bool = True, residents: bool = True
) -> Q | None:
    """Grants inside these places (id, kind, path): staff grants on places in their subtrees,
    and resident grants on their households (through the households' own place columns). For
    a fan-out too large for one list (a notice to a whole city): `user_ids_batch` pages it."""
    q: Q | None = None
    for place_id, kind, path in places:
        parts: list[Q] = []
        if staff:
            parts.append(Q(place__path__startswith=path) & ~Q(role=Role.RESIDENT))
        if residents and kind in _HOUSEHOLD_COLUMN:
            parts.append(Q(role=Role.RESIDENT, **{_HOUSEHOLD_COLUMN[kind]: place_id}))
        for part in parts:
            q = part if q is None else q | part
    return q


def user_ids_batch(q: Q, *, after: int = 0, size: int = 5000) -> list[int]:
    """The next `size` active users (by id, above `after`) holding a grant that matches `q`:
    keyset pages, so a city-wide fan-out never holds millions of ids at once."""
    return list(
        Grant.objects.filter(q, user_id__gt=after, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:size]
    )
