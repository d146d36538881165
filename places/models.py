from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "path"], name="place_kind_path"),
            models.Index(
                fields=["path"], name="place_path_like", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="place_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]


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
    phone = models.CharField(_("contact phone"), max_length=24, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_unique_room")
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.room}"
