"""The city's catalogue of supplies: city and district offices keep it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line
from supplies.error_codes import SuppliesError
from supplies.models import ItemKind, SupplyItem
from supplies.policies import may_keep_catalogue


@transaction.atomic
def item_save(
    *,
    actor: Actor,
    item: SupplyItem | None,
    name: str,
    kind: str,
    unit: str,
    is_active: bool = True,
) -> SupplyItem:
    """Add an item to the catalogue, or change one. Names are unique across the city."""
    if not may_keep_catalogue(actor):
        raise NotAllowed(_("Only city and district offices keep the catalogue of supplies."))
    name = normalize_line(name)
    if not name:
        raise field_error("name", _("Give the item's name."), CoreError.REQUIRED)
    if len(name) > 80:
        raise field_error("name", _("At most 80 characters."), CoreError.MAX_LENGTH)
    if kind not in ItemKind.values:
        raise field_error("kind", _("Choose the kind of supply."), CoreError.INVALID)
    unit = normalize_line(unit)
    if not unit:
        raise field_error(
            "unit", _("Give the unit it is counted in (box, piece, bottle)."), CoreError.REQUIRED
        )
    if len(unit) > 16:
        raise field_error("unit", _("At most 16 characters."), CoreError.MAX_LENGTH)
    if item is not None and item.pk:
        item = SupplyItem.objects.select_for_update().get(pk=item.pk)
    else:
        item = SupplyItem()
    clash = SupplyItem.objects.filter(name__iexact=name).exclude(pk=item.pk).exists()
    if clash:
        raise field_error(
            "name", _("An item of this name is already in the catalogue."), SuppliesError.UNIQUE
        )
    item.name, item.kind, item.unit, item.is_active = name, kind, unit, bool(is_active)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # the same name added a moment ago
        raise field_error(
            "name", _("An item of this name is already in the catalogue."), SuppliesError.UNIQUE
        ) from None
    return item
