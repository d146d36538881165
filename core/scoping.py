"""The one access mechanism: every scoped queryset answers `for_actor(actor)`.

A model opts in by giving its QuerySet an `access_q(actor)` that returns the rows the actor may
see as a Q, or None for none. Selectors, API endpoints, exports and admin pages all start from
`Model.objects.for_actor(actor)`; nothing else decides visibility.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from django.db import models
from django.db.models import Q

from core.actor import Actor

# The place columns that high-volume rows carry (architecture.md, "Places and people").
PLACE_COLUMNS = ("city", "district", "street", "community", "grid", "building")


class ScopedQuerySet(models.QuerySet):
    def access_q(self, actor: Actor) -> Q | None:  # pragma: no cover - every model overrides
        raise NotImplementedError(f"{self.model.__name__} declares no access rule")

    def for_actor(self, actor: Actor) -> Self:
        if not actor.is_authenticated:
            return self.none()
        if actor.is_superuser:
            return self.all()
        q = self.access_q(actor)
        return self.none() if q is None else self.filter(q)


def ancestor_paths(path: str) -> list[str]:
    """ "/1/4/19/" → ["/1/", "/1/4/", "/1/4/19/"]: the path and every path above it."""
    ids = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


def any_of(qs: Iterable[Q]) -> Q | None:
    """OR of the given conditions, or None when there are none (deny by default)."""
    result: Q | None = None
    for q in qs:
        result = q if result is None else result | q
    return result


def place_columns_q(actor: Actor, roles: Iterable[str], prefix: str = "") -> Q | None:
    """Rows whose denormalised place column of the grant's kind equals the grant's place."""
    return any_of(
        Q(**{f"{prefix}{g.scope_kind}_id": g.place_id})
        for g in actor.place_grants(roles)
        if g.scope_kind in PLACE_COLUMNS
    )


def path_prefix_q(actor: Actor, roles: Iterable[str], field: str) -> Q | None:
    """Rows whose materialised path lies in the subtree of one of the actor's places."""
    return any_of(Q(**{f"{field}__startswith": g.place_path}) for g in actor.place_grants(roles))
