"""Supplies (M12): living supplies for residents, protective equipment and disinfectant for
community workers (防护装备和卫生消毒用品), held as stock per item and place.

`Stock.quantity` moves only together with a `StockMovement` row, in one conditional UPDATE
(`quantity = quantity + delta WHERE quantity + delta >= 0`), so the history always sums to the
stock and two people taking the last boxes cannot both win.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from places.models import Place
from supplies.querysets import StockMovementQuerySet, StockQuerySet, SupplyItemQuerySet


class ItemKind(models.TextChoices):
    LIVING = "living", _("Living supplies")
    PROTECTIVE = "protective", _("Protective equipment")
    DISINFECTANT = "disinfectant", _("Disinfectant")


class SupplyItem(models.Model):
    """One kind of supply in the city's catalogue (rice 10 kg bag, N95 mask, 84 disinfectant)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=16, help_text=_("e.g. box, piece, bottle"))
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SupplyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """What one place (a community or a street) holds of one item."""

    item = models.ForeignKey(
        SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="stocks"
    )
    place = models.ForeignKey(
        Place, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    quantity = models.IntegerField(_("in stock"), default=0)
    low_threshold = models.PositiveIntegerField(
        _("low-stock alarm at"), default=0, help_text=_("Alarm when the stock falls to this.")
    )
    # Set when the stock falls to its threshold, cleared when it rises above (the alarm).
    low_since = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        ordering = ["place_path", "item__kind", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "place"], name="stock_unique_item_place"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} @ {self.place}"

    @property
    def is_low(self) -> bool:
        return self.quantity <= self.low_threshold


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received")
    ISSUE = "issue", _("Issued to a worker")
    DISPATCH = "dispatch", _("Sent for a resident's request")
    TRANSFER_OUT = "transfer_out", _("Transferred out")
    TRANSFER_IN = "transfer_in", _("Transferred in")
    ADJUSTMENT = "adjustment", _("Stock-take correction")


class StockMovement(models.Model):
    """One change of a stock, never edited: `delta` is signed; `balance` is the stock after."""

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    delta = models.IntegerField(_("change"))
    balance = models.IntegerField(_("balance after"))
    at = models.DateTimeField(_("time"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # An issue names the worker who received it.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplies_received",
    )
    # A transfer names the other side (the two movements point at each other's place).
    counterpart = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        _("from"), max_length=100, blank=True, default="", help_text=_("e.g. donation, district")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.delta:+d}"
