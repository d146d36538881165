"""The home page's health counts: today's round at a glance for an office or grid worker, who
has not reported yet and abnormal reports waiting."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actor import Actor, ScopeGrant
from core.home import HomeCount
from core.roles import REGISTRY_ROLES
from health import selectors as health
from places.models import PlaceKind


def home_counts(actor: Actor, grant: ScopeGrant) -> list[HomeCount]:
    if grant.place_id is None:
        return []
    if grant.role not in REGISTRY_ROLES or grant.scope_kind == PlaceKind.BUILDING:
        return []
    place = health.access_health_place(actor, grant.place_id)
    day = timezone.localdate()
    slot = health.default_slot(day)
    figures = health.coverage(actor, place, day).total.slots[slot]
    missing_url = (
        reverse("health:not_reported", args=[grant.place_id])
        if place.kind == PlaceKind.GRID
        else reverse("health:coverage", args=[grant.place_id])
    )
    return [
        HomeCount(_("Not reported yet"), figures.missing, missing_url),
        HomeCount(
            _("Abnormal reports"), health.flags(actor, place=place).count(), reverse("health:flags")
        ),
    ]
