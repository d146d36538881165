from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from core.sorting import KEY_LENGTH, SORT_PATH_LENGTH, natural_key, sort_path
from places.querysets import HouseholdQuerySet, PlaceQuerySet


class PlaceKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")


# Each kind's parent kind: the tree's shape, checked by the place services.
PARENT_KIND: dict[str, str | None] = {
    PlaceKind.CITY: None,
    PlaceKind.DISTRICT: PlaceKind.CITY,
    PlaceKind.STREET: PlaceKind.DISTRICT,
    PlaceKind.COMMUNITY: PlaceKind.STREET,
    PlaceKind.GRID: PlaceKind.COMMUNITY,
    PlaceKind.BUILDING: PlaceKind.GRID,
}
CHILD_KIND: dict[str, str | None] = {
    PlaceKind.CITY: PlaceKind.DISTRICT,
    PlaceKind.DISTRICT: PlaceKind.STREET,
    PlaceKind.STREET: PlaceKind.COMMUNITY,
    PlaceKind.COMMUNITY: PlaceKind.GRID,
    PlaceKind.GRID: PlaceKind.BUILDING,
    PlaceKind.BUILDING: None,
}


# Natural order (core.sorting): places as the tree reads (a parent, then its children, 9栋 before
# 10栋); households and the rows in them (residents, reports…) grid by grid, then by building and
# room (1单元101 before 1单元1001). The grid comes first as the rows' own indexed column: a list
# of a whole city then sorts one grid's rows at a time (a few hundred), not millions through a
# join (3.4 s instead of 72 ms for the first page of 600,000 residents); grids are in the order
# they were set up.
PLACE_ORDER = ("sort_path", "pk")


def address_order(prefix: str = "") -> tuple[str, ...]:
    """The natural address order of rows with `grid`, `building` and `household` foreign keys
    (`prefix` e.g. "resident__" for rows that reach them through another row)."""
    return (
        f"{prefix}grid_id",
        f"{prefix}building__sort_path",
        f"{prefix}household__room_sort_key",
        f"{prefix}household_id",
    )


HOUSEHOLD_ORDER = ("grid_id", "building__sort_path", "room_sort_key", "pk")


class PlaceVariant(models.TextChoices):
    """Same level, other name: 开发区/功能区 are districts, 乡镇 streets, 村 communities."""

    NONE = "", _("Standard")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


def path_ids(path: str) -> list[int]:
    """The ids of a materialised path, top first: "/1/4/19/" → [1, 4, 19]."""
    return [int(p) for p in path.strip("/").split("/") if p]


class Place(models.Model):
    """One node of city > district > street > community > grid > building.

    `path` is the materialised path of ids ("/1/4/19/"): a subtree is one indexed prefix match.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    variant = models.CharField(
        _("variant"), max_length=20, choices=PlaceVariant.choices, blank=True, default=""
    )
    name = models.CharField(_("name"), max_length=100)
    # The natural order of the tree (core.sorting.sort_path): the natural keys of the ancestors'
    # names and its own. Lists of places order by it: 9栋 before 10栋, 第9网格 and its buildings
    # before 第10网格. Kept in step by save() (a rename moves the subtree's) and bulk_create.
    sort_path = models.CharField(max_length=SORT_PATH_LENGTH, editable=False, default="")
    code = models.CharField(_("code"), max_length=32, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["sort_path", "pk"]
        indexes = [
            models.Index(fields=["kind", "path"], name="place_kind_path"),
            models.Index(
                fields=["path"], name="place_path_like", opclasses=["varchar_pattern_ops"]
            ),
            # Places in natural order: a place's children (place pages, roll-ups), every building
            # of an area (choices, lists).
            models.Index(fields=["parent", "sort_path"], name="place_parent_sort"),
            models.Index(fields=["kind", "sort_path"], name="place_kind_sort"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="place_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None and "name" not in fields:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            # The stored value, not this copy's (which may be stale): the subtree's paths start
            # with it. Locked, as a child created meanwhile copies its parent's.
            old = (
                Place.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("sort_path", flat=True)
                .first()
                if self.pk
                else None
            )
            above = self.parent.sort_path if self.parent is not None else ""
            self.sort_path = sort_path(above, self.name)
            kwargs["update_fields"] = _with_key(fields, "name", "sort_path")
            super().save(*args, **kwargs)
            if old and old != self.sort_path and self.path:
                Place.objects.filter(path__startswith=self.path).exclude(pk=self.pk).update(
                    sort_path=Concat(
                        models.Value(self.sort_path), Substr("sort_path", len(old) + 1)
                    )
                )

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]


def _with_key(fields: Iterable[str] | None, source: str, key: str) -> list[str] | None:
    """save(update_fields=[…]) writes the sort key too when it writes what the key is made of."""
    if fields is None:
        return None
    fields = list(fields)
    return [*fields, key] if source in fields and key not in fields else fields


def household_columns(row: models.Model) -> dict[str, int]:
    """The place columns and household id of a row in a household (a household, resident, case,
    care assignment…), for a new row about the same household to carry."""
    columns = {
        f"{c}_id": getattr(row, f"{c}_id")
        for c in ("city", "district", "street", "community", "grid", "building")
    }
    columns["household_id"] = row.pk if isinstance(row, Household) else row.household_id  # type: ignore[attr-defined]
    return columns


class InGrid(models.Model):
    """The denormalised places a high-volume row hangs under (architecture.md): scoping and
    roll-ups filter on one indexed column and need no joins at city scale. Only services write
    them (places.services.ancestor_columns), and moving a household moves them all in step."""

    city = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    district = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    community = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        abstract = True


class Household(InGrid):
    """A household of the registry (实有人口), living in one building."""

    building = models.ForeignKey(
        Place, verbose_name=_("building"), on_delete=models.PROTECT, related_name="households"
    )
    room = models.CharField(_("room"), max_length=40, help_text=_("e.g. Unit 3, Room 502"))
    # natural_key(room), kept in step by save() and bulk_create: 1单元101 before 1单元1001.
    room_sort_key = models.CharField(max_length=KEY_LENGTH, editable=False, default="")
    phone = models.CharField(_("contact phone"), max_length=24, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "room_sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_unique_room")
        ]
        indexes = [
            # A building's households in natural room order (the building page, call lists).
            models.Index(fields=["building", "room_sort_key"], name="household_room_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.room}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.room_sort_key = natural_key(self.room)
        kwargs["update_fields"] = _with_key(kwargs.get("update_fields"), "room", "room_sort_key")
        super().save(*args, **kwargs)
