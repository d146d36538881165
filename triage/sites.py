"""Registering designated hospitals and isolation sites, with their capacity."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.actor import Actor
from core.error_codes import CoreError
from core.errors import NotAllowed, field_error
from core.validators import normalize_line, normalize_text
from places.models import Place, PlaceKind
from triage.error_codes import TriageError
from triage.models import Site, SiteKind
from triage.policies import SITE_ROLES, may_manage_sites

CAPACITY_MAX = 100_000
SITE_PLACE_KINDS = (PlaceKind.CITY, PlaceKind.DISTRICT, PlaceKind.STREET)


def _check_place(actor: Actor, place: Place) -> None:
    if place.kind not in SITE_PLACE_KINDS:
        raise field_error(
            "place", _("A site serves a street, a district or the city."), CoreError.KIND
        )
    if actor.is_superuser:
        return
    if not any(place.path.startswith(g.place_path) for g in actor.place_grants(SITE_ROLES)):
        raise NotAllowed(_("This place is outside your area."))


def _capacity(value: Any) -> int:
    text = normalize_text(str(value if value is not None else ""))
    if not text.isdigit():
        raise field_error("capacity", _("Enter the number of beds or rooms."), CoreError.INVALID)
    number = int(text)
    if number < 1 or number > CAPACITY_MAX:
        raise field_error(
            "capacity", _("Between 1 and %(max)s.") % {"max": CAPACITY_MAX}, CoreError.OUT_OF_RANGE
        )
    return number


@transaction.atomic
def site_save(
    *,
    actor: Actor,
    site: Site | None,
    kind: str,
    name: str,
    place: Place,
    capacity: Any,
    address: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Site:
    """Register a site, or change one. Capacity never drops below the people placed there."""
    if not may_manage_sites(actor):
        raise NotAllowed(_("Only street, district and city offices register sites."))
    if kind not in SiteKind.values:
        raise field_error("kind", _("Choose a designated hospital or an isolation site."))
    name = normalize_line(name)[:100]
    if not name:
        raise field_error("name", _("Give the site's name."), CoreError.REQUIRED)
    _check_place(actor, place)
    number = _capacity(capacity)
    if site is not None and site.pk:
        site = Site.objects.select_for_update().get(pk=site.pk)
        _check_place(actor, site.place)
        if kind != site.kind and site.occupied:
            raise field_error(
                "kind",
                _("%(n)s people are placed here; the kind cannot change.") % {"n": site.occupied},
                TriageError.OCCUPIED,
            )
        if number < site.occupied:
            raise field_error(
                "capacity",
                _("%(n)s people are placed here; capacity cannot be lower.") % {"n": site.occupied},
                TriageError.BELOW_OCCUPIED,
            )
    else:
        site = Site(created_by_id=actor.user_id or 0)
    site.kind, site.name, site.place, site.place_path = kind, name, place, place.path
    site.capacity = number
    site.address = normalize_line(address)[:200]
    site.phone = normalize_text(phone)[:24]
    site.is_active = bool(is_active)
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError:
        raise field_error(
            "name", _("A site of this kind with this name exists here."), CoreError.DUPLICATE
        ) from None
    return site
