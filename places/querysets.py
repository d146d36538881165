from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from core.actor import Actor
from core.roles import HELPER_ROLES, REGISTRY_ROLES, Role
from core.scoping import ScopedQuerySet, any_of, path_prefix_q, place_columns_q
from core.sorting import natural_key, sort_path

# Everyone who works on places sees the places of their subtree.
PLACE_ROLES = REGISTRY_ROLES | HELPER_ROLES


class PlaceQuerySet(ScopedQuerySet):
    """Writes in bulk (the demo city, a city's setup) keep `sort_path` as Place.save() does."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        # A parent given as an object (saved before, as the demo city's levels are) carries its
        # sort path; parents given by id are read in one query.
        parents = {id(o): o._state.fields_cache.get("parent") for o in objs}
        by_id = {o.parent_id for o in objs if parents[id(o)] is None and o.parent_id}
        paths = dict(self.model.objects.filter(pk__in=by_id).values_list("pk", "sort_path"))
        for obj in objs:
            parent = parents[id(obj)]
            above = parent.sort_path if parent is not None else paths.get(obj.parent_id, "")
            obj.sort_path = sort_path(above, obj.name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        if "name" in fields:
            raise ValueError("Rename places one at a time (Place.save): their subtree follows.")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if "name" in kwargs:
            raise ValueError("Rename places one at a time (Place.save): their subtree follows.")
        return super().update(**kwargs)

    def access_q(self, actor: Actor) -> Q | None:
        return path_prefix_q(actor, PLACE_ROLES, "path")

    def subtree(self, path: str) -> PlaceQuerySet:
        return self.filter(path__startswith=path)


class HouseholdQuerySet(ScopedQuerySet):
    """Writes in bulk (imports, the demo city) keep `room_sort_key` as Household.save() does."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        for obj in objs:
            obj.room_sort_key = natural_key(obj.room)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        objs, fields = list(objs), list(fields)
        if "room" in fields:
            for obj in objs:
                obj.room_sort_key = natural_key(obj.room)
            fields = [*fields, "room_sort_key"] if "room_sort_key" not in fields else fields
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if "room" in kwargs and "room_sort_key" not in kwargs:
            if not isinstance(kwargs["room"], str):
                raise ValueError("update(room=…) takes the room as text (its sort key follows).")
            kwargs["room_sort_key"] = natural_key(kwargs["room"])
        return super().update(**kwargs)

    def access_q(self, actor: Actor) -> Q | None:
        from people.querysets import assigned_q

        own = [Q(pk=g.household_id) for g in actor.grants_for(Role.RESIDENT) if g.household_id]
        # Helpers see the households assigned to them (care, dispatched requests).
        assigned = assigned_q(actor, household_field="pk")
        return any_of([q for q in [place_columns_q(actor, REGISTRY_ROLES), *own, assigned] if q])
